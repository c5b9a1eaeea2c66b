"""Renders the assistant's German responses: citation line and topic buttons.

Configured in `endpoints.yml` as `nlg: type: bot.nlg.GuidanceNLG`, so it serves
`rasa shell`, `rasa run` and every channel. Conversation tests (`rasa test`) compare
action names and do not use it; tests/bot/test_nlg.py covers it.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.sources import citation_line, sources_for

FAQ_RESPONSE_PREFIX = "utter_faq/"
"""Domain responses of the `faq` retrieval intent are named `utter_faq/<topic>`."""


def topic_payload(topic: str) -> str:
    """Returns the button payload that asks for one FAQ topic."""
    return "/help" + json.dumps({"topic": topic}, separators=(",", ":"))


class GuidanceNLG(TemplatedNaturalLanguageGenerator):
    """Domain responses with their citation line and topic buttons."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        domain: Optional[Domain] = None,
    ) -> None:
        """Creates the generator from the domain's responses.

        Args:
            endpoint_config: The `nlg` section of `endpoints.yml` (unused keys allowed).
            domain: The trained model's domain, FAQ responses included.
        """
        domain = domain or Domain.empty()
        super().__init__(domain.responses)
        self.endpoint_config = endpoint_config

    def topic_title(self, topic: str) -> Optional[str]:
        """Returns the short title of a FAQ topic, or None for an unknown topic."""
        variations = self.responses.get(f"{FAQ_RESPONSE_PREFIX}{topic}")
        if not variations:
            return None
        return variations[0].get("metadata", {}).get("title")

    def topic_buttons(self, topics: List[str]) -> List[Dict[str, str]]:
        """Returns one button per known topic, titled with the topic's title."""
        buttons = []
        for topic in topics:
            title = self.topic_title(topic)
            if title:
                buttons.append({"title": title, "payload": topic_payload(topic)})
        return buttons

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> Optional[Dict[str, Any]]:
        """Renders a response: text, its citation line and its buttons.

        Args:
            utter_action: The response's name, e.g. `utter_faq/amif`.
            tracker: The conversation.
            output_channel: The channel's name.
            **kwargs: Values from a custom action; `topics` adds topic buttons.

        Returns:
            The message to send, or None for an unknown response.
        """
        message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if message is None:
            return None
        return self.render(message, kwargs.get("topics") or [])

    def render(self, message: Dict[str, Any], topics: List[str]) -> Dict[str, Any]:
        """Turns a filled domain response into the message a channel sends."""
        metadata = message.pop("metadata", None) or {}
        sources = sources_for(metadata.get("sources", []))
        citation = citation_line(sources)
        if citation and message.get("text"):
            message["text"] = f"{message['text']}\n{citation}"
        buttons = self.topic_buttons(list(metadata.get("topic_buttons", [])) + topics)
        if buttons:
            message["buttons"] = list(message.get("buttons") or []) + buttons
        if sources:
            message["sources"] = [
                {"title": s.title, "publisher": s.publisher, "date": s.date, "url": s.url}
                for s in sources
            ]
        return message
