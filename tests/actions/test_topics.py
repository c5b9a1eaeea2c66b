"""Tests of the topic actions with tracker fixtures and a CollectingDispatcher."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.topics import ActionAnswerTopic, ActionSuggestTopics, ranked_topics
from bot.knowledge.curated import load_responses

DOMAIN: Dict[str, Any] = {"responses": load_responses()}


def tracker(slots: Dict[str, Any] | None = None, ranking: List[dict] | None = None) -> Tracker:
    """Builds a tracker whose latest message carries a response-selector ranking."""
    latest = {
        "text": "irgendwas",
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "response_selector": {"default": {"ranking": ranking or []}},
    }
    return Tracker("user", slots or {}, latest, [], False, None, {}, "action_listen")


def ranking_of(*pairs: tuple) -> List[dict]:
    return [{"intent_response_key": f"faq/{t}", "confidence": c} for t, c in pairs]


async def run(action, tracker_: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker_, DOMAIN)
    return dispatcher.messages, events


@pytest.mark.parametrize("topic", ["amif", "kurs_finden", "person_lucha"])
async def test_answer_topic_sends_the_topics_faq_response(topic: str) -> None:
    messages, events = await run(ActionAnswerTopic(), tracker({"topic": topic}))
    assert [m["response"] for m in messages] == [f"utter_faq/{topic}"]
    assert events == [SlotSet("topic", None)]


@pytest.mark.parametrize("topic", [None, "gibt_es_nicht", "../etc"])
async def test_answer_topic_shows_help_for_unknown_topics(topic: Any) -> None:
    messages, _ = await run(ActionAnswerTopic(), tracker({"topic": topic}))
    assert [m["response"] for m in messages] == ["utter_help"]


async def test_suggest_topics_offers_the_closest_topics_and_handoff() -> None:
    ranking = ranking_of(("amif", 0.4), ("kurs_finden", 0.3), ("ukraine", 0.2), ("intmk", 0.1))
    messages, _ = await run(ActionSuggestTopics(), tracker(ranking=ranking))
    assert messages[0]["response"] == "utter_fallback"
    assert messages[0]["topics"] == ["amif", "kurs_finden", "ukraine"]
    assert messages[1]["response"] == "utter_handoff"


async def test_suggest_topics_skips_unlikely_and_unknown_topics() -> None:
    ranking = ranking_of(("nicht_da", 0.5), ("amif", 0.3), ("ukraine", 0.01))
    messages, _ = await run(ActionSuggestTopics(), tracker(ranking=ranking))
    assert messages[0]["topics"] == ["amif"]


def test_ranked_topics_is_empty_without_selector_output() -> None:
    empty = Tracker("user", {}, {"text": "x"}, [], False, None, {}, "action_listen")
    assert ranked_topics(empty) == []
