"""Feedback on answers: the payload is read, a bad one gets a clear answer, never a crash."""

from __future__ import annotations

import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.channels.rest import LanguageCollectingOutput
from bot.channels.webchat import bot_message_payload
from bot.dialogue.feedback import Feedback, feedback_from_parse, needs_invalid_answer
from bot.knowledge.curated import load_responses
from bot.paths import PROJECT_ROOT
from bot.rendering.nlg import GuidanceNLG


def domain() -> Domain:
    return Domain.from_directory(str(PROJECT_ROOT / "domain"))


def parsed(text: str) -> UserUttered:
    """Parses a payload as Rasa's RegexMessageHandler does, with the real domain."""
    message = YAMLStoryReader.unpack_regex_message(Message({"text": text}), domain())
    return UserUttered(text, message.get("intent"), message.get("entities"),
                       {"intent": message.get("intent"), "entities": message.get("entities")})


def payload(**values) -> str:
    return "/feedback" + json.dumps(values, ensure_ascii=False)


def test_a_rating_with_response_and_comment_is_read() -> None:
    event = parsed(payload(rating="not_helpful", response="utter_faq/kurs_finden",
                           comment="Ich suche Kurse in Ulm"))
    assert event.intent_name == "feedback"
    assert feedback_from_parse(event.parse_data) == Feedback(
        "not_helpful", "utter_faq/kurs_finden", "Ich suche Kurse in Ulm"
    )
    assert not needs_invalid_answer(event.text, event.parse_data)


@pytest.mark.parametrize("text", [
    "/feedback",
    '/feedback{"rating": "helpful"',            # bad JSON
    '/feedback{"rating": "great"}',              # unknown rating
    '/feedback{"rating": 5}',
    '/feedback{"comment": "gut"}',               # no rating
])
def test_a_feedback_payload_that_cannot_be_read_gets_the_invalid_answer(text) -> None:
    event = parsed(text)
    assert event.intent_name == "feedback"
    assert feedback_from_parse(event.parse_data) is None
    assert needs_invalid_answer(event.text, event.parse_data)


def test_words_taken_for_feedback_are_thanked() -> None:
    assert not needs_invalid_answer("die Antwort war hilfreich", {"intent": {"name": "feedback"}})


def nlg() -> GuidanceNLG:
    return GuidanceNLG(domain=Domain.from_dict({"responses": load_responses()}))


async def test_the_reply_names_its_response_and_a_bad_payload_is_answered_clearly() -> None:
    good = DialogueStateTracker.from_events("u", [parsed(payload(rating="helpful"))])
    thanks = await nlg().generate("utter_feedback_thanks", good, "rest")
    assert thanks["response"] == "utter_feedback_thanks"
    assert thanks["text"].startswith("Danke für Ihre Rückmeldung")
    bad = DialogueStateTracker.from_events("u", [parsed('/feedback{"rating": "super"}')])
    invalid = await nlg().generate("utter_feedback_thanks", bad, "rest")
    assert invalid["response"] == "utter_feedback_invalid"
    assert "hilfreich" in invalid["text"]


async def test_every_answer_names_its_response_on_rest_and_in_the_web_chat() -> None:
    tracker = DialogueStateTracker.from_events("u", [])
    message = await nlg().generate("utter_faq/kurs_finden", tracker, "rest")
    assert message["response"] == "utter_faq/kurs_finden"
    output = LanguageCollectingOutput()
    await output.send_response("u", dict(message))
    assert output.messages[0]["response"] == "utter_faq/kurs_finden"
    assert bot_message_payload(dict(message))["response"] == "utter_faq/kurs_finden"


async def test_the_thanks_comes_in_the_conversation_language_from_reviewed_translations() -> None:
    events = [
        UserUttered("where can I learn German", {"name": "faq"}, [], {"language": "en"}),
        parsed(payload(rating="helpful")),
    ]
    tracker = DialogueStateTracker.from_events("u", events)
    thanks = await nlg().generate("utter_feedback_thanks", tracker, "rest")
    assert thanks["text"] == "Thank you for your feedback! It helps us improve the answers."
    assert thanks["language"] == "en"
