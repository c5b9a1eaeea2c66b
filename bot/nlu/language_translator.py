"""First component of the NLU pipeline: the user's language, and the text in German.

The German NLU after it sees German text. The message keeps what it came as:
`original_text` and `language` (the detected ISO 639-1 code, or "und") are part of the
parse data, so the NLG (bot/rendering/nlg.py) answers in that language and the tracker
keeps it; `greeting_only` marks a language that rests on a greeting alone ("Hello").

The channels detect and translate before Rasa runs (bot/translation/prepare.py, off the
event loop); this component takes their result and does the work itself only when
nothing was prepared (`rasa shell`, conversation tests).

Never translated: messages starting with `/` (button payloads, intents), German text,
and texts whose language has no installed pack: then `translation_missing` names the
language, and `bot.nlu.untranslated.UntranslatedMessageClassifier` at the end of the
pipeline makes sure the German NLU's guess on that text is not used.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import settings
from bot.language.lexicon import domain_names, source_vocabulary
from bot.nlu.component import MessageComponent
from bot.translation.prepare import language_hint, prepare, take_prepared
from bot.translation.translator import Translator, default_translator

logger = logging.getLogger(__name__)

LANGUAGE = "language"
ORIGINAL_TEXT = "original_text"
TRANSLATION_MISSING = "translation_missing"
GREETING_ONLY = "greeting_only"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class LanguageTranslator(MessageComponent):
    """Detects the language of a message and translates it into the bot language."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # The language the NLU is trained in; None takes BOT_LANGUAGE.
            "bot_language": None,
        }

    def __init__(self, config: Dict[str, Any], translator: Optional[Translator] = None):
        """Creates the component.

        Args:
            config: The component's config.
            translator: The translator to use; the process-wide stack when None.
        """
        self.component_config = config
        self._translator = translator

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

    def process_message(self, message: Message) -> None:
        """Annotates one message and gives the NLU its German text.

        Takes what the channel prepared off the event loop (bot.translation.prepare);
        detects and translates here only when nothing was prepared.
        """
        text = message.get(TEXT) or ""
        prepared = take_prepared(message.get("metadata"), text)
        if prepared is None:
            prepared = prepare(
                text, language_hint(message.get("metadata")), self.translator, self.bot_language,
                domain_names(), source_vocabulary(),
            )
        message.set(ORIGINAL_TEXT, text, add_to_output=True)
        message.set(LANGUAGE, prepared.language, add_to_output=True)
        if prepared.greeting_only:
            message.set(GREETING_ONLY, True, add_to_output=True)
        if prepared.missing:
            message.set(TRANSLATION_MISSING, prepared.missing, add_to_output=True)
        if prepared.text != text:
            message.set(TEXT, prepared.text, add_to_output=True)
