"""The per-client rate limit: token buckets, and who counts as one client."""

from __future__ import annotations

from types import SimpleNamespace
from typing import List

import pytest

from bot.channels.rate_limit import RateLimiter, client_address


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def allowed(limiter: RateLimiter, key: str, count: int) -> List[bool]:
    return [limiter.allow(key) for _ in range(count)]


def test_a_burst_passes_then_the_client_is_limited() -> None:
    limiter = RateLimiter(burst=5, per_minute=30, clock=Clock())
    assert allowed(limiter, "a", 8) == [True] * 5 + [False] * 3


def test_the_bucket_refills_with_time() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=2, per_minute=30, clock=clock)  # one message per 2 s
    assert allowed(limiter, "a", 3) == [True, True, False]
    assert limiter.retry_after("a") == 2
    clock.now += 1.0
    assert not limiter.allow("a")
    clock.now += 1.0
    assert limiter.allow("a")
    clock.now += 3600
    assert allowed(limiter, "a", 3) == [True, True, False]  # never more than the burst


def test_refused_messages_do_not_push_the_client_further_back() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=1, per_minute=60, clock=clock)
    assert limiter.allow("a")
    assert allowed(limiter, "a", 100) == [False] * 100  # a flood ...
    clock.now += 1.0
    assert limiter.allow("a")  # ... costs nothing once it stops


def test_clients_are_limited_apart() -> None:
    limiter = RateLimiter(burst=3, per_minute=1, clock=Clock())
    assert allowed(limiter, "flood", 10).count(True) == 3
    assert allowed(limiter, "other", 3) == [True] * 3


def test_every_key_of_a_message_must_have_a_token() -> None:
    limiter = RateLimiter(burst=2, per_minute=1, clock=Clock())
    assert limiter.allow("socket-1", "session")
    assert limiter.allow("socket-2", "session")
    # a third connection of the same session: the session's bucket is empty
    assert not limiter.allow("socket-3", "session")
    # and the refused message took nothing from the new connection's bucket
    assert allowed(limiter, "socket-3", 2) == [True, True]


def test_zero_turns_the_limit_off() -> None:
    limiter = RateLimiter(burst=0, per_minute=0, clock=Clock())
    assert not limiter.enabled
    assert all(allowed(limiter, "a", 1000))


def test_the_settings_configure_it(monkeypatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_BURST", "7")
    monkeypatch.setenv("RATE_LIMIT_PER_MINUTE", "12")
    limiter = RateLimiter.from_settings()
    assert (limiter.burst, limiter.rate) == (7, 0.2)


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(burst=1, per_minute=1, max_clients=100, clock=Clock())
    for index in range(1000):
        limiter.allow(f"client-{index}")
    assert len(limiter._buckets) == 100


class Headers(dict):
    def getall(self, name: str, default: list) -> list:
        return self.get(name, default)


def request(ip: str, forwarded: List[str]) -> SimpleNamespace:
    headers = Headers({"x-forwarded-for": forwarded} if forwarded else {})
    return SimpleNamespace(ip=ip, headers=headers)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, ["6.6.6.6"], "10.0.0.1"),  # no proxy: a client cannot choose its address
        (1, [], "10.0.0.1"),
        (1, ["203.0.113.7"], "203.0.113.7"),
        (1, ["6.6.6.6, 203.0.113.7"], "203.0.113.7"),  # the client's own entry is ignored
        (2, ["6.6.6.6, 203.0.113.7, 10.0.0.9"], "203.0.113.7"),
        (2, ["203.0.113.7", "10.0.0.9"], "203.0.113.7"),  # the header sent twice
        (3, ["203.0.113.7"], "10.0.0.1"),  # fewer entries than proxies: the peer
    ],
)
def test_client_address(proxies: int, forwarded: List[str], expected: str) -> None:
    assert client_address(request("10.0.0.1", forwarded), proxies) == expected


def test_only_the_first_refusal_of_a_flood_is_marked() -> None:
    clock = Clock()
    limiter = RateLimiter(burst=2, per_minute=30, clock=clock)
    verdicts = [limiter.check("a") for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, False, False, False]
    assert [v.first_refusal for v in verdicts] == [False, False, True, False, False]
    clock.now += 2.0
    assert limiter.check("a").allowed
    assert limiter.check("a").first_refusal  # the next flood gets its note again


def test_refusals_in_a_row_are_counted_per_client() -> None:
    limiter = RateLimiter(burst=1, per_minute=1, clock=Clock())
    assert limiter.check("a", "session").allowed
    assert [limiter.check("a", "session").refused_in_a_row for _ in range(3)] == [1, 2, 3]
    # a new connection of the same session starts its own count
    assert limiter.check("b", "session").refused_in_a_row == 1
