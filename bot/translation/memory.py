"""Translations of the assistant's own texts, made once and kept: reviewed, or by machine.

The answers are fixed German texts, so they are translated once (`make models`), can be
read and corrected by people, and are served without a model. Two kinds of files, one
per language, in the same readable format:

* `translations/<lang>.yml` – reviewed by a person, committed to the repository. A
  reviewed entry wins over the machine one.
* `<TRANSLATION_MEMORY_DIR>/<lang>.yml` (`var/translations/`, git-ignored) – machine
  translations, written by `make models` (`python -m bot.rendering.reply_translation build`)
  with the installed language packs; generated, never edited by hand.

Format (the key names the text, e.g. a response, a button or a channel note)::

    language: en
    entries:
      utter_greet:
        de: Hallo! Ich bin ein Chatbot ...     # the German text that was translated
        text: Hello! I am a chatbot ...        # its translation
        reviewed: 2026-12-01 Jane Doe          # reviewed files only: who and when

An entry is **stale** when the German text under its key changed after it was
translated: stale machine entries are translated again by the next build; stale
reviewed entries are reported until a person updates them, and meanwhile the machine
translation of the current text is served. Lookups go by the German text itself, so a
stale entry is never served.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import yaml

from bot import settings
from bot.paths import PROJECT_ROOT
from bot.translation.protect import Masked, mask

REVIEWED_DIR = PROJECT_ROOT / "translations"
"""Reviewed translations, committed: `translations/<lang>.yml`."""

RELOAD_SECONDS = 10.0
"""How often a running assistant looks whether a memory file changed."""


def machine_dir() -> Path:
    """Returns the folder of the machine translations (`TRANSLATION_MEMORY_DIR`)."""
    path = Path(settings.get("TRANSLATION_MEMORY_DIR"))
    return path if path.is_absolute() else PROJECT_ROOT / path


@dataclass(frozen=True)
class Entry:
    """One translated text.

    Attributes:
        source: The German text that was translated.
        text: Its translation.
        reviewed: Who reviewed it and when; empty for machine translations.
    """

    source: str
    text: str
    reviewed: str = ""


def read_entries(path: Path) -> Dict[str, Entry]:
    """Reads a memory file; a missing file has no entries.

    Raises:
        ValueError: for a file that is not in the memory format.
    """
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("entries") or {}
    if not isinstance(entries, dict):
        raise ValueError(f"{path}: `entries` must be a mapping")
    result = {}
    for key, value in entries.items():
        if not isinstance(value, dict) or not value.get("de") or not value.get("text"):
            raise ValueError(f"{path}: entry {key!r} needs `de` and `text`")
        reviewed = str(value.get("reviewed") or "")
        result[str(key)] = Entry(str(value["de"]), str(value["text"]), reviewed)
    return result


def write_entries(path: Path, language: str, entries: Dict[str, Entry], header: str) -> None:
    """Writes a memory file (keys sorted, one entry per key)."""
    data = {
        "language": language,
        "entries": {
            key: {"de": entry.source, "text": entry.text}
            | ({"reviewed": entry.reviewed} if entry.reviewed else {})
            for key, entry in sorted(entries.items())
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(header + body, encoding="utf-8")
    temporary.replace(path)


class _Index:
    """The servable translations of one language: by German text, and by template."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.exact: Dict[str, str] = {}
        self.templates: Dict[str, Tuple[str, Tuple[str, ...], Tuple[str, ...]]] = {}
        for entry in entries:
            self.exact.setdefault(entry.source, entry.text)
            source, target = mask(entry.source), mask(entry.text)
            # A span that occurs twice ("2016 … 2016") cannot tell which of the new
            # text's spans goes where: such an entry serves its exact text only.
            unique = len(set(source.spans)) == len(source.spans)
            if source.spans and unique and sorted(source.spans) == sorted(target.spans):
                self.templates.setdefault(source.text, (target.text, source.spans, target.spans))

    def lookup(self, text: str) -> Optional[str]:
        found = self.exact.get(text)
        if found is not None:
            return found
        masked = mask(text)
        template = self.templates.get(masked.text) if masked.spans else None
        if template is None:
            return None
        translated, source_spans, target_spans = template
        if len(source_spans) != len(masked.spans):
            return None
        # The translation's placeholder i stands for the source span with the same text;
        # the current text's span at that position takes its place.
        spans = tuple(masked.spans[source_spans.index(span)] for span in target_spans)
        return Masked(translated, spans).restore(translated)


