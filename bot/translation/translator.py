"""Offline machine translation with Argos Translate, behind one small interface.

Translators compose: `ArgosTranslator` (direct pairs, or through the English pivot),
wrapped by `ProtectingTranslator` (names, terms, numbers, dates, URLs unchanged; no
placeholder ever comes out) and `CachingTranslator` (each text translated once).
`default_translator()` builds that stack once per process.

`ArgosTranslator` uses argostranslate's packages, sentence splitter and decoding
(`apply_packaged_translation`) but owns each pack's CTranslate2 model, so that

* translations run in parallel: there is no lock around translating, only around
  loading a model (CTranslate2 translators are thread-safe; `TRANSLATION_THREADS` of
  them run at once per model, its `inter_threads`, each on `TRANSLATION_INTRA_THREADS`
  cores, its `intra_threads`);
* a model is loaded on first use and unloaded when it has been idle for
  `TRANSLATION_IDLE_UNLOAD` seconds, and at most `TRANSLATION_MAX_LOADED_PACKS` are in
  memory at once (the least recently used goes first), so that memory stays bounded
  with many languages;
* decoding stops after `TRANSLATION_MAX_LENGTH_RATIO` times the source's tokens, so that
  a model that repeats itself cannot hold a turn up. User messages are translated with a
  beam of `TRANSLATION_BEAM_SIZE` (`default_translator`), what users read with Argos'
  beam of 4 (`reply_translator`); both share the loaded models.
"""

from __future__ import annotations

import ctypes
import logging
import math
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Protocol, Set, Tuple

from bot import settings
from bot.translation import packs
from bot.translation.protect import contains_placeholder, mask

logger = logging.getLogger(__name__)


ARGOS_BEAM_SIZE = 4
"""argostranslate's default beam width, used for what users read."""


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


class _Decoding:
    """A CTranslate2 translator with our beam width, stopping at a multiple of the source."""

    def __init__(self, model: Any, ratio: float, beam_size: int) -> None:
        self.model = model
        self.ratio = ratio
        self.beam_size = beam_size

    def translate_batch(self, tokens: List[List[str]], **options: Any) -> Any:
        """Translates like CTranslate2, with `max_decoding_length` from the longest source."""
        longest = max((len(sentence) for sentence in tokens), default=0)
        options["max_decoding_length"] = math.ceil(self.ratio * longest) + 2
        options["beam_size"] = max(self.beam_size, options.get("num_hypotheses", 1))
        return self.model.translate_batch(tokens, **options)


class Pack:
    """One installed Argos pack (one direction) and its model, loaded while in use."""

    def __init__(
        self, package: Any, threads: int, length_ratio: float, intra_threads: int = 1
    ) -> None:
        """Creates the pack; nothing is loaded yet.

        Args:
            package: The argostranslate package.
            threads: Translations that may run on the model at the same time.
            length_ratio: Longest translation, in tokens per source token.
            intra_threads: Cores one translation uses.
        """
        self.package = package
        self.from_code: str = package.from_code
        self.to_code: str = package.to_code
        self.threads = threads
        self.intra_threads = intra_threads
        self.length_ratio = length_ratio
        self.last_used = time.monotonic()
        self._model: Optional[Any] = None
        self._sentencizer: Optional[Any] = None
        self._users = 0
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._model is not None

    def _load(self) -> Any:
        import ctranslate2
        from argostranslate.sbd import MiniSBDSentencizer

        if self._sentencizer is None:
            self._sentencizer = MiniSBDSentencizer(self.package)
        logger.info("Loading the language pack %s→%s.", self.from_code, self.to_code)
        return ctranslate2.Translator(
            str(Path(self.package.package_path) / "model"),
            device="cpu",
            inter_threads=self.threads,
            intra_threads=self.intra_threads,
        )

    @contextmanager
    def _model_in_use(self) -> Iterator[Any]:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            self._users += 1
            model = self._model
        try:
            yield model
        finally:
            with self._lock:
                self._users -= 1
                self.last_used = time.monotonic()

    def translate(self, text: str, beam_size: int) -> str:
        """Translates a text paragraph by paragraph, sentence by sentence."""
        from argostranslate.translate import apply_packaged_translation

        with self._model_in_use() as model:
            capped = _Decoding(model, self.length_ratio, beam_size)
            paragraphs = []
            for paragraph in text.split("\n"):
                if not paragraph.strip():
                    paragraphs.append(paragraph)
                    continue
                best = apply_packaged_translation(
                    self.package, paragraph, capped, self._sentencizer, 1
                )[0]
                paragraphs.append(best.value)
            return "\n".join(paragraphs)

    def unload_if_idle(self, idle_seconds: float) -> bool:
        """Unloads the model if nobody uses it and it was idle long enough.

        Returns:
            Whether the model was unloaded.
        """
        with self._lock:
            idle = time.monotonic() - self.last_used
            if self._model is None or self._users or idle < idle_seconds:
                return False
            self._model = None
        logger.info("Unloaded the idle language pack %s→%s.", self.from_code, self.to_code)
        return True


