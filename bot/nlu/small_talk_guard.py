"""Keeps questions out of small talk: "woran sieht man, dass …" is no goodbye.

Runs after the intent classifier and before the FallbackClassifier. The small-talk
intents (greeting, goodbye, thanks) are learnt from a few short phrases, so a longer
question that shares a word with one of them ("man sieht sich" / "woran sieht man …")
can be taken for small talk and answered "Tschüss". A message that asks something (it
begins with a question word, or ends with a question mark) and has more words than a
greeting gets the next intent of the ranking instead, so that the question is answered
or, when unsure, searched in the sources.
"""

from __future__ import annotations

import re
from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import MessageComponent
from bot.nlu.intents import demote

_QUESTION = re.compile(
    # a question word among the first three words ("hallo, wie finde ich …")
    r"^\W*(?:\w+\W+){0,2}?(?:wer|was|wie|wo|wann|warum|wieso|weshalb|welche\w*|wof(?:ü|ue)r|"
    r"woran|wozu|womit|wodurch|worauf|woher|wohin)\b"
    # a verb first ("gibt es …", "kann ich …"; not "ich muss jetzt gehen")
    r"|^\W*(?:gibt es|kann|k(?:ö|oe)nnen|darf|muss|soll)\b"
    r"|\?\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SmallTalkGuard(MessageComponent):
    """Gives a question taken for small talk the next intent (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Intents of small talk that a question is not.
            "intents": ["greet", "goodbye", "thank"],
            # A question with at least this many words is no small talk.
            "min_question_words": 5,
        }

    def process_message(self, message: Message) -> None:
        """Demotes the small-talk intent of one message that is a question."""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        small_talk = self.component_config["intents"]
        if intent not in small_talk:
            return
        text = message.get(TEXT) or ""
        if (len(_WORD.findall(text)) >= self.component_config["min_question_words"]
                and _QUESTION.search(text)):
            demote(message, *small_talk)
