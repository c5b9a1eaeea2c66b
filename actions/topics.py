"""Actions that answer or suggest FAQ topics.

Both actions send their text through domain responses (never literal text), so that
the NLG adds citations and translates the reply like any other response.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge.curated import FAQ_RESPONSE_PREFIX, faq_topics

MAX_SUGGESTIONS = 3
"""How many topic buttons a fallback offers at most."""

MIN_SUGGESTION_CONFIDENCE = 0.05
"""Response-selector confidence below which a topic is not worth suggesting."""


def ranked_topics(tracker: Tracker) -> List[str]:
    """Returns the FAQ topics the response selector ranked highest for the last message.

    Args:
        tracker: The conversation tracker.

    Returns:
        Up to `MAX_SUGGESTIONS` topic names, best first.
    """
    selector = tracker.latest_message.get("response_selector", {})
    prediction = selector.get("default", {})
    topics: List[str] = []
    for candidate in prediction.get("ranking", []):
        intent_response_key = candidate.get("intent_response_key", "")
        if candidate.get("confidence", 0.0) < MIN_SUGGESTION_CONFIDENCE:
            continue
        if "/" in intent_response_key:
            topics.append(intent_response_key.split("/", 1)[1])
        if len(topics) == MAX_SUGGESTIONS:
            break
    return topics


class ActionAnswerTopic(Action):
    """Answers the FAQ topic picked with a topic button (`/help{"topic": ...}`)."""

    def name(self) -> str:
        """Returns the action's name."""
        return "action_answer_topic"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the topic's FAQ response, or the help menu for an unknown topic."""
        topic = tracker.get_slot("topic")
        response = f"{FAQ_RESPONSE_PREFIX}{topic}"
        if topic and response in domain.get("responses", {}):
            dispatcher.utter_message(response=response)
        else:
            dispatcher.utter_message(response="utter_help")
        return [SlotSet("topic", None)]


class ActionSuggestTopics(Action):
    """Instead of guessing, says it is unsure and offers the closest FAQ topics."""

    def name(self) -> str:
        """Returns the action's name."""
        return "action_suggest_topics"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        """Sends the fallback response with topic buttons and the handoff pointers."""
        known = set(faq_topics(domain.get("responses", {})))
        topics = [topic for topic in ranked_topics(tracker) if topic in known]
        dispatcher.utter_message(response="utter_fallback", topics=topics)
        dispatcher.utter_message(response="utter_handoff")
        return []
