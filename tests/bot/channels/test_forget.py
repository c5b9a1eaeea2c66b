"""Deleting a conversation on its user's request: every stored event goes, others stay."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import List

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import AwaitableTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.forget import forget_conversation
from bot.paths import PROJECT_ROOT
from bot.storage.tracker_store import IncrementalSQLTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


def conversation(sender: str, domain: Domain) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_session_start"),
            SessionStarted(),
            ActionExecuted("action_listen"),
            UserUttered("Ich habe eine Frage zu meinem Aufenthalt", {"name": "faq"}),
            BotUttered("Antwort"),
            ActionExecuted("action_listen"),
        ],
        domain.slots,
    )


def stored_senders(database: Path) -> List[str]:
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars()
        senders = sorted(rows)
    engine.dispose()
    return senders


def sql_store(tmp_path: Path, domain: Domain) -> IncrementalSQLTrackerStore:
    return IncrementalSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "c.db"))


async def test_the_conversations_events_are_deleted_from_the_database(tmp_path, domain) -> None:
    store = sql_store(tmp_path, domain)
    for sender in ("mine", "someone-else"):
        await store.save(conversation(sender, domain))
    assert await store.retrieve("mine") is not None  # now in the store's memory too

    app = SimpleNamespace(
        ctx=SimpleNamespace(
            agent=SimpleNamespace(
                tracker_store=AwaitableTrackerStore(store), lock_store=InMemoryLockStore()
            )
        )
    )
    await forget_conversation(app, "mine")

    assert stored_senders(tmp_path / "c.db") == ["someone-else"]
    assert await store.retrieve("mine") is None
    assert await store.retrieve("someone-else") is not None


async def test_deletion_waits_for_the_turn_in_progress(tmp_path, domain) -> None:
    store = sql_store(tmp_path, domain)
    locks = InMemoryLockStore()
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=AwaitableTrackerStore(store), lock_store=locks
    )))

    async def turn() -> None:
        async with locks.lock("mine"):
            await asyncio.sleep(0.2)  # the turn is being processed ...
            await store.save(conversation("mine", domain))  # ... and then stored

    running = asyncio.ensure_future(turn())
    await asyncio.sleep(0.05)
    await forget_conversation(app, "mine")
    await running
    assert stored_senders(tmp_path / "c.db") == []  # nothing written back after deletion


async def test_a_store_that_cannot_delete_says_so(domain) -> None:
    app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(
        tracker_store=AwaitableTrackerStore(InMemoryTrackerStore(domain)),
        lock_store=InMemoryLockStore(),
    )))
    with pytest.raises(TypeError):
        await forget_conversation(app, "mine")


async def test_without_an_agent_nothing_is_pretended() -> None:
    with pytest.raises(RuntimeError):
        await forget_conversation(SimpleNamespace(ctx=SimpleNamespace()), "mine")
