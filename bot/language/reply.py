"""Which language the assistant answers in, from the conversation so far."""

from __future__ import annotations

from typing import Optional

from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import settings
from bot.language.names import UNDETERMINED, configured_languages

LANGUAGE_SLOT = "language"
"""The slot an explicit language choice sets (choose_language, widget picker)."""


def detected_language(tracker: DialogueStateTracker) -> Optional[str]:
    """Returns the language of the latest user message whose language was clear.

    A language that rests on a greeting alone ("Hello", "Merhaba") counts only when no
    message of the conversation says more: it sets the language of a conversation that
    starts with it, but does not switch one under way.
    """
    greeting = None
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            data = event.parse_data or {}
            language = data.get("language")
            if not language or language == UNDETERMINED:
                continue
            if not data.get("greeting_only"):
                return language
            greeting = greeting or language
    return greeting


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
