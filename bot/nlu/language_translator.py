"""First component of the NLU pipeline: detect the user's language, translate to German.

The German NLU after it sees German text. The message keeps what it came as:
`original_text` and `language` (the detected ISO 639-1 code, or "und") are part of the
parse data, so the NLG (bot/rendering/nlg.py) answers in that language and the tracker keeps it.

Never translated: messages starting with `/` (button payloads, intents), German text,
and texts whose language has no installed pack (then `translation_missing` names the
language, the German NLU sees the original, and the NLG adds a short note).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import settings
from bot.language.detect import detect_language
from bot.language.lexicon import domain_names
from bot.language.names import UNDETERMINED, configured_languages
from bot.translation.translator import TranslationUnavailable, Translator, default_translator

logger = logging.getLogger(__name__)

LANGUAGE = "language"
ORIGINAL_TEXT = "original_text"
TRANSLATION_MISSING = "translation_missing"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class LanguageTranslator(GraphComponent):
    """Detects the language of a message and translates it into the bot language."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The language the NLU is trained in; None takes BOT_LANGUAGE.
            "bot_language": None,
            # Whether to translate at all (False: detect and annotate only).
            "translate": True,
        }

    def __init__(self, config: Dict[str, Any], translator: Optional[Translator] = None):
        """Creates the component.

        Args:
            config: The component's config.
            translator: The translator to use; the process-wide stack when None.
        """
        self.component_config = config
        self._translator = translator

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageTranslator:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    @staticmethod
    def required_packages() -> List[str]:
        """Any extra python dependencies required for this component to run.

        argostranslate is needed too, but Rasa checks packages by import name and
        fingerprints them by distribution name, and for argostranslate those differ
        (`argos-translate-lt`); requirements.txt pins it, and it is imported lazily.
        """
        return ["langdetect"]

    @property
    def bot_language(self) -> str:
        """The language of the NLU training data."""
        return self.component_config.get("bot_language") or settings.get("BOT_LANGUAGE")

    @property
    def translator(self) -> Translator:
        """The translator (built on first use, so that training needs no packs)."""
        if self._translator is None:
            self._translator = default_translator()
        return self._translator

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data alone: it is written in the bot language."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Annotates each message with its language and translates it if needed.

        Args:
            messages: The incoming user messages.

        Returns:
            The same messages, with `text` in the bot language where possible.
        """
        for message in messages:
            self.process_message(message)
        return messages

    def language_hint(self, message: Message) -> Optional[str]:
        """Returns the language a channel says the conversation is in (widget metadata)."""
        metadata = message.get("metadata") or {}
        hint = metadata.get(LANGUAGE) if isinstance(metadata, dict) else None
        return hint if isinstance(hint, str) and hint else None

    def process_message(self, message: Message) -> None:
        """Detects, annotates and translates one message."""
        text = message.get(TEXT) or ""
        message.set(ORIGINAL_TEXT, text, add_to_output=True)
        if text.startswith("/") or not text.strip():
            message.set(LANGUAGE, UNDETERMINED, add_to_output=True)
            return
        try:
            installed = self.translator.languages()
        except Exception:  # noqa: BLE001 - a broken pack folder must not end the turn
            logger.exception("Could not read the installed language packs.")
            installed = set()
        candidates = set(configured_languages()) | installed
        language = detect_language(
            text,
            candidates=sorted(candidates),
            previous=self.language_hint(message),
            neutral=domain_names(),
        )
        message.set(LANGUAGE, language, add_to_output=True)
        if language in (UNDETERMINED, self.bot_language):
            return
        if not self.component_config.get("translate", True):
            return
        try:
            translated = self.translator.translate(text, language, self.bot_language)
        except TranslationUnavailable:
            message.set(TRANSLATION_MISSING, language, add_to_output=True)
            return
        message.set(TEXT, translated, add_to_output=True)
