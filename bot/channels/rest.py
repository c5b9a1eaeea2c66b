"""The REST channel, hardened against bad input: a 4xx with a JSON error, never a 500.

Configured in `credentials.yml` instead of Rasa's `rest:` entry::

    bot.channels.rest.SafeRestInput:
      reply_timeout: 30      # optional, seconds until the request is answered anyway

It keeps Rasa's URL and protocol (`POST /webhooks/rest/webhook` with
`{"sender": "...", "message": "..."}`, the bot messages come back as a JSON list;
`?stream=true` gives them as one JSON object per line, written when the turn is done),
and differs from Rasa's `RestInput` in what it accepts:

* **400** with `{"error": "..."}` for a body that is not JSON (invalid UTF-8 bytes are
  replaced first, so they never crash anything), JSON that is not an object, a missing
  or non-string `message`, a missing, empty or non-string `sender`, a sender id longer
  than `MAX_SENDER_CHARS` or with control or other invisible characters, a `metadata`
  that is not an object (or nested deeper than `MAX_METADATA_DEPTH`), and an
  `input_channel` that is not a short name. **413** for a body over `max_body_bytes`.
  Rasa's default of filing sender-less messages under one shared "default"
  conversation is not kept: a sender is required.
* The message is cleaned: control characters other than newline and tab are removed
  (carriage returns become newlines), unpaired surrogates (JSON can escape them)
  become U+FFFD, the text is put in Unicode NFC form, and leading and trailing
  whitespace goes.
* An **empty** message (nothing but whitespace or invisible formatting characters)
  is answered by the channel itself with `EMPTY_MESSAGE_TEXT`: it never reaches NLU
  or the conversation's history, because there is nothing in it to understand.
* A message longer than the `MAX_MESSAGE_CHARS` setting (characters after cleaning) is
  cut to that length (at a word boundary close to it when there is one), processed,
  and the reply starts with `SHORTENED_MESSAGE_TEXT`.
* Unknown sender ids simply start a new conversation (as in Rasa).
* The notes of the channel (empty, shortened, error, timeout) are rendered like every
  response, by `bot.rendering.nlg.GuidanceNLG`: in the conversation's language when a pack for it
  is installed, otherwise in German with a short English note.
* If the assistant fails on a message the reply is `ERROR_TEXT` (status 200: the
  request was fine); if it takes longer than `reply_timeout` seconds the request is
  answered with what is there plus `TIMEOUT_TEXT`, and the message is still processed
  to its end in the background (so the conversation stays consistent). A client that
  disconnects does not cancel the processing of its message either.
* A client (one sender from one address; behind `TRUSTED_PROXIES` reverse proxies the
  address comes from `X-Forwarded-For`) that sends more than the rate limit allows
  (`RATE_LIMIT_BURST`, `RATE_LIMIT_PER_MINUTE`; `bot.channels.rate_limit`) gets **429**
  with `Retry-After` and the `rate_limited` note as the one message, sent when the
  client could send again (at most `MAX_REFUSAL_DELAY` seconds later, so that a
  client sending in parallel cannot turn refusals into a flood of its own); the
  message is not processed.
* Each bot message also carries `language` (ISO 639-1 code of its text) when the
  NLG sets it, `response` (the name of the response it came from, e.g.
  `utter_faq/kurs_finden`, which feedback names: `bot.dialogue.feedback`), `sources`
  (title, publisher, date, compact citation of each cited document) when it cites
  any, and `contacts` (the host's local contacts it shows, `bot.contacts`) when it
  shows any; the channel's own notes carry `notice` (`empty`,
  `shortened`, `error`, `timeout`, `no_reply`, `rate_limited`), so that clients can
  tell them apart in any language.
"""


from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.input import BadRequest, IncomingMessage, max_message_chars, parse_body
from bot.channels.notes import render_note, stored_conversation_language
from bot.channels.rate_limit import RateLimiter, client_address, trusted_proxies
from bot.translation.prepare import prepare_message_metadata

