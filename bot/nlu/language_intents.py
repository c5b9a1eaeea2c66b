"""Keeps the two language intents honest: `untranslated` and `choose_language`.

Runs after the intent classifiers and before the FallbackClassifier:

* A message whose language has no pack here (`translation_missing`, set by
  bot.nlu.language_translator) was never translated, so the German NLU's guess on it
  means nothing: it gets the intent `untranslated` (answered with a note in the user's
  language), unless it is an explicit, short request for a language ("English please",
  "فارسی لطفا", a bare language name), which stays `choose_language`.
* `untranslated` for any other message is a mistake of the classifier: the next intent
  of the ranking takes its place.
* `choose_language` is a request to switch the reply language only when the message
  is not about learning or courses: "Wo kann ich Deutsch lernen?" or "where can I learn
  German?" name a language without asking to switch; the next intent takes its place.

Language names in a message whose intent is not `choose_language` are dropped: they
were named, not asked for.
"""

from __future__ import annotations

import re
from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import MessageComponent
from bot.nlu.intents import demote, set_intent
from bot.nlu.language_translator import ORIGINAL_TEXT, TRANSLATION_MISSING

UNTRANSLATED = "untranslated"
CHOOSE_LANGUAGE = "choose_language"
LANGUAGE_ENTITY = "language"

# Words of learning a language or taking a course, in the configured languages.
_LEARNING = re.compile(
    r"(?<!\w)(?:lern\w*|gelernt|kurs\w*|sprachkurs\w*|unterricht\w*|prüfung\w*|schule\w*|"
    r"learn\w*|course\w*|class\w*|lesson\w*|study\w*|teach\w*|exam\w*|school\w*|"
    r"öğren\w*|ders\w*|sınav\w*|курс\w*|уч\w*|выуч\w*|изуч\w*|вивч\w*|навч\w*|"
    r"تعلم\w*|أتعلم|اتعلم|دورة|دورات|درس\w*|یاد|آموزش\w*|کلاس\w*|"
    r"apprend\w*|cours|leçon\w*|étudi\w*|examen\w*)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

MAX_REQUEST_WORDS = 2
"""An untranslated message asks for a language with at most this many other words."""


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class LanguageIntentGuard(MessageComponent):
    """Corrects `untranslated` and `choose_language` (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Other words (besides language names) an untranslated request may have.
            "max_request_words": MAX_REQUEST_WORDS,
        }

    def process_message(self, message: Message) -> None:
        """Corrects the language intents of one message."""
        name = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if message.get(TRANSLATION_MISSING):
            if self.is_short_language_request(message):
                set_intent(message, CHOOSE_LANGUAGE)
            else:
                set_intent(message, UNTRANSLATED)
        elif name == UNTRANSLATED:
            demote(message, UNTRANSLATED, CHOOSE_LANGUAGE)
        elif name == CHOOSE_LANGUAGE and about_learning(message):
            demote(message, CHOOSE_LANGUAGE, UNTRANSLATED)
        if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) != CHOOSE_LANGUAGE:
            drop_language_entities(message)

    def is_short_language_request(self, message: Message) -> bool:
        """Whether an untranslated message names a language with hardly another word."""
        text = message.get(TEXT) or ""
        spans = [
            (entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END])
            for entity in message.get(ENTITIES) or []
            if entity.get(ENTITY_ATTRIBUTE_TYPE) == LANGUAGE_ENTITY
        ]
        if not spans or about_learning(message):
            return False
        for start, end in sorted(spans, reverse=True):
            text = text[:start] + " " + text[end:]
        return len(_WORD.findall(text)) <= self.component_config["max_request_words"]


def about_learning(message: Message) -> bool:
    """Whether a message (or what the user wrote) is about learning or courses."""
    texts = (message.get(TEXT) or "", message.get(ORIGINAL_TEXT) or "")
    return any(_LEARNING.search(text) for text in texts)


def drop_language_entities(message: Message) -> None:
    """Removes the language names found in a message that asks for no language."""
    entities = message.get(ENTITIES) or []
    kept = [entity for entity in entities if entity.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_ENTITY]
    if len(kept) != len(entities):
        message.set(ENTITIES, kept, add_to_output=True)
