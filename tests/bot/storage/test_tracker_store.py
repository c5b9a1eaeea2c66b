"""The incremental SQL tracker store reads what Rasa's SQLTrackerStore reads, faster."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import List

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import PROJECT_ROOT
from bot.storage.retention import delete_idle_conversations
from bot.storage.tracker_store import (
    ConversationCache,
    IncrementalSQLTrackerStore,
    event_from_dict,
    stored_form,
)


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


def turn(number: int, at: float) -> List[Event]:
    """One turn: the user's message, the slot it sets, the bot's answer, listen."""
    return [
        UserUttered(f"Frage {number}", {"name": "faq", "confidence": 0.9}, timestamp=at),
        SlotSet("topic", f"thema_{number}", timestamp=at),
        ActionExecuted("utter_faq", timestamp=at),
        BotUttered(f"Antwort {number}", {"elements": None}, timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def add_turns(store, sender: str, numbers: range, domain: Domain) -> None:
    """Appends turns to a stored conversation (or starts it), as a server does."""
    tracker = asyncio.run(store.retrieve(sender)) or DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_session_start"), SessionStarted(),
                 ActionExecuted("action_listen")], domain.slots
    )
    for number in numbers:
        for event in turn(number, time.time()):
            tracker.update(event)
    asyncio.run(store.save(tracker))


def retrieve(store, sender: str):
    return asyncio.run(store.retrieve(sender))


def event_dicts(tracker: DialogueStateTracker) -> List[dict]:
    return [e.as_dict() for e in tracker.events]


def test_reads_the_same_conversation_as_rasas_sql_store(tmp_path: Path, domain: Domain):
    db = str(tmp_path / "c.db")
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=db)
    add_turns(store, "anna", range(1, 4), domain)
    retrieve(store, "anna")  # now cached
    add_turns(store, "anna", range(4, 7), domain)

    ours = retrieve(store, "anna")
    rasas = retrieve(SQLTrackerStore(domain, dialect="sqlite", db=db), "anna")

    assert event_dicts(ours) == event_dicts(rasas)
    assert ours.get_slot("topic") == "thema_6"
    assert len(store.cache) == 1


def test_a_turn_reads_only_the_new_rows(tmp_path: Path, domain: Domain, monkeypatch):
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    add_turns(store, "anna", range(1, 50), domain)
    retrieve(store, "anna")
    add_turns(store, "anna", range(50, 51), domain)

    import bot.storage.tracker_store as module

    deserialised = []
    original = module.event_from_dict
    monkeypatch.setattr(
        module, "event_from_dict", lambda data: deserialised.append(data) or original(data)
    )
    tracker = retrieve(store, "anna")

    assert len(deserialised) == len(turn(50, 0))
    assert tracker.latest_message.text == "Frage 50"


def test_sees_turns_written_by_another_server(tmp_path: Path, domain: Domain):
    db = str(tmp_path / "c.db")
    first = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=db)
    second = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=db)
    add_turns(first, "anna", range(1, 3), domain)
    retrieve(first, "anna")
    add_turns(second, "anna", range(3, 5), domain)  # the other server's turns

    tracker = retrieve(first, "anna")

    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "Frage 1", "Frage 2", "Frage 3", "Frage 4"
    ]


def test_a_deleted_conversation_is_not_served_from_the_cache(tmp_path: Path, domain: Domain):
    db = str(tmp_path / "c.db")
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=db)
    add_turns(store, "anna", range(1, 4), domain)
    assert retrieve(store, "anna") is not None

    deleted = delete_idle_conversations(f"sqlite:///{db}", days=1, now=time.time() + 2 * 86400)

    assert deleted == 1
    assert retrieve(store, "anna") is None
    add_turns(store, "anna", range(10, 11), domain)  # a new conversation, same id
    texts = [e.text for e in retrieve(store, "anna").events if isinstance(e, UserUttered)]
    assert texts == ["Frage 10"]


def test_a_new_session_starts_from_its_own_events(tmp_path: Path, domain: Domain):
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    add_turns(store, "anna", range(1, 3), domain)
    tracker = retrieve(store, "anna")
    later = time.time() + 10
    for event in [ActionExecuted("action_session_start", timestamp=later),
                  SessionStarted(timestamp=later),
                  ActionExecuted("action_listen", timestamp=later)]:
        tracker.update(event)
    asyncio.run(store.save(tracker))

    tracker = retrieve(store, "anna")

    assert [e for e in tracker.events if isinstance(e, UserUttered)] == []
    assert isinstance(tracker.events[1], SessionStarted)


def test_the_cache_is_bounded_by_its_events(tmp_path: Path, domain: Domain):
    store = IncrementalSQLTrackerStore(
        domain, dialect="sqlite", db=str(tmp_path / "c.db"), cache_events=40
    )
    for sender in ["a", "b", "c"]:
        add_turns(store, sender, range(1, 4), domain)  # 18 events each
        retrieve(store, sender)

    assert store.cache.total_events <= 40
    assert store.cache.pop("a") is None  # the least recently used left first
    assert store.cache.pop("c") is not None


def test_without_cache_it_still_reads_conversations(tmp_path: Path, domain: Domain):
    store = IncrementalSQLTrackerStore(
        domain, dialect="sqlite", db=str(tmp_path / "c.db"), cache_events=0
    )
    add_turns(store, "anna", range(1, 3), domain)
    add_turns(store, "anna", range(3, 4), domain)

    assert len(store.cache) == 0
    assert retrieve(store, "anna").latest_message.text == "Frage 3"
    assert retrieve(store, "nobody") is None


def test_sqlite_runs_with_a_write_ahead_log(tmp_path: Path, domain: Domain):
    db = tmp_path / "c.db"
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(db))
    add_turns(store, "anna", range(1, 2), domain)

    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


@pytest.mark.parametrize(
    "event",
    [
        UserUttered("Hallo", {"name": "greet", "confidence": 1.0}, timestamp=1.0),
        BotUttered("Guten Tag", {"buttons": [{"title": "x", "payload": "/help"}]}, timestamp=1),
        ActionExecuted("utter_greet", policy="RulePolicy", confidence=1.0, timestamp=1.0),
        SlotSet("language", "ar", timestamp=1.0),
        SessionStarted(timestamp=1.0),
    ],
)
def test_event_deserialisation_matches_rasa(event: Event):
    data = event.as_dict()

    assert event_from_dict(data) == Event.from_parameters(data)
    assert event_from_dict(data).as_dict() == data


def test_entries_without_type_or_of_retired_type_are_skipped():
    assert event_from_dict({"timestamp": 1.0}) is None
    assert event_from_dict({"event": "topic", "topic": "x"}) is None
    with pytest.raises(ValueError):
        event_from_dict({"event": "no_such_event"})


def conversation_of(size: int):
    from bot.storage.incremental_tracker import IncrementalTracker
    from bot.storage.tracker_store import CachedConversation

    return CachedConversation(
        IncrementalTracker.from_tracker(
            DialogueStateTracker.from_events("x", [SlotSet("topic", "a")] * size)
        )
    )


def test_conversation_cache_evicts_least_recently_used_first():
    cache = ConversationCache(max_events=3)
    cache.put("a", conversation_of(2))
    cache.put("b", conversation_of(1))
    cache.put("a", cache.pop("a"))  # used again: now the newest
    cache.put("c", conversation_of(1))

    assert cache.pop("b") is None
    assert cache.pop("a") is not None and cache.pop("c") is not None


def test_saving_twice_writes_each_event_once(tmp_path: Path, domain: Domain):
    db = str(tmp_path / "c.db")
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=db)
    add_turns(store, "anna", range(1, 3), domain)
    tracker = retrieve(store, "anna")
    for event in turn(3, time.time()):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))

    rasas = retrieve(SQLTrackerStore(domain, dialect="sqlite", db=db), "anna")
    assert event_dicts(rasas) == event_dicts(tracker)


def test_the_handed_out_tracker_is_a_copy(tmp_path: Path, domain: Domain):
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    add_turns(store, "anna", range(1, 3), domain)
    first = retrieve(store, "anna")
    first.update(UserUttered("nie gespeichert", {"name": "greet"}))  # a failed turn
    first.slots["topic"].value = "anders"

    again = retrieve(store, "anna")

    assert again.latest_message.text == "Frage 2"
    assert again.get_slot("topic") == "thema_2"


PERSONAL = ("Ich bin geboren am 01.02.1990, Az. 123-45/2024, Tel. 0711 123456, "
            "max@example.de, IBAN DE89 3704 0044 0532 0130 00. Wo finde ich einen Deutschkurs?")
PERSONAL_PARTS = ("01.02.1990", "123-45/2024", "0711 123456", "max@example.de",
                  "DE89 3704", "3704 0044")


def message_with_personal_data(at: float) -> List[Event]:
    """A turn whose message, translation, metadata and slot carry personal data."""
    parse_data = {
        "text": PERSONAL, "original_text": PERSONAL, "language": "de",
        "intent": {"name": "faq", "confidence": 0.9},
        "entities": [{"entity": "topic", "value": "max@example.de"}],
        "metadata": {"note": "Tel. 0711 123456"},
    }
    return [
        UserUttered(PERSONAL, parse_data["intent"], parse_data["entities"], parse_data,
                    metadata={"customData": {"phone": "+49 711 123456"}}, timestamp=at),
        SlotSet("topic", "max@example.de", timestamp=at),
        ActionExecuted("utter_faq", timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def check_personal_data_is_not_stored(store, stored_rows, domain: Domain) -> None:
    """Saves a turn with personal data; checks the rows, the cache and the live tracker.

    Args:
        store: An IncrementalSQLTrackerStore (SQLite or PostgreSQL).
        stored_rows: Returns the raw `data` column of the conversation's rows.
        domain: The domain.
    """
    add_turns(store, "anna", range(1, 2), domain)
    tracker = retrieve(store, "anna")
    for event in message_with_personal_data(time.time()):
        tracker.update(event)
    asyncio.run(store.save(tracker))

    # the turn itself worked with the message as written …
    assert tracker.latest_message.text == PERSONAL
    # … but the database, and the cache filled from it, have no personal data
    rows = stored_rows("anna")
    assert rows and "Deutschkurs" in "".join(rows)
    for part in PERSONAL_PARTS:
        assert not any(part in row for row in rows), part
    again = retrieve(store, "anna")
    cached = store.cache.pop("anna")
    for kept in (again, cached.tracker):
        texts = str([e.as_dict() for e in kept.events])
        assert "[GEBURTSDATUM]" in texts and "Deutschkurs" in texts
        for part in PERSONAL_PARTS:
            assert part not in texts, part
    message = again.latest_message
    assert message.parse_data["original_text"] == message.text != PERSONAL
    assert again.get_slot("topic") == "[E-MAIL]"


def sqlite_rows(db: Path):
    def rows(sender: str) -> List[str]:
        with sqlite3.connect(db) as connection:
            return [data for (data,) in connection.execute(
                "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))]
    return rows


def test_personal_data_is_not_stored(tmp_path: Path, domain: Domain):
    db = tmp_path / "c.db"
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(db))
    check_personal_data_is_not_stored(store, sqlite_rows(db), domain)


def test_a_translation_that_hides_personal_data_is_stored_as_the_redacted_original():
    parse_data = {"text": "My number is 0 7 1 1 1 2 3 4 5 6", "original_text": "x",
                  "intent": {"name": "faq"}, "entities": []}
    event = UserUttered("Meine Nummer ist 0711 123456", parse_data["intent"], [], parse_data)

    data = stored_form(event)

    assert data["text"] == data["parse_data"]["text"] == "Meine Nummer ist [TELEFON]"


def check_delete(store, stored_rows, domain: Domain) -> None:
    """Deletes one of two conversations: its rows and its cached tracker go."""
    add_turns(store, "anna", range(1, 3), domain)
    add_turns(store, "bert", range(1, 2), domain)
    retrieve(store, "anna")  # cached

    deleted = asyncio.run(store.delete("anna"))

    assert deleted == 2 * len(turn(1, 0)) + 3
    assert stored_rows("anna") == [] and store.cache.pop("anna") is None
    assert retrieve(store, "anna") is None
    assert retrieve(store, "bert").latest_message.text == "Frage 1"
    assert asyncio.run(store.delete("nobody")) == 0


def test_delete_removes_a_conversation_from_database_and_cache(tmp_path: Path, domain):
    db = tmp_path / "c.db"
    check_delete(IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(db)),
                 sqlite_rows(db), domain)


def test_a_new_domain_empties_the_cache(tmp_path: Path, domain: Domain):
    """A model with a new slot (PUT /model) must not meet trackers of the old domain."""
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    add_turns(store, "anna", range(1, 3), domain)
    retrieve(store, "anna")
    assert len(store.cache) == 1
    new_domain = Domain.from_dict(
        {**domain.as_dict(), "slots": {**domain.as_dict()["slots"], "city": {
            "type": "text", "influence_conversation": False,
            "mappings": [{"type": "custom"}]}}}
    )

    store.domain = new_domain

    assert len(store.cache) == 0 and store.cache.total_events == 0
    tracker = retrieve(store, "anna")
    tracker.update(SlotSet("city", "Ulm"))
    assert tracker.get_slot("city") == "Ulm"
    assert store.domain is new_domain


async def test_delete_conversation_through_rasas_agent(tmp_path: Path, domain: Domain):
    """A channel holds Rasa's agent, whose store is wrapped (FailSafe, Awaitable)."""
    from rasa.core.agent import Agent
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import AwaitableTrackerStore

    from bot.storage.tracker_store import conversation_store, delete_conversation

    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "c.db"))
    agent = Agent(domain=domain, tracker_store=AwaitableTrackerStore(store),
                  lock_store=InMemoryLockStore())
    assert conversation_store(agent.tracker_store) is store
    tracker = DialogueStateTracker.from_events("anna", turn(1, time.time()), domain.slots)
    await store.save(tracker)

    assert await delete_conversation(agent, "anna") == len(turn(1, 0))
    assert await store.retrieve("anna") is None
    assert agent.lock_store.get_lock("anna") is None  # the lock was released