logger = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""Largest accepted request body; larger ones get 413 (Sanic's own limit is 100 MB)."""

DEFAULT_REPLY_TIMEOUT = 30.0
"""Seconds after which a request is answered even if the assistant is not done."""

MAX_REFUSAL_DELAY = 5.0
"""Longest wait before a request over the rate limit gets its 429."""


class LanguageCollectingOutput(CollectingOutputChannel):
    """Collects the bot messages like Rasa's REST channel, with `language` and `sources`.

    `sources` are the cited documents (`bot.knowledge.catalogue.Source.details`).
    """

    @classmethod
    def name(cls) -> str:
        """Returns the collector's name."""
        return "collector"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Collects a bot message.

        `language` and `response` go on every part, `sources` on the first, and
        `contacts` and `contacts_text` on the part that is the contacts block (Rasa's
        REST channel sends each paragraph of a text as a part of its own).
        """
        every_part = {
            key: message.get(key)
            for key in ("language", "response")
            if isinstance(message.get(key), str)
        }
        sources = message.get("sources")
        contacts = {
            key: message.get(key)
            for key in ("contacts", "contacts_text")
            if isinstance(message.get(key), (list, str)) and message.get(key)
        }
        before = len(self.messages)
        await super().send_response(recipient_id, message)
        parts = self.messages[before:]
        for part in parts:
            for key, value in every_part.items():
                part.setdefault(key, value)
        if not parts:
            return
        if isinstance(sources, list) and sources:
            parts[0].setdefault("sources", sources)
        if contacts:
            # Rasa's REST channel sends a text's paragraphs as parts: the contacts block
            # (after a blank line) is its own part, and carries them.
            block = contacts.get("contacts_text")
            holder = next((p for p in parts if block and p.get("text") == block), parts[0])
            for key, value in contacts.items():
                holder.setdefault(key, value)


async def conversation_language(request: Request, incoming: IncomingMessage) -> Optional[str]:
    """Returns the language the conversation's replies are in, without changing it.

    The explicit choice (slot) wins, then the request's language hint, then the
    language of the latest clear user message; None when nothing is known.
    """
    hint = incoming.metadata.get("language")
    return await stored_conversation_language(request.app, incoming.sender, hint)


def error_response(error: BadRequest) -> HTTPResponse:
    """Returns the JSON error response of a bad request."""
    return response.json({"error": error.error}, status=error.status)


class SafeRestInput(RestInput):
    """Rasa's REST channel with input checks (see the module docstring)."""

    @classmethod
    def name(cls) -> str:
        """Returns `rest`: the URL stays `/webhooks/rest/webhook`."""
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> InputChannel:
        """Creates the channel from its `credentials.yml` section.

        Reads `reply_timeout` (seconds) and `max_body_bytes`; both are optional.
        """
        credentials = credentials or {}
        return cls(
            reply_timeout=float(credentials.get("reply_timeout", DEFAULT_REPLY_TIMEOUT)),
            max_body_bytes=int(credentials.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)),
        )

    def __init__(
        self,
        reply_timeout: float = DEFAULT_REPLY_TIMEOUT,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        """Creates the channel.

        Args:
            reply_timeout: Seconds after which a request is answered anyway.
            max_body_bytes: Largest accepted request body.
        """
        self.reply_timeout = reply_timeout
        self.max_body_bytes = max_body_bytes
        self.rate_limiter = RateLimiter.from_settings()
        self.trusted_proxies = trusted_proxies()

    def read(self, request: Request) -> IncomingMessage:
        """Checks a request and returns its message.

        Raises:
            BadRequest: for anything the channel does not accept.
        """
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            raise BadRequest(
                f"the request body is larger than {self.max_body_bytes} bytes", status=413
            )
        return IncomingMessage(parse_body(body), self.name(), max_message_chars())

    async def process(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        incoming: IncomingMessage,
        collector: CollectingOutputChannel,
    ) -> Optional[str]:
        """Lets the assistant handle a message; returns a notice if it failed.

        The handling runs as its own task: a timeout or a client that goes away
        does not cancel it halfway through a turn.
        """
        message = UserMessage(
            incoming.text,
            collector,
            incoming.sender,
            input_channel=incoming.input_channel,
            metadata=await prepare_message_metadata(incoming.text, incoming.metadata),
        )
        task = asyncio.ensure_future(on_new_message(message))
        task.add_done_callback(_log_failure)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.reply_timeout)
        except asyncio.CancelledError:
            logger.info("A REST client went away; its message is processed anyway.")
            raise
        if not done:
            logger.warning(
                f"No reply within {self.reply_timeout:.0f} s; the message is still being processed."
            )
            return "timeout"
        if task.exception() is not None:
            return "error"
        return None

    async def replies(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        incoming: IncomingMessage,
    ) -> List[Dict[str, Any]]:
        """Returns the bot messages for a checked request, the channel's notes included."""
        if incoming.blank:
            language = await conversation_language(request, incoming)
            return [await render_note(incoming.sender, "empty", language)]
        collector = LanguageCollectingOutput()
        failure = await self.process(on_new_message, incoming, collector)
        messages = list(collector.messages)
        notes = []
        if incoming.shortened:
            notes.append("shortened")
        if failure:
            notes.append(failure)
        elif not messages:
            notes.append("no_reply")
        if not notes:
            return messages
        language = next(
            (m["language"] for m in messages if isinstance(m.get("language"), str)), None
        ) or await conversation_language(request, incoming)
        rendered = [
            await render_note(incoming.sender, notice, language, incoming.limit) for notice in notes
        ]
        if incoming.shortened:
            return rendered[:1] + messages + rendered[1:]
        return messages + rendered

    async def rate_limited(
        self, request: Request, incoming: IncomingMessage
    ) -> Optional[HTTPResponse]:
        """Returns the 429 answer for a client over the rate limit, None for any other.

        One client is one sender from one address (`bot.channels.rate_limit`).
        """
        client = (incoming.sender, client_address(request, self.trusted_proxies))
        if self.rate_limiter.allow(client):
            return None
        # The answer waits until the client could send again (at most MAX_REFUSAL_DELAY):
        # answered at once, a client that sends many requests in parallel would only
        # send more of them, and the refusals would slow everyone else.
        await asyncio.sleep(min(self.rate_limiter.retry_after(client), MAX_REFUSAL_DELAY))
        note = await render_note(
            incoming.sender, "rate_limited", await conversation_language(request, incoming)
        )
        retry_after = max(1, self.rate_limiter.retry_after(client))
        return response.json([note], status=429, headers={"Retry-After": str(retry_after)})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Defines the channel's routes: `GET /` (health) and `POST /webhook`."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = self.read(request)
            except BadRequest as error:
                return error_response(error)
            refusal = await self.rate_limited(request, incoming)
            if refusal is not None:
                return refusal
            messages = await self.replies(request, on_new_message, incoming)
            if _stream_requested(request):
                return response.stream(_stream(messages), content_type="text/event-stream")
            return response.json(messages)

        return webhook


def _stream_requested(request: Request) -> bool:
    value = request.args.get("stream", "false")
    return str(value).lower() in ("true", "1", "yes")


def _stream(messages: List[Dict[str, Any]]) -> Callable[[Any], Awaitable[None]]:
    async def write(stream: Any) -> None:
        for message in messages:
            await stream.write(json.dumps(message) + "\n")

    return write


def _log_failure(task: asyncio.Future[Any]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        logger.error(
            "The assistant failed on a REST message.",
            exc_info=(type(error), error, error.__traceback__),
        )
