"""A SQL tracker store that reads only the new events of a conversation on each turn.

Rasa's SQLTrackerStore reads and deserialises every event of the current session on
every turn, so a turn costs more the longer the conversation is (a 100-turn
conversation has about 600 events), and counts the stored events again to save. This
store keeps the trackers of recent conversations in memory (as IncrementalTrackers,
which Rasa's processor can copy cheaply), asks the database only for the rows written
since it last looked, and hands out a copy that knows how many of its events are
stored, so a turn's read and write cost the same at turn 5 and at turn 100.

The database stays the source of truth, which keeps the cache correct when several
servers share one PostgreSQL database (scale-out) and when conversations are deleted
(`bot.storage.retention`): each read fetches the rows from the cached last row on, and a cached
conversation whose last row is gone, or which started a new session, is read afresh.
The cache is bounded by its total number of events (`TRACKER_CACHE_EVENTS`); the least
recently used conversations leave it first.

Personal data (e-mail addresses, phone numbers, IBANs, dates of birth, file numbers;
`bot.storage.redaction`) is removed from the user's messages, the NLU's text (original
and translation), the message metadata and slot values before events are written. The
current turn's NLU and dialogue still see the message as written; the cache holds only
what was stored, because it is filled from the database.

`delete(sender_id)` removes a conversation from the database and the cache ("Gespräch
löschen"); `delete_conversation(agent, sender_id)` does so under the conversation's
lock, for a channel that holds Rasa's agent. A model with a new domain (loaded from a
model server into the running agent) empties the cache, so that cached trackers never
keep the slots of the old domain.

On SQLite the database runs in write-ahead-log mode with `synchronous=NORMAL` (a crash
of the assistant loses nothing, a power cut at most the last turns, and a turn does not
wait for a full disk sync), over connections that stay open.

Configured in the endpoints files as
`tracker_store: type: bot.storage.tracker_store.IncrementalSQLTrackerStore`.
"""

from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Iterator, Optional, Type

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot import settings
from bot.storage.incremental_tracker import IncrementalTracker
from bot.storage.redaction import redact, redact_counting
from bot.storage.retention import delete_conversations

logger = logging.getLogger(__name__)

_EVENT_CLASSES: Dict[str, Optional[Type[Event]]] = {}


def event_from_dict(data: Dict[str, Any]) -> Optional[Event]:
    """Deserialises one stored event, looking its class up once per event type.

    Rasa's `Event.from_parameters` walks all subclasses of `Event` for every event;
    for a long conversation that was half of the time of reading it back.

    Args:
        data: The event as stored (`Event.as_dict()`).

    Returns:
        The event, or None for an entry without event type or of a retired type.

    Raises:
        ValueError: for an unknown event type, as Rasa does.
    """
    type_name = data.get("event")
    if type_name is None:
        return None
    if type_name not in _EVENT_CLASSES:
        _EVENT_CLASSES[type_name] = Event.resolve_by_type(type_name)
    event_class = _EVENT_CLASSES[type_name]
    return event_class._from_parameters(data) if event_class else None