class ArgosTranslator:
    """Translates with the installed Argos packs; notices packs installed later."""

    def __init__(
        self,
        threads: Optional[int] = None,
        idle_unload_seconds: Optional[float] = None,
        length_ratio: Optional[float] = None,
        beam_size: Optional[int] = None,
        intra_threads: Optional[int] = None,
        max_loaded: Optional[int] = None,
    ) -> None:
        """Creates the translator; argostranslate is imported on first use.

        Args:
            threads: Parallel translations per model (`TRANSLATION_THREADS`).
            intra_threads: Cores one translation uses (`TRANSLATION_INTRA_THREADS`).
            idle_unload_seconds: Idle time after which a model is unloaded, 0 never
                (`TRANSLATION_IDLE_UNLOAD`).
            max_loaded: Most models in memory at once, 0 no limit
                (`TRANSLATION_MAX_LOADED_PACKS`); loading one more unloads the least
                recently used model that is not translating.
            length_ratio: Longest translation in tokens per source token
                (`TRANSLATION_MAX_LENGTH_RATIO`).
            beam_size: Beam width when a call names none (Argos' default, 4).
        """
        self.threads = threads or int(settings.get("TRANSLATION_THREADS"))
        self.intra_threads = intra_threads or int(settings.get("TRANSLATION_INTRA_THREADS"))
        self.idle_unload_seconds = (
            float(settings.get("TRANSLATION_IDLE_UNLOAD"))
            if idle_unload_seconds is None
            else idle_unload_seconds
        )
        self.length_ratio = length_ratio or float(settings.get("TRANSLATION_MAX_LENGTH_RATIO"))
        self.beam_size = beam_size or ARGOS_BEAM_SIZE
        self.max_loaded = (int(settings.get("TRANSLATION_MAX_LOADED_PACKS"))
                           if max_loaded is None else max_loaded)
        self._signature: Optional[Tuple[str, ...]] = None
        self._packs: Dict[Tuple[str, str], Pack] = {}
        self._languages: Set[str] = set()
        self._lock = threading.Lock()
        self._reaper: Optional[threading.Thread] = None

    def _refresh(self) -> None:
        """Reloads the installed packs when the pack folder changed (under the lock)."""
        folder = packs.packages_dir()
        signature = tuple(sorted(p.name for p in folder.iterdir())) if folder.is_dir() else ()
        if signature == self._signature:
            return
        argos = packs.argos()
        packs.ensure_offline_splitters()
        current = {}
        for package in argos.package.get_installed_packages():
            if package.type != "translate":
                continue
            pair = (package.from_code, package.to_code)
            old = self._packs.get(pair)
            same = old is not None and Path(old.package.package_path) == Path(package.package_path)
            current[pair] = old if same else Pack(
                package, self.threads, self.length_ratio, self.intra_threads
            )
        self._packs = current
        self._languages = {code for pair in current for code in pair}
        self._signature = signature

    def languages(self) -> Set[str]:
        """Returns the languages of the installed packs."""
        with self._lock:
            self._refresh()
            return set(self._languages)

    def chain(self, source: str, target: str) -> List[Pack]:
        """Returns the packs that translate source→target: direct, or through English.

        Raises:
            TranslationUnavailable: when no installed pack chain connects the pair.
        """
        with self._lock:
            self._refresh()
            direct = self._packs.get((source, target))
            if direct is not None:
                return [direct]
            pivot = packs.PIVOT_LANGUAGE
            first, second = self._packs.get((source, pivot)), self._packs.get((pivot, target))
            if first is None or second is None:
                raise TranslationUnavailable(f"no language pack for {source}→{target}")
            return [first, second]

    def loaded_packs(self) -> List[Pack]:
        """Returns the packs whose models are in memory."""
        with self._lock:
            return [pack for pack in self._packs.values() if pack.loaded]

    def translate(
        self, text: str, source: str, target: str, beam_size: Optional[int] = None
    ) -> str:
        """Translates with the installed packs, pivoting through English if needed.

        Args:
            text: The text.
            source: Its language.
            target: The language to translate into.
            beam_size: Beam width; the translator's when None.

        Raises:
            TranslationUnavailable: when no installed pack chain connects the pair, or
                the model failed.
        """
        if source == target or not text.strip():
            return text
        chain = self.chain(source, target)
        self._make_room(chain)
        self._start_reaper()
        try:
            for pack in chain:
                text = pack.translate(text, beam_size or self.beam_size)
        except Exception as error:  # noqa: BLE001 - any model failure ends the same way
            logger.warning("Translation %s→%s failed: %s", source, target, type(error))
            raise TranslationUnavailable(f"model failed for {source}→{target}") from error
        return text

    def _make_room(self, chain: List[Pack]) -> None:
        """Unloads the least recently used models so that the chain's fit the limit."""
        if self.max_loaded <= 0:
            return
        with self._lock:
            loaded = [pack for pack in self._packs.values() if pack.loaded]
        needed = sum(not pack.loaded for pack in chain)
        excess = len(loaded) + needed - self.max_loaded
        if excess <= 0:
            return
        unloaded = 0
        for pack in sorted((p for p in loaded if p not in chain), key=lambda p: p.last_used):
            if unloaded >= excess:
                break
            unloaded += pack.unload_if_idle(0)
        if unloaded:
            release_free_memory()

    def unload_idle(self) -> int:
        """Unloads the models idle for longer than the setting; returns how many."""
        with self._lock:
            candidates = list(self._packs.values())
        unloaded = sum(pack.unload_if_idle(self.idle_unload_seconds) for pack in candidates)
        if unloaded:
            release_free_memory()
        return unloaded

    def _start_reaper(self) -> None:
        if self.idle_unload_seconds <= 0 or self._reaper is not None:
            return
        with self._lock:
            if self._reaper is None:
                self._reaper = threading.Thread(
                    target=self._reap, name="language-pack-unloader", daemon=True
                )
                self._reaper.start()

    def _reap(self) -> None:
        interval = max(1.0, min(60.0, self.idle_unload_seconds / 4))
        while True:
            time.sleep(interval)
            self.unload_idle()


