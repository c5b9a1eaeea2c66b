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


def test_a_running_server_does_not_bring_back_a_deleted_conversation(tmp_path) -> None:
    """The server keeps recent conversations in memory; a deletion still wins."""
    import json
    import sqlite3
    import time
    import urllib.request

    from tools.stack import running_stack

    def send(url: str, text: str) -> str:
        request = urllib.request.Request(
            f"{url}/webhooks/rest/webhook",
            data=json.dumps({"sender": "kept-in-memory", "message": text}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            return "\n".join(m.get("text", "") for m in json.loads(response.read()))

    db = tmp_path / "conversations.db"
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("bot.channels.rest.SafeRestInput:\n")
    env = {"TRACKER_DB": str(db), "LANGUAGE_PACKS_DIR": str(tmp_path / "no-packs"),
           "RETENTION_DAYS": "0"}
    with running_stack(rasa_port=5715, actions_port=5765, extra_env=env,
                       credentials=credentials, log_dir=tmp_path) as stack:
        send(stack["url"], "bitte auf englisch")  # the conversation remembers English
        assert "your language is not installed" in send(stack["url"], "danke")

        deleted = delete_idle_conversations(
            f"sqlite:///{db}", days=1, now=time.time() + 2 * SECONDS_PER_DAY
        )

        assert deleted == 1
        reply = send(stack["url"], "danke")
        assert "your language is not installed" not in reply  # a new conversation
    with sqlite3.connect(db) as connection:
        stored = connection.execute(
            "SELECT data FROM events WHERE type_name = 'user' ORDER BY id"
        ).fetchall()
    assert [json.loads(data)["text"] for (data,) in stored] == ["danke"]
