"""A Redis lock store whose ticket operations are atomic across servers.

Rasa's RedisLockStore reads a conversation's lock, changes it and writes it back in
separate steps. Two servers that receive messages of the same conversation at the same
moment can both read the old lock, take the same ticket number and process the
conversation at once; the second save of the tracker then drops the first one's events.
Here every read-change-write runs in a Redis transaction (WATCH/MULTI) and is retried
when another server changed the lock in between (a retry happens only because another
server's change went through, so every round makes progress; no back-off is needed).

A ticket holds the lock for at most `TICKET_LOCK_LIFETIME` seconds (bot/settings.py,
360), longer than the 300 s Rasa waits for an action, so that a slow turn keeps its
conversation locked until it is done. Rasa's default of 60 s would let a second turn of
the same conversation run alongside a slow one.

Configured in endpoints.scale-out.yml as
`lock_store: type: bot.storage.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager
from typing import Any, Callable, Optional, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot import settings

Result = TypeVar("Result")
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], Result]]


def ticket_lock_lifetime() -> float:
    """Returns how long a ticket may hold a conversation's lock (`TICKET_LOCK_LIFETIME`)."""
    return float(settings.get("TICKET_LOCK_LIFETIME"))


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic ticket issuing, expiry and clean-up."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any):
        """Creates the store from the `lock_store` section of the endpoints file.

        Args:
            endpoint_config: `url` is the Redis host; the other keys (`port`, `db`,
                `key_prefix`, ...) are RedisLockStore's arguments.
            **kwargs: RedisLockStore's arguments, when created without a config.
        """
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _transaction(self, conversation_id: str, change: Change) -> Result:
        """Applies `change` to the stored lock atomically and returns its result.

        `change` gets the current lock (or None) and returns the lock to store (None
        deletes it) and a result. It may run more than once.
        """
        key = self.key_prefix + conversation_id
        while True:
            with self.red.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new_lock, result = change(lock)
                    pipe.multi()
                    if new_lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new_lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue

    def lock(
        self,
        conversation_id: str,
        lock_lifetime: Optional[float] = None,
        wait_time_in_seconds: float = 1,
    ) -> AbstractAsyncContextManager:
        """Holds the conversation's lock while the block runs (Rasa's `lock`).

        Args:
            conversation_id: The conversation.
            lock_lifetime: Seconds the ticket may hold the lock; `TICKET_LOCK_LIFETIME`
                when not given (Rasa passes its own default, read at import).
            wait_time_in_seconds: Pause between attempts to get the lock.
        """
        return super().lock(
            conversation_id, lock_lifetime or ticket_lock_lifetime(), wait_time_in_seconds
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: Optional[float] = None) -> int:
        """Issues the next ticket of the conversation's lock, creating the lock if needed.

        Args:
            conversation_id: The conversation.
            lock_lifetime: Seconds the ticket may hold the lock (`TICKET_LOCK_LIFETIME`
                when not given).

        Raises:
            LockError: when Redis fails, as Rasa's lock stores do.
        """
        lifetime = lock_lifetime or ticket_lock_lifetime()

        def take(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lifetime)

        try:
            return self._transaction(conversation_id, take)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        """Removes expired tickets from the conversation's lock."""

        def expire(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._transaction(conversation_id, expire)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Removes a served ticket; deletes the lock when nobody else waits."""

        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._transaction(conversation_id, finish)
