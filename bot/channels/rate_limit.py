"""A per-client rate limit for both channels: token buckets kept in memory.

Each client has a bucket of `RATE_LIMIT_BURST` tokens that refills at
`RATE_LIMIT_PER_MINUTE`; a message takes one token, and a message that finds the bucket
empty is not processed: the channel answers it with the `rate_limited` note
(`bot.channels.notes`). A person typing or clicking never gets there; a script
flooding the assistant does, while other conversations go on at their normal pace.

Who counts as one client is the channel's choice: the web chat checks the connection
and the session, the REST channel the sender together with the client's address
(`client_address`). The buckets live in each server's memory; with several servers
behind a balancer the limit holds per server.

(The `limits` library would fit, but it needs `packaging>=21`, which Rasa 3.6 rules out.)
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable, List, NamedTuple

from sanic.request import Request

from bot import settings

MAX_CLIENTS = 100_000
"""Buckets kept at most; the least recently used go first (a full bucket is as good
as none, and an old one has refilled long since)."""


@dataclass
class _Bucket:
    tokens: float
    updated: float
    refused: int = 0
    """Messages refused since the client's last allowed one."""


class Verdict(NamedTuple):
    """What the limiter says about one message.

    Attributes:
        allowed: Whether the message may be processed.
        refused_in_a_row: How many messages were refused since the client's last
            allowed one, this one included (1: the first refusal, when the web chat
            sends its note).
    """

    allowed: bool
    refused_in_a_row: int = 0

    @property
    def first_refusal(self) -> bool:
        """Whether this is the first refused message since the last allowed one."""
        return self.refused_in_a_row == 1


class RateLimiter:
    """Token buckets by client key."""

    def __init__(
        self,
        burst: int,
        per_minute: float,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Creates the limiter.

        Args:
            burst: Messages a client may send at once (the bucket's size); 0 or less
                turns the limit off.
            per_minute: How fast the bucket refills, in messages per minute.
            max_clients: Buckets kept at most.
            clock: Seconds, monotonic; for tests.
        """
        self.burst = max(int(burst), 0)
        self.rate = max(float(per_minute), 0.0) / 60.0
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    @classmethod
    def from_settings(cls) -> RateLimiter:
        """Creates the limiter from `RATE_LIMIT_BURST` and `RATE_LIMIT_PER_MINUTE`."""
        return cls(
            int(settings.get("RATE_LIMIT_BURST")), float(settings.get("RATE_LIMIT_PER_MINUTE"))
        )

    @property
    def enabled(self) -> bool:
        """Whether messages are limited at all."""
        return self.burst > 0

    def _bucket(self, key: Hashable, now: float) -> _Bucket:
        """Returns a key's bucket, refilled up to now (a new one is full)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return _Bucket(float(self.burst), now)
        tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        return _Bucket(tokens, now, bucket.refused)

    def check(self, *keys: Hashable) -> Verdict:
        """Takes one token from the bucket of each key, if every one of them has one.

        A refused message takes nothing, so a client that waits gets through again.
        Nothing here awaits: concurrent messages are checked one after another.

        Args:
            *keys: The client's keys (e.g. its connection and its session).
        """
        if not self.enabled:
            return Verdict(True)
        now = self.clock()
        buckets = [self._bucket(key, now) for key in keys]
        allowed = all(bucket.tokens >= 1.0 for bucket in buckets)
        refused = 0 if allowed else 1 + min(bucket.refused for bucket in buckets)
        for key, bucket in zip(keys, buckets, strict=True):
            if allowed:
                bucket.tokens -= 1.0
            bucket.refused = refused
            self._buckets[key] = bucket
            self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return Verdict(allowed, refused)

    def allow(self, *keys: Hashable) -> bool:
        """Returns whether a message of a client may be processed (see `check`)."""
        return self.check(*keys).allowed

    def retry_after(self, *keys: Hashable) -> int:
        """Returns the whole seconds until each key's bucket has a token again."""
        if not self.enabled or self.rate <= 0:
            return 60
        now = self.clock()
        missing = max((1.0 - self._bucket(key, now).tokens for key in keys), default=0.0)
        return max(1, math.ceil(missing / self.rate)) if missing > 0 else 0


def client_address(request: Request, trusted_proxies: int) -> str:
    """Returns the address of the client that sent a request.

    Behind `trusted_proxies` reverse proxies the client's address is the entry those
    proxies added to `X-Forwarded-For` (counted from the right); entries further left
    come from the client and are not trusted. Without proxies the header is ignored.

    Args:
        request: The request.
        trusted_proxies: The number of reverse proxies in front of the server.
    """
    peer = request.ip or ""
    if trusted_proxies <= 0:
        return peer
    forwarded: List[str] = [
        entry.strip()
        for header in request.headers.getall("x-forwarded-for", [])
        for entry in header.split(",")
        if entry.strip()
    ]
    if len(forwarded) >= trusted_proxies:
        return forwarded[-trusted_proxies]
    return peer


def trusted_proxies() -> int:
    """Returns the `TRUSTED_PROXIES` setting (0 for a bad value)."""
    try:
        return max(int(settings.get("TRUSTED_PROXIES")), 0)
    except ValueError:
        return 0
