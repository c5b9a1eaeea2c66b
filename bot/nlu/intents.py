"""Changing a parsed message's intent: for sure, or to the next one of the ranking."""

from __future__ import annotations

from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

NLU_FALLBACK = "nlu_fallback"


def set_intent(message: Message, name: str) -> None:
    """Sets a message's intent for sure: the classifier's ranking meant nothing."""
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)


def demote(message: Message, *names: str) -> None:
    """Replaces a wrong intent by the next one of the ranking (or nlu_fallback).

    The intents `names` are removed from the ranking; the remaining intents'
    confidences are scaled up to what they would be without them. The
    FallbackClassifier after the component decides whether the next intent is sure
    enough.

    Args:
        message: The parsed message.
        names: The intents that cannot be right (the wrong one first).
    """
    ranking = message.get(INTENT_RANKING_KEY) or []
    removed = sum(
        entry[PREDICTED_CONFIDENCE_KEY]
        for entry in ranking
        if entry.get("name") in names
    )
    # What the classifier would have said without these intents: the others share
    # their probability in proportion.
    scale = 1.0 / (1.0 - removed) if removed < 1.0 else 1.0
    ranking = [
        {**entry, PREDICTED_CONFIDENCE_KEY: min(1.0, entry[PREDICTED_CONFIDENCE_KEY] * scale)}
        for entry in ranking
        if entry.get("name") not in names
    ]
    best = ranking[0] if ranking else {"name": NLU_FALLBACK, PREDICTED_CONFIDENCE_KEY: 1.0}
    message.set(
        INTENT,
        {INTENT_NAME_KEY: best["name"], PREDICTED_CONFIDENCE_KEY: best[PREDICTED_CONFIDENCE_KEY]},
        add_to_output=True,
    )
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
