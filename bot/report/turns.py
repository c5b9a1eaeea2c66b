"""The conversations of the tracker store as turns: a user message and the replies to it.

Only events within the retention period are read; sender ids are replaced by a number
at once and never leave this module.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, List, Optional

import sqlalchemy as sa

from bot.dialogue.feedback import FEEDBACK_INTENT, Feedback, feedback_from_parse
from bot.knowledge.curated import FAQ_RESPONSE_PREFIX
from bot.storage.redaction import redact
from bot.storage.retention import SECONDS_PER_DAY

PATHS = ("curated", "quote", "referred", "declined", "unsure", "emergency", "other")
"""How a question was answered, in the order the report shows them."""

QUOTE_RESPONSE = "utter_source_quote"
REFERRAL_RESPONSES = ("utter_individual_advice",)
DECLINE_RESPONSES = ("utter_not_in_sources", "utter_out_of_scope", "utter_scope_elsewhere")
UNSURE_RESPONSES = ("utter_fallback", "utter_default")
HANDOFF_RESPONSE = "utter_handoff"
EMERGENCY_RESPONSE = "utter_emergency"


@dataclass
class Turn:
    """A user message and the bot messages up to the next user message.

    Attributes:
        conversation: A number for the conversation (never its sender id).
        timestamp: When the user wrote (seconds since the epoch).
        text: The user's message as stored (redacted).
        german: The text the German NLU saw (the translation, or the text).
        intent: The intent it got.
        responses: The names of the responses of the replies, in order.
        language: The language the user wrote in (detected), else that of the first
            reply (a `/payload`), or "".
        sources: The compact names of the documents the replies cite.
        feedback: The rating, for a `/feedback` message.
        bot_messages: How many bot messages answered it.
    """

    conversation: int
    timestamp: float
    text: str
    german: str
    intent: str
    responses: List[str] = field(default_factory=list)
    language: str = ""
    sources: List[str] = field(default_factory=list)
    feedback: Optional[Feedback] = None
    bot_messages: int = 0

    @property
    def is_feedback(self) -> bool:
        """Whether the message was a rating rather than a question."""
        return self.intent == FEEDBACK_INTENT

    @property
    def path(self) -> str:
        """How it was answered (one of `PATHS`)."""
        names = self.responses
        if EMERGENCY_RESPONSE in names:
            return "emergency"
        if any(name.startswith(FAQ_RESPONSE_PREFIX) for name in names):
            return "curated"
        if QUOTE_RESPONSE in names:
            return "quote"
        if any(name in REFERRAL_RESPONSES for name in names):
            return "referred"
        if any(name in DECLINE_RESPONSES for name in names):
            return "declined"
        if any(name in UNSURE_RESPONSES for name in names):
            return "unsure"
        if HANDOFF_RESPONSE in names:
            return "referred"
        return "other"

    @property
    def topics(self) -> List[str]:
        """The curated topics that answered it (`utter_faq/<topic>` → `<topic>`)."""
        return [name[len(FAQ_RESPONSE_PREFIX):] for name in self.responses
                if name.startswith(FAQ_RESPONSE_PREFIX)]


def _response_name(data: Dict[str, Any]) -> str:
    metadata = data.get("metadata") or {}
    name = metadata.get("response") or metadata.get("utter_action")
    return name if isinstance(name, str) else ""


def turns_from_events(rows: Iterable[Any]) -> Iterator[Turn]:
    """Returns the turns of event rows (`sender_id`, `type_name`, `timestamp`, `data`).

    The rows must come ordered by conversation, then by id. Bot messages before the
    first user message (none in this assistant) are left out.
    """
    numbers: Dict[str, int] = {}
    current: Optional[Turn] = None
    current_sender = None
    for row in rows:
        if row.sender_id != current_sender:
            if current is not None:
                yield current
            current, current_sender = None, row.sender_id
        number = numbers.setdefault(row.sender_id, len(numbers) + 1)
        if row.type_name not in ("user", "bot"):
            continue
        data = json.loads(row.data)
        if row.type_name == "user":
            if current is not None:
                yield current
            parse = data.get("parse_data") or {}
            text = data.get("text") or ""
            german = parse.get("text") or text
            intent = (parse.get("intent") or {}).get("name") or ""
            current = Turn(
                conversation=number,
                timestamp=float(row.timestamp or data.get("timestamp") or 0),
                # stored messages are redacted already; redacting again costs little
                text=redact(text) if isinstance(text, str) else "",
                german=redact(german) if isinstance(german, str) else "",
                intent=intent,
                language=parse.get("language") if parse.get("language") not in (None, "und")
                else "",
                feedback=feedback_from_parse(parse),
            )
            continue
        if current is None:
            continue
        current.bot_messages += 1
        name = _response_name(data)
        if name:
            current.responses.append(name)
        metadata = data.get("metadata") or {}
        if metadata.get("language") and not current.language:
            current.language = metadata["language"]
        for source in metadata.get("sources") or []:
            short = source.get("short") if isinstance(source, dict) else None
            if short and short not in current.sources:
                current.sources.append(short)
    if current is not None:
        yield current


def cutoff(days: float, now: Optional[float] = None) -> float:
    """Returns the oldest timestamp within the retention period (0: keep everything)."""
    if days <= 0:
        return 0.0
    return (now or time.time()) - days * SECONDS_PER_DAY


def read_turns(url: str, days: float, now: Optional[float] = None) -> List[Turn]:
    """Reads the turns of every conversation in a tracker store, within retention.

    Args:
        url: SQLAlchemy URL of the tracker store (SQLite or PostgreSQL).
        days: The retention period; events older than it are not read (0: all).
        now: The current time (seconds since the epoch); for tests.
    """
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return []
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT sender_id, type_name, timestamp, data FROM events "
                    "WHERE timestamp >= :cutoff AND type_name IN ('user', 'bot') "
                    "ORDER BY sender_id, id"
                ),
                {"cutoff": cutoff(days, now)},
            )
            return list(turns_from_events(rows))
    finally:
        engine.dispose()
