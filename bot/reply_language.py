"""Which language the assistant answers in, from the conversation so far."""

from __future__ import annotations

import logging
from typing import Any, List, Optional

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import settings
from bot.language import UNDETERMINED

logger = logging.getLogger(__name__)

LANGUAGE_SLOT = "language"
"""The slot an explicit language choice sets (choose_language, widget picker)."""


def detected_language(tracker: DialogueStateTracker) -> Optional[str]:
    """Returns the language of the latest user message whose language was clear."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            language = (event.parse_data or {}).get("language")
            if language and language != UNDETERMINED:
                return language
    return None


def configured_languages() -> List[str]:
    """Returns the bot language and the configured user languages (BOT_LANGUAGES)."""
    codes = [settings.get("BOT_LANGUAGE"), *settings.get("BOT_LANGUAGES").split(",")]
    return [code.strip() for code in codes if code.strip()]


def reply_language(tracker: DialogueStateTracker) -> str:
    """Returns the reply language: an explicit choice wins over detection.

    The explicit choice (one of the configured languages; anything else is ignored)
    stays until the user chooses again; without one, the
    language of the latest clear user message counts (ambiguous messages such as
    "ok" keep the previous language); the bot language is the default.
    """
    chosen = tracker.get_slot(LANGUAGE_SLOT)
    if chosen in configured_languages():
        return chosen
    return detected_language(tracker) or settings.get("BOT_LANGUAGE")


async def stored_conversation_language(
    app: Any, sender_id: str, hint: Optional[str]
) -> Optional[str]:
    """Returns the language of a stored conversation's replies, for a channel's notes.

    The explicit choice (slot) wins, then the channel's language hint, then the
    language of the latest clear user message; None when nothing is known.

    Args:
        app: The Sanic app (its `ctx.agent` has the tracker store).
        sender_id: The conversation.
        hint: The language the channel says the user chose, if any.
    """
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    tracker_store = getattr(agent, "tracker_store", None)
    if tracker_store is None:
        return hint
    try:
        tracker = await tracker_store.retrieve(sender_id)
    except Exception:  # noqa: BLE001 - the language of a note is not worth a failure
        logger.exception("Could not read the conversation for the language of a note.")
        return hint
    if tracker is None:
        return hint
    return tracker.get_slot(LANGUAGE_SLOT) or hint or detected_language(tracker)
