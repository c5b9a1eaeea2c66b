"""Declines FAQ questions whose answer the response selector is unsure about.

The intent classifier is often sure that a message is *some* FAQ question even when
the message is nonsense ("xkcd qwrt"); the response selector then spreads its
confidence over many answers. This component turns such messages into
`nlu_fallback`, like Rasa's FallbackClassifier does for low intent confidence, so
that the assistant does not guess.
"""

from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import MessageComponent

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class ResponseSelectorFallback(MessageComponent, IntentClassifier):
    """Predicts `nlu_fallback` when the selected FAQ answer has low confidence."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Selected answers below this confidence make the message `nlu_fallback`.
            "threshold": 0.3,
            # The retrieval intent whose response selection is checked.
            "retrieval_intent": "faq",
            # The response-selector output to read ("default" when the selector
            # is trained on all retrieval intents).
            "selector_key": "default",
        }

    def selected_confidence(self, message: Message) -> float:
        """Returns the confidence of the selected answer, 0 when there is none."""
        selector = message.get("response_selector") or {}
        prediction = selector.get(self.component_config["selector_key"]) or {}
        return float((prediction.get("response") or {}).get(PREDICTED_CONFIDENCE_KEY, 0.0))

    def should_fallback(self, message: Message) -> bool:
        """Whether the message is a FAQ question with an unsure answer."""
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != self.component_config["retrieval_intent"]:
            return False
        return self.selected_confidence(message) < self.component_config["threshold"]

    def process_message(self, message: Message) -> None:
        """Replaces the intent of an unsure FAQ question with `nlu_fallback`.

        Args:
            message: The message, already classified and with selected responses.
        """
        if not self.should_fallback(message):
            return
        logger.debug("Selected FAQ answer below threshold: predicting fallback.")
        fallback = {
            INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
            PREDICTED_CONFIDENCE_KEY: self.component_config["threshold"],
        }
        message.data[INTENT] = fallback
        message.data.setdefault(INTENT_RANKING_KEY, [])
        message.data[INTENT_RANKING_KEY].insert(0, dict(fallback))
