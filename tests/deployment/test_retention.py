"""The retention setting deletes old conversations from the tracker store, only those."""

from __future__ import annotations

import asyncio
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.storage.retention import SECONDS_PER_DAY, delete_idle_conversations
from tools.stack import rest_credentials, running_stack, send, stored_user_messages, text_of

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


def test_a_running_server_does_not_bring_back_a_deleted_conversation(tmp_path) -> None:
    """The server keeps recent conversations in memory; a deletion still wins."""
    db = tmp_path / "conversations.db"
    env = {"TRACKER_DB": str(db), "LANGUAGE_PACKS_DIR": str(tmp_path / "no-packs"),
           "RETENTION_DAYS": "0"}
    with running_stack(rasa_port=5715, actions_port=5765, extra_env=env,
                       credentials=rest_credentials(tmp_path), log_dir=tmp_path) as stack:

        def reply(text: str) -> str:
            return text_of(send(stack["url"], "kept-in-memory", text))

        reply("bitte auf englisch")  # the conversation remembers English
        assert "You are welcome!" in reply("danke")  # reviewed English, no pack needed

        deleted = delete_idle_conversations(
            f"sqlite:///{db}", days=1, now=time.time() + 2 * SECONDS_PER_DAY
        )

        assert deleted == 1
        # a new conversation: German again
        assert "Gern geschehen!" in reply("danke")
    assert stored_user_messages(db) == ["danke"]
