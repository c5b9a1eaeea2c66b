"""The way back: a German reply in the user's language, from memory first.

Each text of a reply (its text, button titles, the citation label) is taken from
the translation memory (bot/translation/memory.py: reviewed, then machine) and
translated live only when it is not there (e.g. a quote from a source document). A
text that cannot be translated here (no language pack, a failing model) stays German,
and the reply starts with a note written by people in the user's language
(`translations/notes.yml`) that says so, offers German or English, and names human
counselling.

Commands (`make models` runs `build` after installing the packs):

    python -m bot.rendering.reply_translation build   # translate what is missing or stale
    python -m bot.rendering.reply_translation status  # reviewed, machine, stale, missing
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from bot import settings
from bot.language.names import configured_languages, language_name
from bot.paths import PROJECT_ROOT
from bot.translation.memory import TranslationMemory
from bot.translation.translator import TranslationUnavailable, Translator, reply_translator

NOTES_FILE = PROJECT_ROOT / "translations" / "notes.yml"
"""Notes written by people in each language (never machine output)."""

NOTE_PARTS = ("cannot_translate", "english_too", "counselling")
"""The parts of the note, in the order they are shown."""

FALLBACK_NOTE_LANGUAGE = "en"
"""Whose note a language without a written note gets."""

ENGLISH = "en"


@functools.lru_cache(maxsize=1)
def written_notes() -> Dict[str, Dict[str, str]]:
    """Returns the written notes by language, then part."""
    return yaml.safe_load(NOTES_FILE.read_text(encoding="utf-8"))


def choice_payload(code: str) -> str:
    """Returns the button payload that chooses a reply language."""
    return "/choose_language" + json.dumps({"language": code}, separators=(",", ":"))


class ReplyTranslator:
    """Translates the German texts of replies: memory first, live translation last."""

    def __init__(
        self, translator: Optional[Translator] = None, memory: Optional[TranslationMemory] = None
    ) -> None:
        """Creates the reply translator.

        Args:
            translator: For texts not in memory; the process-wide stack when None.
            memory: The translation memory; the project's when None.
        """
        self._translator = translator
        self.memory = memory or TranslationMemory()

    @property
    def translator(self) -> Translator:
        """The live translator (built on first use)."""
        if self._translator is None:
            self._translator = reply_translator()
        return self._translator

    @translator.setter
    def translator(self, translator: Translator) -> None:
        self._translator = translator

    def translate(self, text: str, target: str) -> Optional[str]:
        """Returns a German text in the target language, or None if it cannot be had."""
        if not text:
            return text
        kept = self.memory.lookup(text, target)
        if kept is not None:
            return kept
        try:
            return self.translator.translate(text, settings.get("BOT_LANGUAGE"), target)
        except TranslationUnavailable:
            return None

    def can_translate(self, target: str) -> bool:
        """Whether live translation into a language works here (its packs are installed)."""
        try:
            return target in self.translator.languages()
        except Exception:  # noqa: BLE001 - a broken pack folder means: no
            return False

    def note(self, language: str) -> str:
        """Returns the written note for a language (English for one without a note)."""
        notes = written_notes()
        parts = notes.get(language) or notes[FALLBACK_NOTE_LANGUAGE]
        english = language != ENGLISH and self.can_translate(ENGLISH)
        return " ".join(
            parts[name] for name in NOTE_PARTS if name != "english_too" or english
        )

    def choice_buttons(self, language: str) -> List[Dict[str, str]]:
        """Returns the buttons that switch to German, or to English where it works."""
        codes = [settings.get("BOT_LANGUAGE")]
        if language != ENGLISH and self.can_translate(ENGLISH):
            codes.append(ENGLISH)
        return [{"title": language_name(code), "payload": choice_payload(code)} for code in codes]

    def translate_quote(self, parts: Dict[str, Any], target: str) -> Optional[str]:
        """Returns a quote (bot.rendering.quotes) in the target language, part by part.

        The introduction and each sentence come from the memory when `make models` kept
        them, so that a quote costs no live translation; each is translated live
        otherwise. None when a part cannot be translated.
        """
        from bot.rendering.quotes import GAP, TRANSLATED_MARK, compose

        introduction = self.translate(parts["introduction"], target)
        sentences = [part if part == GAP else self.translate(part, target)
                     for part in parts["sentences"]]
        mark = self.translate(TRANSLATED_MARK, target)
        if introduction is None or None in sentences or mark is None:
            return None
        return f"{compose(introduction, sentences, marks='“”')} {mark}"

    def translate_message(
        self,
        message: Dict[str, Any],
        label: str,
        target: str,
        note_only: bool = False,
        quote: Optional[Dict[str, Any]] = None,
    ) -> Tuple[Dict[str, Any], str, str]:
        """Returns a German message, its citation label and its language, translated.

        Button payloads are never translated. When the text cannot be translated, it
        stays German and the written note in the target language comes first, with
        buttons for German (and English); with `note_only` the note replaces the text.

        Args:
            message: The German message.
            label: Its citation label.
            target: The language to translate into.
            note_only: Whether the note replaces a text that cannot be translated.
            quote: The parts of a quote (`quote_parts` metadata), translated one by one.

        Returns:
            The message, the label, and the language of the message's text.
        """
        result = dict(message)
        result["buttons"] = [
            {**button, "title": self.translate(button["title"], target) or button["title"]}
            for button in message.get("buttons", [])
        ]
        translated_label = self.translate(label, target) or label
        text = message.get("text")
        if not text:
            return result, translated_label, target
        translated = self.translate_quote(quote, target) if quote else self.translate(text, target)
        if translated is not None:
            result["text"] = translated
            return result, translated_label, target
        note = self.note(target)
        result["text"] = note if note_only else f"{note}\n\n{text}"
        result["buttons"] = result["buttons"] + self.choice_buttons(target)
        return result, label, target if note_only else settings.get("BOT_LANGUAGE")


# --- the texts to keep translated, and the command line -------------------------------


SLOT_ONLY = re.compile(r"\{\w+\}")
"""A response text that is only a slot (`{source_quote}`): filled at reply time, so its
text is translated live, not kept."""


def response_files() -> Tuple[Path, ...]:
    """Returns the files whose responses replies show: the FAQ answers and every domain file."""
    from bot.knowledge.curated import RESPONSE_FILES

    domain = sorted((PROJECT_ROOT / "domain").glob("*.yml"))
    return tuple(dict.fromkeys([*RESPONSE_FILES, *domain]))


def texts_to_translate() -> Dict[str, str]:
    """Returns every German text of the assistant that replies show, by a stable key.

    Response texts (FAQ answers and every response in `domain/`, the emergency numbers
    too) and button titles, FAQ topic titles (topic buttons), the citation labels, the
    channels' notes, the labels of the local contacts block, and what quotes are made
    of: each document's introduction ("Laut … (Stand 2016)") and each content sentence
    (`quote/…`).
    """
    from rasa.shared.core.domain import Domain

    from bot.channels.input import max_message_chars
    from bot.channels.notes import NOTES
    from bot.knowledge.curated import load_responses
    from bot.rendering.citations import citation_label
    from bot.rendering.contacts import TEXTS as CONTACT_TEXTS
    from bot.rendering.nlg import GuidanceNLG

    responses = load_responses(response_files())
    nlg = GuidanceNLG(domain=Domain.from_dict({"responses": responses}))
    texts: Dict[str, str] = {}
    for name, variations in nlg.responses.items():
        for number, variation in enumerate(variations):
            key = name if number == 0 else f"{name}#{number}"
            if variation.get("text") and not SLOT_ONLY.fullmatch(str(variation["text"]).strip()):
                texts[key] = str(variation["text"]).strip()
            for button in variation.get("buttons") or []:
                texts[f"{key}/button/{button.get('payload') or button['title']}"] = button["title"]
        title = nlg.topic_title(name.split("/", 1)[1]) if name.startswith("utter_faq/") else None
        if title:
            texts[f"topic/{name.split('/', 1)[1]}"] = title
    for count in (1, 2):
        label = citation_label([None] * count)
        texts[f"label/{label}"] = label
    for notice, text in NOTES.items():
        texts[f"note/{notice}"] = text.format(limit=max_message_chars())
    texts.update(CONTACT_TEXTS)
    texts.update(quote_texts())
    return texts


QUOTE_KEY_PREFIX = "quote/"
"""Keys of the texts quotes are made of (machine-translated; not reviewed one by one)."""


def quote_texts() -> Dict[str, str]:
    """Returns each document's quote introduction and each content sentence, by key."""
    from bot.knowledge.catalogue import load_catalogue
    from bot.knowledge.retrieval import default_index
    from bot.rendering.quotes import TRANSLATED_MARK, introduction

    texts = {f"{QUOTE_KEY_PREFIX}{doc_id}": introduction(source)
             for doc_id, source in load_catalogue().items()}
    texts["label/translated_quote"] = TRANSLATED_MARK
    for sentence in default_index().sentences:
        texts[f"{QUOTE_KEY_PREFIX}{sentence.id}"] = sentence.text
    return texts


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the command line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.rendering.reply_translation", description=__doc__.splitlines()[0]
    )
    parser.add_argument("command", choices=("build", "status"))
    parser.add_argument(
        "--languages",
        default=",".join(configured_languages()[1:]),
        help="comma-separated ISO 639-1 codes (default: BOT_LANGUAGES)",
    )
    args = parser.parse_args(argv)
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    texts = texts_to_translate()
    memory = TranslationMemory()
    replies = ReplyTranslator(memory=memory)
    for language in languages:
        if args.command == "build":
            status = build_language(replies, memory, texts, language)
        else:
            status = memory.status(texts, language)
        print(status.line())
        for key in status.stale_reviewed:
            print(f"  stale reviewed translation (German text changed): {key}")
    return 0


def build_language(
    replies: ReplyTranslator, memory: TranslationMemory, texts: Dict[str, str], language: str
):
    """Machine-translates the texts of one language that need it, with a progress bar."""
    from tqdm import tqdm

    if not replies.can_translate(language):
        print(f"{language}: no language pack installed; nothing machine-translated")
        return memory.status(texts, language)
    def translate(text: str) -> Optional[str]:
        try:
            return replies.translator.translate(text, settings.get("BOT_LANGUAGE"), language)
        except TranslationUnavailable:
            return None

    with tqdm(total=len(texts), desc=f"{language}: translating answers", unit="text") as bar:
        return memory.build(texts, language, translate, progress=bar.update)


if __name__ == "__main__":
    sys.exit(main())
