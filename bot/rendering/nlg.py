"""Renders the assistant's responses: citation, topic buttons, the user's language.

Configured in `endpoints.yml` as `nlg: type: bot.rendering.nlg.GuidanceNLG`, so it serves
`rasa shell`, `rasa run` and every channel. Conversation tests (`rasa test`) compare
action names and do not use it; tests/bot/test_nlg.py covers it.

A response is rendered in German from the domain, then translated into the reply
language (bot.language.reply) by bot.rendering.reply_translation: text, button titles
and citation label, from the translation memory (reviewed, then machine translations
made once by `make models`), live only for texts not in it; never payloads, never the
titles of cited documents. If a text cannot be translated here (no pack, a failing
model), it goes out in German after a note written in the user's language. Each
message says its `language`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot import settings
from bot.contacts import configured_contacts, matching_contacts, question_topics
from bot.dialogue.feedback import INVALID_RESPONSE, THANKS_RESPONSE, needs_invalid_answer
from bot.knowledge.catalogue import sources_for
from bot.knowledge.curated import FAQ_RESPONSE_PREFIX
from bot.language.names import configured_languages, language_name
from bot.language.reply import reply_language
from bot.rendering.citations import citation_label, citation_line
from bot.rendering.contacts import contacts_block
from bot.rendering.quotes import QUOTE_PARTS, QUOTE_RESPONSE, QUOTE_SLOT, fill_quote
from bot.rendering.reply_translation import ReplyTranslator, choice_payload
from bot.translation.translator import Translator

RESPONSE_KEY = "response"
"""The key of a rendered message that names the response it came from (e.g.
`utter_faq/kurs_finden`), so that feedback can name the answer it rates."""

LOCAL_CONTACTS = "local_contacts"
"""`metadata: {local_contacts: true}`: the response ends with the host's matching local
contacts (`bot.contacts`, `bot.rendering.contacts`), after its citation."""

NOTE_ONLY = "note_only"
"""`metadata: {untranslated: note_only}`: a response that, where it cannot be
translated, is replaced by the note (it would say something untrue in German)."""


def topic_payload(topic: str) -> str:
    """Returns the button payload that asks for one FAQ topic."""
    return "/help" + json.dumps({"topic": topic}, separators=(",", ":"))


def language_buttons() -> List[Dict[str, str]]:
    """Returns one button per configured language, titled with its own name."""
    return [
        {
            "title": language_name(code),
            "payload": choice_payload(code),
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
        self.replies = ReplyTranslator()
        # read and checked once, at start: a mistake in the file stops the start
        self.contacts = configured_contacts()

    @property
    def translator(self) -> Translator:
        """The live translator (built on first use)."""
        return self.replies.translator

    @translator.setter
    def translator(self, translator: Translator) -> None:
        """Replaces the live translator (tests, other back ends)."""
        self.replies.translator = translator

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
            The message to send, or None for an unknown response. Its `response` key
            names the response rendered: `utter_action`, or what replaced it
            (`utter_fallback` for a quote that cannot be filled,
            `utter_feedback_invalid` for feedback that cannot be read).
        """
        latest = tracker.latest_message
        if utter_action == THANKS_RESPONSE and latest is not None and needs_invalid_answer(
            latest.text, latest.parse_data
        ):
            # a `/feedback` payload that cannot be read (bot/dialogue/feedback.py)
            utter_action = INVALID_RESPONSE
        if utter_action == QUOTE_RESPONSE:
            kwargs.setdefault(QUOTE_SLOT, "")
        message = await super().generate(utter_action, tracker, output_channel, **kwargs)
        if message is None:
            return None
        if utter_action == QUOTE_RESPONSE:
            # A verbatim quote from the sources (bot/rendering/quotes.py).
            quote = fill_quote(message, tracker.latest_message.entities)
            if quote is None:
                utter_action = "utter_fallback"
            message = quote or await super().generate(utter_action, tracker, output_channel)
        language = reply_language(tracker)
        contact_topics = None
        if self.contacts and (message.get("metadata") or {}).get(LOCAL_CONTACTS):
            contact_topics = question_topics(latest.parse_data if latest is not None else None)
        rendered = await asyncio.get_running_loop().run_in_executor(
            None, self.render, message, kwargs.get("topics") or [], language, contact_topics
        )
        rendered[RESPONSE_KEY] = utter_action
        return rendered

    def render(
        self,
        message: Dict[str, Any],
        topics: List[str],
        language: Optional[str] = None,
        contact_topics: Optional[List[str]] = None,
    ) -> Dict[str, Any]:
        """Turns a filled domain response into the message a channel sends.

        Args:
            message: The filled domain response (German).
            topics: FAQ topics to offer as buttons.
            language: The reply language; the bot language when None.
            contact_topics: The topics of the user's question (`bot.contacts`), for a
                response that shows local contacts.

        Returns:
            The message with citation, buttons, `language` and `sources`, and for a
            response with `local_contacts` the matching contacts (`contacts`,
            `contacts_text`) after the citation.
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
            message, label, target = self.replies.translate_message(
                message, label, target, note_only=metadata.get("untranslated") == NOTE_ONLY,
                quote=metadata.get(QUOTE_PARTS),
            )
        if metadata.get("language_buttons"):
            # Language names are shown in their own language, never translated.
            message["buttons"] += language_buttons()
        message["buttons"] = list({b["payload"]: b for b in message["buttons"]}.values())
        citation = citation_line(sources, label)
        if citation and message.get("text"):
            message["text"] = f"{message['text']}\n{citation}"
        if metadata.get(LOCAL_CONTACTS) and self.contacts and message.get("text"):
            shown = matching_contacts(self.contacts, contact_topics or [])
            block, entries = contacts_block(shown, target, self.replies.translate)
            if block:
                message["text"] = f"{message['text']}\n\n{block}"
                message["contacts"] = entries
                message["contacts_text"] = block
        if not message["buttons"]:
            del message["buttons"]
        if sources:
            message["sources"] = [source.details() for source in sources]
        message["language"] = target
        return message