class TranslationMemory:
    """Reviewed and machine translations by language, read from their files on use."""

    def __init__(self, reviewed: Path = REVIEWED_DIR, machine: Optional[Path] = None) -> None:
        """Creates the memory.

        Args:
            reviewed: Folder of the reviewed files.
            machine: Folder of the machine files; `TRANSLATION_MEMORY_DIR` when None.
        """
        self.reviewed_dir = reviewed
        self.machine_dir = machine or machine_dir()
        self._indexes: Dict[str, Tuple[float, tuple, _Index]] = {}
        self._lock = threading.Lock()

    def paths(self, language: str) -> Tuple[Path, Path]:
        """Returns the reviewed and the machine file of a language."""
        return self.reviewed_dir / f"{language}.yml", self.machine_dir / f"{language}.yml"

    def entries(self, language: str) -> Tuple[Dict[str, Entry], Dict[str, Entry]]:
        """Returns the reviewed and the machine entries of a language, by key."""
        reviewed, machine = self.paths(language)
        return read_entries(reviewed), read_entries(machine)

    def _index(self, language: str) -> _Index:
        now = time.monotonic()
        with self._lock:
            cached = self._indexes.get(language)
            if cached and now - cached[0] < RELOAD_SECONDS:
                return cached[2]
            stamps = tuple(p.stat().st_mtime if p.is_file() else 0 for p in self.paths(language))
            if cached and cached[1] == stamps:
                self._indexes[language] = (now, stamps, cached[2])
                return cached[2]
        reviewed, machine = self.entries(language)
        index = _Index([*reviewed.values(), *machine.values()])  # reviewed first: they win
        with self._lock:
            self._indexes[language] = (now, stamps, index)
        return index

    def lookup(self, text: str, language: str) -> Optional[str]:
        """Returns the kept translation of a German text, or None.

        A reviewed translation wins over a machine one. A text that differs from a kept
        one only in its protected spans (numbers, names: "die ersten 500 Zeichen")
        gets that translation with its own spans.
        """
        return self._index(language).lookup(text)

    def status(self, texts: Dict[str, str], language: str) -> Status:
        """Compares the kept translations of a language with the current German texts.

        Args:
            texts: The current German texts by key.
            language: The language.
        """
        reviewed, machine = self.entries(language)
        status = Status(language)
        for key, german in texts.items():
            own, made = reviewed.get(key), machine.get(key)
            if own is not None and own.source == german:
                status.reviewed.append(key)
            elif own is not None:  # served by machine meanwhile, but a person must look
                status.stale_reviewed.append(key)
            elif made is not None and made.source == german:
                status.machine.append(key)
            elif made is not None:
                status.stale_machine.append(key)
            else:
                status.missing.append(key)
        return status

    def build(
        self, texts: Dict[str, str], language: str, translate: Callable[[str], Optional[str]],
        progress: Callable[[int], None] = lambda n: None,
    ) -> Status:
        """Machine-translates what has no current translation, and writes the machine file.

        Texts with a current reviewed translation are not machine-translated; stale or
        missing machine entries are (re)made; entries for keys that no longer exist are
        dropped. A text `translate` cannot translate (None) stays missing.

        Returns:
            The status after the build.
        """
        reviewed, machine = self.entries(language)
        kept: Dict[str, Entry] = {}
        for key, german in texts.items():
            own = reviewed.get(key)
            if own is not None and own.source == german:
                progress(1)
                continue
            made = machine.get(key)
            if made is None or made.source != german:
                translation = translate(german)
                made = Entry(german, translation) if translation else None
            if made is not None:
                kept[key] = made
            progress(1)
        header = MACHINE_HEADER.format(language=language)
        write_entries(self.paths(language)[1], language, kept, header)
        return self.status(texts, language)


MACHINE_HEADER = """\
# Machine translations of the assistant's texts into '{language}', made by
# `make models` (python -m bot.rendering.reply_translation build) with the installed
# language packs. Generated: do not edit. To correct a translation, copy its entry into
# translations/{language}.yml, fix `text` and add `reviewed: <date> <name>`.
"""


@dataclass
class Status:
    """Which texts of a language are reviewed, machine-translated, stale or missing.

    Each key is in one list: a current reviewed translation; else a stale reviewed one
    (flagged; the machine translation of the current text is served meanwhile); else a
    current machine translation; else a stale machine one; else missing.
    """

    language: str
    reviewed: List[str] = field(default_factory=list)
    machine: List[str] = field(default_factory=list)
    stale_reviewed: List[str] = field(default_factory=list)
    stale_machine: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)

    def line(self) -> str:
        """Returns the counts as one line."""
        return (
            f"{self.language}: {len(self.reviewed)} reviewed, {len(self.machine)} machine, "
            f"{len(self.stale_reviewed) + len(self.stale_machine)} stale "
            f"({len(self.stale_reviewed)} reviewed), {len(self.missing)} missing"
        )
