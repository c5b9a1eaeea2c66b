"""The channels' own notes: empty, shortened, error, timeout, no reply, rate limited.

Each note is rendered like every response, by `bot.rendering.nlg.GuidanceNLG`: in the
conversation's language when it can be, otherwise in German with a short note. The
messages carry `notice` (the key of `NOTES`), so that clients can tell them apart in
any language. A rendered note is kept (per text and language), so that answering a
flood of messages with the `rate_limited` note costs next to nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, Optional, Tuple

from bot import settings
from bot.language.reply import LANGUAGE_SLOT, detected_language

logger = logging.getLogger(__name__)

EMPTY_MESSAGE_TEXT = "Ihre Nachricht ist leer. Bitte schreiben Sie Ihre Frage."
"""The answer to an empty or whitespace-only message."""

SHORTENED_MESSAGE_TEXT = (
    "Ihre Nachricht war sehr lang. Ich habe nur die ersten {limit} Zeichen gelesen. "
    "Bitte stellen Sie Ihre Frage kurz."
)
"""Sent before the reply to a message that was cut to the maximum length."""

ERROR_TEXT = (
    "Entschuldigung, gerade ist ein technischer Fehler aufgetreten. "
    "Bitte versuchen Sie es gleich noch einmal."
)
"""Sent when the assistant fails on a message."""

TIMEOUT_TEXT = (
    "Entschuldigung, die Antwort dauert gerade zu lange. Bitte versuchen Sie es gleich noch einmal."
)
"""Sent when the assistant is not done within the reply timeout."""

NO_REPLY_TEXT = (
    "Darauf habe ich gerade keine Antwort. Bitte versuchen Sie es gleich noch einmal "
    "oder schreiben Sie „Hilfe“."
)
"""Sent when the assistant had nothing to say: after a bare `/restart` payload, or when
an action failed (e.g. the action server is down)."""

RATE_LIMITED_TEXT = (
    "Sie haben in kurzer Zeit sehr viele Nachrichten geschickt. Bitte warten Sie einen "
    "Moment. Dann beantworte ich gern Ihre nächste Frage."
)
"""Sent instead of an answer when a client sends more than the rate limit allows
(`bot.channels.rate_limit`)."""

NOTES = {
    "empty": EMPTY_MESSAGE_TEXT,
    "shortened": SHORTENED_MESSAGE_TEXT,
    "error": ERROR_TEXT,
    "timeout": TIMEOUT_TEXT,
    "no_reply": NO_REPLY_TEXT,
    "rate_limited": RATE_LIMITED_TEXT,
}
"""The channel's own notes by the `notice` key their messages carry."""

_MAX_RENDERED = 1024
"""Rendered notes kept (notes × languages × message limits)."""

_renderer = None
_rendered: Dict[Tuple[str, Optional[str]], Dict[str, Any]] = {}


def _render(text: str, language: Optional[str]) -> Dict[str, Any]:
    global _renderer
    if _renderer is None:
        from bot.rendering.nlg import GuidanceNLG

        _renderer = GuidanceNLG()
    return _renderer.render({"text": text}, [], language)


async def render_note(
    recipient_id: str, notice: str, language: Optional[str], limit: int = 0
) -> Dict[str, Any]:
    """Returns a channel's note as a bot message, in the given language.

    Translated like every response (bot.nlg); plain German if rendering fails.

    Args:
        recipient_id: The sender id the note goes to.
        notice: Which note (a key of `NOTES`); the message carries it as `notice`.
        language: The language to render it in; the bot language when None.
        limit: The maximum message length (for the `shortened` note).
    """
    text = NOTES[notice].format(limit=limit)
    message = _rendered.get((text, language))
    if message is None:
        try:
            message = await asyncio.get_running_loop().run_in_executor(
                None, _render, text, language
            )
        except Exception:  # noqa: BLE001 - a note must go out in any case
            logger.exception("Could not render a note of a channel.")
            message = {"text": text, "language": settings.get("BOT_LANGUAGE")}
        else:
            if message.get("language") == (language or settings.get("BOT_LANGUAGE")):
                # kept only when rendered as asked: a missing pack may be installed later
                if len(_rendered) >= _MAX_RENDERED:
                    _rendered.clear()
                _rendered[(text, language)] = message
    result = {"recipient_id": recipient_id, "text": message.get("text") or text, "notice": notice}
    if message.get("language"):
        result["language"] = message["language"]
    return result


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
    # The store is read outside the conversation lock. That is safe only while
    # `retrieve` has no `await` between taking a tracker from the cache and putting
    # it back (bot.storage.tracker_store); keep it so, or take the lock here.
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