def release_free_memory() -> None:
    """Gives memory freed by unloaded models back to the system (glibc keeps it otherwise)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


class ProtectingTranslator:
    """Keeps protected spans (see bot.translation.protect) unchanged through translation.

    No placeholder ever comes out: when the model loses, mangles or invents one, the
    text is translated unmasked; if that output has placeholders too (a model can
    invent them), the translation is unavailable and the caller falls back.
    """

    def __init__(self, inner: Translator) -> None:
        """Wraps another translator."""
        self.inner = inner

    def languages(self) -> Set[str]:
        """Returns the inner translator's languages."""
        return self.inner.languages()

    def translate(self, text: str, source: str, target: str) -> str:
        """Translates the masked text; falls back to the plain text if masks got lost.

        Raises:
            TranslationUnavailable: when no translation without placeholders comes out.
        """
        masked = mask(text)
        if masked.spans:
            restored = masked.restore(self.inner.translate(masked.text, source, target))
            if restored is not None and not contains_placeholder(restored):
                return restored
            logger.debug("Placeholders lost in %s→%s; translating unmasked.", source, target)
        translated = self.inner.translate(text, source, target)
        if contains_placeholder(translated) and not contains_placeholder(text):
            raise TranslationUnavailable(f"placeholders invented in {source}→{target}")
        return translated


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


class BeamTranslator:
    """Translates with an `ArgosTranslator` at a given beam width."""

    def __init__(self, inner: ArgosTranslator, beam_size: int) -> None:
        """Wraps the translator; its models are shared, not loaded again."""
        self.inner = inner
        self.beam_size = beam_size

    def languages(self) -> Set[str]:
        """Returns the inner translator's languages."""
        return self.inner.languages()

    def translate(self, text: str, source: str, target: str) -> str:
        """Translates at this beam width."""
        return self.inner.translate(text, source, target, beam_size=self.beam_size)


_DEFAULT: Dict[str, Any] = {}
_DEFAULT_LOCK = threading.Lock()


def _stack(name: str, beam_size: int) -> Translator:
    with _DEFAULT_LOCK:
        if "argos" not in _DEFAULT:
            _DEFAULT["argos"] = ArgosTranslator()
        if name not in _DEFAULT:
            size = int(settings.get("TRANSLATION_CACHE_SIZE"))
            _DEFAULT[name] = CachingTranslator(
                ProtectingTranslator(BeamTranslator(_DEFAULT["argos"], beam_size)), size
            )
        return _DEFAULT[name]


def default_translator() -> Translator:
    """Returns the process-wide stack for user messages (beam `TRANSLATION_BEAM_SIZE`).

    The German NLU needs the gist of a message quickly; a narrow beam costs much less.
    """
    return _stack("messages", int(settings.get("TRANSLATION_BEAM_SIZE")))


def reply_translator() -> Translator:
    """Returns the process-wide stack for replies (Argos' beam of 4; same models)."""
    return _stack("replies", ARGOS_BEAM_SIZE)
