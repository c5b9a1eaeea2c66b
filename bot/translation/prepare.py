"""A user message's language and German text, worked out before Rasa sees the message.

Rasa runs its NLU pipeline synchronously on the event loop, so a translation inside the
pipeline would stop every other conversation while it runs. The channels therefore call
`prepare_message_metadata` (one line each): detection and translation run in a pool of
`TRANSLATION_THREADS` threads, the result is kept in this process for a moment, and the
message's metadata carries only its key. The NLU component
(`bot.nlu.language_translator`) takes the prepared result and translates by itself only
when nothing was prepared (`rasa shell`, conversation tests).

The prepared text is not stored in the metadata itself, because Rasa stores a message's
metadata with the conversation.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Dict, Optional

from bot import settings
from bot.language.detect import (
    detect_language,
    has_word_evidence,
    is_greeting_only,
    written_in,
)
from bot.language.names import UNDETERMINED, configured_languages
from bot.translation.translator import TranslationUnavailable, Translator, default_translator

logger = logging.getLogger(__name__)

PREPARED_KEY = "prepared_message"
"""Metadata key whose value is the key of a prepared message in this process."""

MAX_KEPT = 1000
"""Prepared messages kept at most; older ones are dropped (their turn gone long ago)."""

KEEP_SECONDS = 300.0
"""A prepared message that no NLU run took within this time is dropped."""


@dataclass(frozen=True)
class PreparedMessage:
    """What the language stages made of a user message.

    Attributes:
        original: The text the user wrote.
        language: Its detected language (ISO 639-1), or "und".
        text: The text for the NLU: German where it could be translated, else the original.
        missing: The language whose pack is missing (the text was not translated), or None.
        greeting_only: Whether the language rests on a greeting alone ("Hello"), which
            sets the conversation's language only when nothing clearer is known.
    """

    original: str
    language: str
    text: str
    missing: Optional[str] = None
    greeting_only: bool = False


def prepare(
    text: str,
    hint: Optional[str],
    translator: Translator,
    bot_language: Optional[str] = None,
    neutral: frozenset = frozenset(),
    bot_words: frozenset = frozenset(),
) -> PreparedMessage:
    """Detects a message's language and translates it into the bot language.

    Never translated: messages starting with `/` (payloads), German text, and texts
    whose language has no installed pack: then `missing` names the language, or, when
    no word of the message shows that language (only letter statistics do: "dnake"),
    the language is undetermined and the German NLU gets the text as it is.

    Args:
        text: The user's message.
        hint: The language the channel says the conversation is in, if any.
        translator: The translator.
        bot_language: The NLU's language; `BOT_LANGUAGE` when None.
        neutral: Lower-cased words that say nothing about the language.
        bot_words: Lower-cased words of the bot language (the sources' words): a
            message made of them and common words of the bot language is in it.
    """
    bot_language = bot_language or settings.get("BOT_LANGUAGE")
    if text.startswith("/") or not text.strip():
        return PreparedMessage(text, UNDETERMINED, text)
    try:
        installed = translator.languages()
    except Exception:  # noqa: BLE001 - a broken pack folder must not end the turn
        logger.exception("Could not read the installed language packs.")
        installed = set()
    candidates = sorted(set(configured_languages()) | installed)
    language = detect_language(text, candidates=candidates, previous=hint, neutral=neutral)
    if language not in (UNDETERMINED, bot_language) and bot_words and written_in(
        text, bot_language, bot_words | neutral
    ):
        language = bot_language
    greeting = language != UNDETERMINED and not hint and is_greeting_only(text)
    if language in (UNDETERMINED, bot_language):
        return PreparedMessage(text, language, text, greeting_only=greeting)
    try:
        translated = translator.translate(text, language, bot_language)
    except TranslationUnavailable:
        if not has_word_evidence(text, language):
            # Unsure ("dnake" is no Turkish): the German NLU may still understand it.
            return PreparedMessage(text, UNDETERMINED, text)
        return PreparedMessage(text, language, text, missing=language, greeting_only=greeting)
    return PreparedMessage(text, language, translated, greeting_only=greeting)


class _Prepared:
    """Prepared messages of this process by key, until the NLU takes them."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, prepared: PreparedMessage) -> str:
        key = uuid.uuid4().hex
        now = time.monotonic()
        with self._lock:
            self._items[key] = (now, prepared)
            while self._items and (
                len(self._items) > MAX_KEPT
                or now - next(iter(self._items.values()))[0] > KEEP_SECONDS
            ):
                self._items.popitem(last=False)
        return key

    def take(self, key: Any) -> Optional[PreparedMessage]:
        if not isinstance(key, str):
            return None
        with self._lock:
            item = self._items.pop(key, None)
        return item[1] if item else None


_PREPARED = _Prepared()
_POOL: Dict[str, ThreadPoolExecutor] = {}
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    with _POOL_LOCK:
        if "pool" not in _POOL:
            _POOL["pool"] = ThreadPoolExecutor(
                max_workers=int(settings.get("TRANSLATION_THREADS")),
                thread_name_prefix="translation",
            )
        return _POOL["pool"]


def _bot_words() -> frozenset:
    from bot.language.lexicon import source_vocabulary

    return source_vocabulary()


def _neutral_words() -> frozenset:
    from bot.language.lexicon import domain_names

    return domain_names()


def language_hint(metadata: Any) -> Optional[str]:
    """Returns the language a channel says the conversation is in (`language` metadata)."""
    hint = metadata.get("language") if isinstance(metadata, dict) else None
    return hint if isinstance(hint, str) and hint else None


def prepare_in_this_thread(text: str, metadata: Dict[str, Any]) -> PreparedMessage:
    """Prepares a message with the process-wide translator (blocking)."""
    return prepare(text, language_hint(metadata), default_translator(), neutral=_neutral_words(),
                   bot_words=_bot_words())


async def prepare_message_metadata(text: str, metadata: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """Prepares a user message off the event loop; returns the metadata to send it with.

    The channels call this with the cleaned text and metadata of each user message. A
    failure leaves the metadata as it was: the NLU component then does the work.

    Args:
        text: The cleaned user message.
        metadata: The message's metadata (a `language` hint is used).

    Returns:
        A copy of the metadata with `PREPARED_KEY`.
    """
    metadata = dict(metadata or {})
    try:
        prepared = await asyncio.get_running_loop().run_in_executor(
            _pool(), prepare_in_this_thread, text, metadata
        )
    except Exception:  # noqa: BLE001 - the NLU component can still do it
        logger.exception("Could not prepare a message for the NLU.")
        return metadata
    metadata[PREPARED_KEY] = _PREPARED.put(prepared)
    return metadata


def take_prepared(metadata: Any, text: str) -> Optional[PreparedMessage]:
    """Returns (once) the message prepared for this metadata and text, if any."""
    if not isinstance(metadata, dict):
        return None
    prepared = _PREPARED.take(metadata.get(PREPARED_KEY))
    return prepared if prepared is not None and prepared.original == text else None
