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
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

from bot import settings
from bot.storage.incremental_tracker import IncrementalTracker

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
        """Writes the events of the tracker that are not stored yet.

        Args:
            tracker: The conversation.
        """
        await super().save(tracker)
        if getattr(tracker, "stored_events", None) is not None:
            tracker.stored_events = len(tracker.events)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        """Returns the tracker's events that are not stored yet."""
        stored = getattr(tracker, "stored_events", None)
        if stored is None:  # not read by this store: count the stored events
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))

    def _read(self, sender_id: str) -> CachedConversation:
        """Brings the cached events up to date, or reads the latest session afresh."""
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