def redacted(value: Any) -> Any:
    """Returns a JSON value with personal data removed from every string in it."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    return value


def stored_form(event: Event) -> Dict[str, Any]:
    """Returns an event as it is stored: `as_dict()` without personal data.

    A user message loses it from its text, the NLU's text and `original_text`, its
    entities' values and its metadata; a slot from its value. When the original text
    had personal data that its translation (the NLU's text) no longer shows in a form
    `redact` recognises, the redacted original is stored as the NLU's text.

    Args:
        event: Any event.
    """
    data = event.as_dict()
    if isinstance(event, SlotSet):
        data["value"] = redacted(data.get("value"))
    if not isinstance(event, UserUttered):
        return data
    text = data.get("text")
    stored_text, found = redact_counting(text) if isinstance(text, str) else (text, 0)
    if "text" in data:
        data["text"] = stored_text
    if "metadata" in data:
        data["metadata"] = redacted(data["metadata"])
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict):
        parse_data = data["parse_data"] = dict(parse_data)
        nlu_text = parse_data.get("text")
        if nlu_text == text:  # not translated: redacted once
            parse_data["text"] = stored_text
        elif isinstance(nlu_text, str):
            parse_data["text"], nlu_found = redact_counting(nlu_text)
            if nlu_found < found:
                parse_data["text"] = stored_text
        original = parse_data.get("original_text")
        if original is not None:
            parse_data["original_text"] = stored_text if original == text else redacted(original)
        if "metadata" in parse_data:
            parse_data["metadata"] = redacted(parse_data["metadata"])
        if isinstance(parse_data.get("entities"), list):
            parse_data["entities"] = [
                {**entity, "value": redacted(entity.get("value"))}
                if isinstance(entity, dict) and "value" in entity else entity
                for entity in parse_data["entities"]
            ]
    return data


@dataclass
class CachedConversation:
    """A conversation's current session as stored, and the last row it came from.

    Attributes:
        tracker: The tracker of the stored events (never handed out; copies are).
        last_row_id: The id of the newest row read.
        last_row_timestamp: Its timestamp, to tell it from a reused row id.
    """

    tracker: IncrementalTracker
    last_row_id: int = -1
    last_row_timestamp: float = 0.0

    def add_rows(self, rows: Iterable[Any]) -> None:
        """Applies the events of database rows (with `id`, `timestamp`, `data`)."""
        for row in rows:
            event = event_from_dict(json.loads(row.data))
            if event is not None:
                self.tracker.update(event)
            self.last_row_id = row.id
            self.last_row_timestamp = row.timestamp

    @property
    def size(self) -> int:
        """Returns the number of events held."""
        return len(self.tracker.events)


class ConversationCache:
    """Least-recently-used conversations, bounded by their total number of events."""

    def __init__(self, max_events: int) -> None:
        """Creates an empty cache.

        Args:
            max_events: The most events kept over all conversations; 0 turns caching off.
        """
        self.max_events = max_events
        self.total_events = 0
        """The number of events held over all conversations."""
        self._conversations: OrderedDict[str, CachedConversation] = OrderedDict()

    def __len__(self) -> int:
        """Returns the number of cached conversations."""
        return len(self._conversations)

    def pop(self, sender_id: str) -> Optional[CachedConversation]:
        """Removes and returns a conversation, or None when it is not cached."""
        conversation = self._conversations.pop(sender_id, None)
        if conversation is not None:
            self.total_events -= conversation.size
        return conversation

    def clear(self) -> None:
        """Forgets every conversation."""
        self._conversations.clear()
        self.total_events = 0

    def put(self, sender_id: str, conversation: CachedConversation) -> None:
        """Keeps a conversation as the most recently used, evicting the oldest ones."""
        self.pop(sender_id)
        self._conversations[sender_id] = conversation
        self.total_events += conversation.size
        while self.total_events > self.max_events and self._conversations:
            _, evicted = self._conversations.popitem(last=False)
            self.total_events -= evicted.size


def sqlite_engine(url: Any) -> sa.engine.Engine:
    """Returns an engine for a SQLite file that keeps its connections open.

    The database runs in WAL mode, every connection with `synchronous=NORMAL`.
    """
    engine = sa.create_engine(
        url, poolclass=QueuePool, connect_args={"check_same_thread": False}
    )

    def configure(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    sa.event.listen(engine, "connect", configure)
    return engine


class IncrementalSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that reads only the rows written since its last read."""

    def __init__(self, *args: Any, cache_events: Optional[int] = None, **kwargs: Any) -> None:
        """Creates the store; takes SQLTrackerStore's arguments.

        Args:
            *args: SQLTrackerStore's positional arguments.
            cache_events: The most events kept in memory over all conversations;
                `TRACKER_CACHE_EVENTS` when not given, 0 turns the cache off.
            **kwargs: SQLTrackerStore's keyword arguments (`dialect`, `db`, ...).
        """
        super().__init__(*args, **kwargs)
        if cache_events is None:
            cache_events = int(settings.get("TRACKER_CACHE_EVENTS"))
        self.cache = ConversationCache(int(cache_events))
        if self.engine.dialect.name == "sqlite":
            self.engine.dispose()
            self.engine = sqlite_engine(self.engine.url)
            self.sessionmaker = sessionmaker(bind=self.engine)

    @property
    def domain(self) -> Domain:
        """Returns the domain of the tracker store."""
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        """Sets the domain (the agent does on every model load) and empties the cache.

        Cached trackers hold the slots of the domain they were read with; after a
        model with another domain they would drop the new slots.
        """
        self._domain = domain or Domain.empty()
        cache = getattr(self, "cache", None)  # not there yet while __init__ runs
        if cache is not None:
            cache.clear()

    async def delete(self, sender_id: str) -> int:
        """Deletes a conversation: all its events (every session), and its cached tracker.

        Call it while holding the conversation's lock (`agent.lock_store.lock`), so
        that no turn in progress writes into the deleted conversation afterwards.

        Args:
            sender_id: The conversation's id.

        Returns:
            The number of events deleted from the database.
        """
        with self.engine.begin() as connection:
            deleted = delete_conversations(connection, [sender_id])
        self.cache.pop(sender_id)
        return deleted

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """Returns the tracker of the conversation's latest session, or None.

        The tracker is an IncrementalTracker that remembers how many of its events are
        stored, so that `save` writes the others without counting the stored ones.

        Args:
            sender_id: The conversation's id.
        """
        if not self.domain:
            return None
        conversation = self._read(sender_id)
        if not conversation.size:
            return None
        if self.cache.max_events > 0:
            self.cache.put(sender_id, conversation)
        conversation.tracker.applied_events()  # continues from the last turn's result
        tracker = conversation.tracker.copy()
        tracker.stored_events = conversation.size
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Writes the events of the tracker that are not stored yet, without personal data.

        Like SQLTrackerStore.save, with each event in its `stored_form`. (An event
        broker, which this project does not configure, would get the events as they are.)

        Args:
            tracker: The conversation.
        """
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = stored_form(event)
                intent = (data.get("parse_data") or {}).get("intent") or {}
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent.get("name"),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
        if getattr(tracker, "stored_events", None) is not None:
            tracker.stored_events = len(tracker.events)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Returns the tracker's events that are not stored yet."""
        stored = getattr(tracker, "stored_events", None)
        if stored is None:  # not read by this store: count the stored events
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _read(self, sender_id: str) -> CachedConversation:
        """Brings the cached events up to date, or reads the latest session afresh.

        There is no `await` between taking a conversation out of the cache and putting
        it back (`retrieve`): the channels read the store outside the conversation lock
        (the conversation's language for their notes), which is safe only so. Keep it
        that way if the database access ever becomes asynchronous.
        """
        columns = (self.SQLEvent.id, self.SQLEvent.type_name, self.SQLEvent.timestamp,
                   self.SQLEvent.data)
        with self.session_scope() as session:
            cached = self.cache.pop(sender_id)
            if cached is not None:
                rows = (
                    session.query(*columns)
                    .filter(self.SQLEvent.sender_id == sender_id,
                            self.SQLEvent.id >= cached.last_row_id)
                    .order_by(self.SQLEvent.id)
                    .all()
                )
                still_there = (
                    rows
                    and rows[0].id == cached.last_row_id
                    and rows[0].timestamp == cached.last_row_timestamp
                )
                new_session = any(r.type_name == SessionStarted.type_name for r in rows[1:])
                if still_there and not new_session:
                    cached.add_rows(rows[1:])
                    return cached
                logger.debug("Reading the conversation afresh (new session or deleted).")
            rows = (
                self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
                .with_entities(*columns)
                .all()
            )
            conversation = CachedConversation(IncrementalTracker(sender_id, self.domain.slots))
            conversation.add_rows(rows)
            return conversation


def conversation_store(store: TrackerStore) -> Optional[IncrementalSQLTrackerStore]:
    """Returns our store inside Rasa's wrappers (FailSafe-, AwaitableTrackerStore), or None.

    Args:
        store: A tracker store, for example `agent.tracker_store`.
    """
    while store is not None and not isinstance(store, IncrementalSQLTrackerStore):
        store = getattr(store, "_tracker_store", None)
    return store


async def delete_conversation(agent: Any, sender_id: str) -> int:
    """Deletes a conversation while holding its lock, so that no turn writes into it.

    Args:
        agent: Rasa's agent (`app.ctx.agent` in a channel).
        sender_id: The conversation's id.

    Returns:
        The number of events deleted.

    Raises:
        TypeError: when the agent's tracker store is not an IncrementalSQLTrackerStore.
    """
    store = conversation_store(agent.tracker_store)
    if store is None:
        raise TypeError("deleting a conversation needs the IncrementalSQLTrackerStore")
    async with agent.lock_store.lock(sender_id):
        return await store.delete(sender_id)
