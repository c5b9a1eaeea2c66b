"""The retention setting deletes old conversations from the tracker store, only those."""

from __future__ import annotations

import asyncio

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.retention import SECONDS_PER_DAY, delete_idle_conversations

NOW = 1_800_000_000.0


def conversation(sender: str, age_days: float) -> DialogueStateTracker:
    at = NOW - age_days * SECONDS_PER_DAY
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=at - 60),
        UserUttered("Hallo", {"name": "greet"}, timestamp=at),
    ])


def test_idle_conversations_are_deleted_recent_ones_kept(tmp_path) -> None:
    db = tmp_path / "conversations.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    for sender, age in [("old-1", 40), ("old-2", 31), ("recent", 2), ("today", 0)]:
        asyncio.run(store.save(conversation(sender, age)))

    deleted = delete_idle_conversations(f"sqlite:///{db}", days=30, now=NOW)

    assert deleted == 2
    assert sorted(asyncio.run(store.keys())) == ["recent", "today"]


def test_zero_days_keeps_everything(tmp_path) -> None:
    db = tmp_path / "conversations.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    asyncio.run(store.save(conversation("old", 400)))
    assert delete_idle_conversations(f"sqlite:///{db}", days=0, now=NOW) == 0
    assert list(asyncio.run(store.keys())) == ["old"]


def test_missing_database_is_not_an_error(tmp_path) -> None:
    assert delete_idle_conversations(f"sqlite:///{tmp_path / 'none.db'}", 30, now=NOW) == 0
