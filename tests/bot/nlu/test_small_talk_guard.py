"""SmallTalkGuard: a question taken for small talk gets the next intent."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.small_talk_guard import SmallTalkGuard


def classified(text: str, intent: str, runner_up: str = "faq") -> Message:
    ranking = [{"name": intent, "confidence": 0.6}, {"name": runner_up, "confidence": 0.3},
               {"name": "thank", "confidence": 0.1}]
    message = Message(data={"text": text, "intent": dict(ranking[0]), "intent_ranking": ranking})
    SmallTalkGuard(SmallTalkGuard.get_default_config()).process_message(message)
    return message


@pytest.mark.parametrize("text, intent", [
    ("woran sieht man dass das programm erfolg hatte", "goodbye"),
    ("hallo, wie finde ich einen sprachkurs in meiner stadt?", "greet"),
    ("danke, und wo finde ich eine beratung in meiner nähe", "thank"),
    ("kann ich mit dem programm auch arbeit finden", "greet"),
])
def test_a_question_taken_for_small_talk_gets_the_next_intent(text, intent) -> None:
    message = classified(text, intent)
    assert message.get("intent")["name"] == "faq"
    # the other small-talk intents are gone from the ranking, the rest scaled up
    assert [r["name"] for r in message.get("intent_ranking")] == ["faq"]
    assert message.get("intent")["confidence"] == pytest.approx(1.0)


@pytest.mark.parametrize("text, intent", [
    ("ok das wars von meiner seite, schönes wochenende", "goodbye"),
    ("vielen dank für die schnelle antwort!", "thank"),
    ("hallo wer bist du", "greet"),
    ("ich muss jetzt gehen, tschau", "goodbye"),
    ("tschüss", "goodbye"),
])
def test_small_talk_stays_small_talk(text, intent) -> None:
    assert classified(text, intent).get("intent")["name"] == intent


def test_other_intents_are_left_alone() -> None:
    message = classified("was ist die mbe und wer macht das?", "faq", "help")
    assert message.get("intent")["name"] == "faq"
    assert len(message.get("intent_ranking")) == 3
