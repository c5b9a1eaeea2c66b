"""Renders the assistant's responses: citation, topic buttons, the user's language.

Configured in `endpoints.yml` as `nlg: type: bot.rendering.nlg.GuidanceNLG`, so it serves
`rasa shell`, `rasa run` and every channel. Conversation tests (`rasa test`) compare
action names and do not use it; tests/bot/test_nlg.py covers it.

A response is rendered in German from the domain, then translated into the reply
language (bot.language.reply): text and button titles, never payloads, never the
titles of cited documents. If the language has no pack or the model fails, the German
text goes out with a short English note. Each message says its `language`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional, Tuple

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import settings
from bot.knowledge.catalogue import sources_for
from bot.knowledge.curated import FAQ_RESPONSE_PREFIX
from bot.language.names import configured_languages, language_name
from bot.language.reply import reply_language
from bot.rendering.citations import citation_label, citation_line
from bot.rendering.quotes import QUOTE_RESPONSE, QUOTE_SLOT, fill_quote
from bot.translation.translator import TranslationUnavailable, Translator, default_translator

MISSING_LANGUAGE_NOTE = (
    "(Sorry, your language is not installed here yet, so I am answering in German.)"
)
"""Added, in English, when a reply cannot be translated into the user's language."""


def topic_payload(topic: str) -> str:
    """Returns the button payload that asks for one FAQ topic."""
    return "/help" + json.dumps({"topic": topic}, separators=(",", ":"))


def language_buttons() -> List[Dict[str, str]]:
    """Returns one button per configured language, titled with its own name."""
    return [
        {
            "title": language_name(code),
            "payload": "/choose_language" + json.dumps({"language": code}, separators=(",", ":")),
        }
        for code in configured_languages()
    ]


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
        self._translator: Optional[Translator] = None

    @property
    def translator(self) -> Translator:
        """The translator (built on first use)."""
        if self._translator is None:
            self._translator = default_translator()
        return self._translator

    @translator.setter
    def translator(self, translator: Translator) -> None:
        """Replaces the translator (tests, other back ends)."""
        self._translator = translator

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
        if utter_action == QUOTE_RESPONSE:
            kwargs.setdefault(QUOTE_SLOT, "")
        message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if message is None:
            return None
        if utter_action == QUOTE_RESPONSE:
            # A verbatim quote from the sources (bot/rendering/quotes.py).
            message = fill_quote(message, tracker.latest_message.entities) or await (
                super().generate("utter_fallback", tracker, output_channel)
            )
        language = reply_language(tracker)
        return await asyncio.get_running_loop().run_in_executor(
            None, self.render, message, kwargs.get("topics") or [], language
        )

    def render(
        self, message: Dict[str, Any], topics: List[str], language: Optional[str] = None
    ) -> Dict[str, Any]:
        """Turns a filled domain response into the message a channel sends.

        Args:
            message: The filled domain response (German).
            topics: FAQ topics to offer as buttons.
            language: The reply language; the bot language when None.

        Returns:
            The message with citation, buttons, `language` and `sources`.
        """
        metadata = message.pop("metadata", None) or {}
        sources = sources_for(metadata.get("sources", []))
        message["buttons"] = list(message.get("buttons") or []) + self.topic_buttons(
            list(metadata.get("topic_buttons", [])) + topics
        )
        label = citation_label(sources)
        bot_language = settings.get("BOT_LANGUAGE")
        target = language or bot_language
        if target != bot_language:
            try:
                message, label = self.translated(message, label, bot_language, target)
            except TranslationUnavailable:
                target = bot_language
                if message.get("text"):
                    message["text"] = f"{message['text']}\n{MISSING_LANGUAGE_NOTE}"
        if metadata.get("language_buttons"):
            # Language names are shown in their own language, never translated.
            message["buttons"] += language_buttons()
        citation = citation_line(sources, label)
        if citation and message.get("text"):
            message["text"] = f"{message['text']}\n{citation}"
        if not message["buttons"]:
            del message["buttons"]
        if sources:
            message["sources"] = [source.details() for source in sources]
        message["language"] = target
        return message

    def translated(
        self, message: Dict[str, Any], label: str, source: str, target: str
    ) -> Tuple[Dict[str, Any], str]:
        """Returns the message and citation label translated; payloads stay as they are.

        Raises:
            TranslationUnavailable: when any part cannot be translated.
        """
        translate = self.translator.translate
        result = dict(message)
        if message.get("text"):
            result["text"] = translate(message["text"], source, target)
        result["buttons"] = [
            {**button, "title": translate(button["title"], source, target)}
            for button in message.get("buttons", [])
        ]
        return result, translate(label, source, target)
