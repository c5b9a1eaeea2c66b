"""Offline machine translation with Argos Translate, behind one small interface.

Translators compose: `ArgosTranslator` (direct pairs, or through the English pivot,
which argostranslate builds itself), wrapped by `ProtectingTranslator` (names, terms,
numbers, dates, URLs unchanged) and `CachingTranslator` (each text translated once).
`default_translator()` builds that stack once per process, so models load once.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Dict, Optional, Protocol, Set, Tuple

from bot import settings
from bot.translation import packs
from bot.translation.protect import mask

logger = logging.getLogger(__name__)


class TranslationUnavailable(RuntimeError):
    """The language pair is not installed, or its model failed."""


class Translator(Protocol):
    """Anything that translates text between two ISO 639-1 languages."""

    def languages(self) -> Set[str]:
        """Returns the languages this translator can translate from and to."""

    def translate(self, text: str, source: str, target: str) -> str:
        """Translates a text.

        Raises:
            TranslationUnavailable: when the pair cannot be translated.
        """


class ArgosTranslator:
    """Translates with the installed Argos packs; notices packs installed later."""

    def __init__(self) -> None:
        """Creates the translator; argostranslate is imported on first use."""
        self._signature: Optional[Tuple[str, ...]] = None
        self._languages: Set[str] = set()
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        """Reloads the installed languages when the pack folder changed."""
        folder = packs.packages_dir()
        signature = tuple(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else ()
        if signature == self._signature:
            return
        argos = packs.argos()
        argos.translate.get_installed_languages.cache_clear()
        packs.ensure_offline_splitters()
        self._languages = {lang.code for lang in argos.translate.get_installed_languages()}
        self._signature = signature

    def languages(self) -> Set[str]:
        """Returns the languages of the installed packs."""
        with self._lock:
            self._refresh()
            return set(self._languages)

    def translate(self, text: str, source: str, target: str) -> str:
        """Translates with the installed packs, pivoting through English if needed.

        Raises:
            TranslationUnavailable: when no installed pack chain connects the pair, or
                the model failed.
        """
        if source == target or not text.strip():
            return text
        with self._lock:
            self._refresh()
            if source not in self._languages or target not in self._languages:
                raise TranslationUnavailable(f"no language pack for {source}→{target}")
            argos = packs.argos()
            translation = argos.translate.get_translation_from_codes(source, target)
            if translation is None:
                raise TranslationUnavailable(f"no pack chain for {source}→{target}")
            try:
                return translation.translate(text)
            except Exception as error:  # noqa: BLE001 - any model failure ends the same way
                logger.warning("Translation %s→%s failed: %s", source, target, type(error))
                raise TranslationUnavailable(f"model failed for {source}→{target}") from error


class ProtectingTranslator:
    """Keeps protected spans (see bot.protect) unchanged through translation."""

    def __init__(self, inner: Translator) -> None:
        """Wraps another translator."""
        self.inner = inner

    def languages(self) -> Set[str]:
        """Returns the inner translator's languages."""
        return self.inner.languages()

    def translate(self, text: str, source: str, target: str) -> str:
        """Translates the masked text; falls back to the plain text if masks got lost."""
        masked = mask(text)
        if not masked.spans:
            return self.inner.translate(text, source, target)
        restored = masked.restore(self.inner.translate(masked.text, source, target))
        if restored is not None:
            return restored
        logger.debug("Placeholders lost in %s→%s; translating unmasked.", source, target)
        return self.inner.translate(text, source, target)


class CachingTranslator:
    """Remembers the most recent translations (least recently used are dropped)."""

    def __init__(self, inner: Translator, size: int) -> None:
        """Wraps another translator with a cache of `size` entries."""
        self.inner = inner
        self.size = size
        self._cache: OrderedDict[Tuple[str, str, str], str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def languages(self) -> Set[str]:
        """Returns the inner translator's languages."""
        return self.inner.languages()

    def translate(self, text: str, source: str, target: str) -> str:
        """Returns the cached translation, translating on a miss."""
        key = (text, source, target)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                self.hits += 1
                return self._cache[key]
        result = self.inner.translate(text, source, target)
        with self._lock:
            self.misses += 1
            self._cache[key] = result
            if len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return result


_DEFAULT: Dict[str, Translator] = {}
_DEFAULT_LOCK = threading.Lock()


def default_translator() -> Translator:
    """Returns the process-wide translator stack (built on first use)."""
    with _DEFAULT_LOCK:
        if "translator" not in _DEFAULT:
            size = int(settings.get("TRANSLATION_CACHE_SIZE"))
            _DEFAULT["translator"] = CachingTranslator(
                ProtectingTranslator(ArgosTranslator()), size
            )
        return _DEFAULT["translator"]
