"""The Redis lock store hands out each ticket once, even to servers racing for it."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from bot import settings
from bot.storage.lock_store import AtomicRedisLockStore
from tests.deployment.conftest import require_services


def store() -> AtomicRedisLockStore:
    require_services()
    return AtomicRedisLockStore(host=settings.get("REDIS_HOST"),
                                port=int(settings.get("REDIS_PORT")), db=3, key_prefix="locktest")


def test_simultaneous_tickets_are_unique_and_cleanup_deletes_the_lock() -> None:
    conversation = f"race-{uuid.uuid4().hex[:8]}"
    stores = [store() for _ in range(8)]  # one client per "server"
    with ThreadPoolExecutor(max_workers=8) as pool:
        tickets = list(pool.map(lambda i: stores[i % 8].issue_ticket(conversation, 60),
                                range(40)))
    assert sorted(tickets) == list(range(40))
    for ticket in tickets:
        stores[ticket % 8].cleanup(conversation, ticket)
    assert stores[0].get_lock(conversation) is None


def test_lock_is_kept_while_someone_waits() -> None:
    conversation = f"wait-{uuid.uuid4().hex[:8]}"
    first, second = store(), store()
    ticket_a = first.issue_ticket(conversation, 60)
    ticket_b = second.issue_ticket(conversation, 60)
    first.cleanup(conversation, ticket_a)
    lock = second.get_lock(conversation)
    assert lock is not None and not lock.is_locked(ticket_b)
    second.cleanup(conversation, ticket_b)
    assert second.get_lock(conversation) is None


async def test_a_turn_longer_than_rasas_action_timeout_keeps_its_lock(monkeypatch) -> None:
    """A turn waiting 300 s for the action server still holds the lock; a crashed
    server's ticket is freed once TICKET_LOCK_LIFETIME has passed."""
    import rasa.core.lock
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    conversation = f"slow-{uuid.uuid4().hex[:8]}"
    first, second = store(), store()
    started = time.time()
    async with first.lock(conversation):  # as Rasa's agent takes it: no lifetime given
        monkeypatch.setattr(rasa.core.lock.time, "time",
                            lambda: started + DEFAULT_REQUEST_TIMEOUT + 10)
        waiting = second.issue_ticket(conversation)
        second.update_lock(conversation)  # removes expired tickets
        assert second.get_lock(conversation).is_locked(waiting)  # the slow turn still runs

        monkeypatch.setattr(rasa.core.lock.time, "time",
                            lambda: started + float(settings.get("TICKET_LOCK_LIFETIME")) + 1)
        second.update_lock(conversation)
        assert not second.get_lock(conversation).is_locked(waiting)
        second.cleanup(conversation, waiting)
