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
  response, by `bot.nlg.GuidanceNLG`: in the conversation's language when a pack for it
  is installed, otherwise in German with a short English note.
* If the assistant fails on a message the reply is `ERROR_TEXT` (status 200: the
  request was fine); if it takes longer than `reply_timeout` seconds the request is
  answered with what is there plus `TIMEOUT_TEXT`, and the message is still processed
  to its end in the background (so the conversation stays consistent). A client that
  disconnects does not cancel the processing of its message either.
* Each bot message also carries `language` (ISO 639-1 code of its text) when the
  NLG sets it; the channel's own notes carry `notice` (`empty`, `shortened`, `error`,
  `timeout`, `no_reply`), so that clients can tell them apart in any language.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import settings
from bot.reply_language import stored_conversation_language

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 2000
"""Used when the `MAX_MESSAGE_CHARS` setting is missing or not a positive number."""

MAX_SENDER_CHARS = 128
"""Longest accepted sender id (conversation id)."""

MAX_METADATA_DEPTH = 16
"""Deepest accepted nesting of `metadata`."""

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""Largest accepted request body; larger ones get 413 (Sanic's own limit is 100 MB)."""

DEFAULT_REPLY_TIMEOUT = 30.0
"""Seconds after which a request is answered even if the assistant is not done."""

EMPTY_MESSAGE_TEXT = "Ihre Nachricht ist leer. Bitte schreiben Sie Ihre Frage."
"""The answer to an empty or whitespace-only message."""

SHORTENED_MESSAGE_TEXT = (
    "Ihre Nachricht war sehr lang. Ich habe nur die ersten {limit} Zeichen gelesen. "
    "Bitte stellen Sie Ihre Frage kurz."
)
"""Sent before the reply to a message that was cut to the maximum length."""

ERROR_TEXT = (
    "Entschuldigung, gerade ist ein technischer Fehler aufgetreten. "
    "Bitte versuchen Sie es gleich noch einmal."
)
"""Sent when the assistant fails on a message."""

TIMEOUT_TEXT = (
    "Entschuldigung, die Antwort dauert gerade zu lange. Bitte versuchen Sie es gleich noch einmal."
)
"""Sent when the assistant is not done within the reply timeout."""

NO_REPLY_TEXT = (
    "Darauf habe ich gerade keine Antwort. Bitte versuchen Sie es gleich noch einmal "
    "oder schreiben Sie „Hilfe“."
)
"""Sent when the assistant had nothing to say: after a bare `/restart` payload, or when
an action failed (e.g. the action server is down)."""

NOTES = {
    "empty": EMPTY_MESSAGE_TEXT,
    "shortened": SHORTENED_MESSAGE_TEXT,
    "error": ERROR_TEXT,
    "timeout": TIMEOUT_TEXT,
    "no_reply": NO_REPLY_TEXT,
}
"""The channel's own notes by the `notice` key their messages carry."""

_INPUT_CHANNEL = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Control characters (C0, DEL, C1) except tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Categories a sender id must not contain: control, format, surrogate, private use,
# unassigned, line and paragraph separators.
_BAD_SENDER_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class BadRequest(ValueError):
    """The request cannot be processed; the message is the client's error text."""

    def __init__(self, error: str, status: int = 400) -> None:
        """Creates the error.

        Args:
            error: What is wrong, for the client.
            status: The HTTP status (4xx).
        """
        super().__init__(error)
        self.error = error
        self.status = status


def max_message_chars() -> int:
    """Returns the `MAX_MESSAGE_CHARS` setting, or the default for a bad value."""
    try:
        value = int(settings.get("MAX_MESSAGE_CHARS"))
    except (KeyError, ValueError):
        return DEFAULT_MAX_MESSAGE_CHARS
    return value if value > 0 else DEFAULT_MAX_MESSAGE_CHARS


def replace_surrogates(text: str) -> str:
    """Replaces unpaired surrogates (valid in JSON, not encodable) with U+FFFD."""
    return _SURROGATES.sub("\ufffd", text)


def clean_text(text: str) -> str:
    """Returns a user message without control characters (newline and tab stay), in NFC.

    Carriage returns become newlines, unpaired surrogates become U+FFFD.
    """
    text = replace_surrogates(text).replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def is_blank(text: str) -> bool:
    """Tells whether a text has nothing visible: only whitespace and format characters."""
    return all(char.isspace() or unicodedata.category(char) == "Cf" for char in text)


def shorten(text: str, limit: int) -> Tuple[str, bool]:
    """Cuts a text to at most `limit` characters, at a word boundary close to it.

    Returns:
        The text, and whether it was cut.
    """
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    boundary = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
    if boundary >= limit * 0.9:
        cut = cut[:boundary]
    return cut.rstrip(), True


def prepare_text(message: str, limit: int) -> Tuple[str, bool]:
    """Cleans a user's text (control characters, surrounding space) and cuts it to `limit`.

    Both channels, REST and the web chat, take user text through here.

    Returns:
        The text, and whether it was cut.
    """
    return shorten(clean_text(message).strip(), limit)


def normalise_language(value: Any) -> Optional[str]:
    """Returns a language code as lower-case ISO 639 code ("ar" from "ar-SY"), or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if _LANGUAGE.match(code) else None


def check_sender(value: Any) -> str:
    """Returns a valid sender id.

    Raises:
        BadRequest: for a missing, empty, too long or non-string id, or one with
            control or invisible characters.
    """
    if value is None:
        raise BadRequest("'sender' is required: a string that identifies the conversation")
    if not isinstance(value, str):
        raise BadRequest("'sender' must be a string")
    if not value.strip():
        raise BadRequest("'sender' must not be empty")
    if len(value) > MAX_SENDER_CHARS:
        raise BadRequest(f"'sender' must be at most {MAX_SENDER_CHARS} characters long")
    if any(unicodedata.category(char) in _BAD_SENDER_CATEGORIES for char in value):
        raise BadRequest("'sender' must not contain control or invisible characters")
    return value


def _clean_metadata(value: Any, depth: int = 0) -> Any:
    if depth > MAX_METADATA_DEPTH:
        raise BadRequest(f"'metadata' must not be nested deeper than {MAX_METADATA_DEPTH}")
    if isinstance(value, str):
        return replace_surrogates(value)
    if isinstance(value, list):
        return [_clean_metadata(item, depth + 1) for item in value]
    if isinstance(value, dict):
        return {
            replace_surrogates(key): _clean_metadata(item, depth + 1) for key, item in value.items()
        }
    return value


def check_metadata(value: Any) -> Dict[str, Any]:
    """Returns the request's metadata, cleaned; a `language` hint is normalised.

    Raises:
        BadRequest: for metadata that is not an object or nested too deeply.
    """
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest("'metadata' must be a JSON object")
    metadata = _clean_metadata(value)
    if "language" in metadata:
        language = normalise_language(metadata.pop("language"))
        if language:
            metadata["language"] = language
    return metadata


def parse_body(body: bytes) -> Dict[str, Any]:
    """Decodes a request body (invalid UTF-8 replaced) into a JSON object.

    Raises:
        BadRequest: for an empty body, invalid JSON or JSON that is not an object.
    """
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
    if not text.strip():
        raise BadRequest("the request body is empty; send a JSON object")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise BadRequest("the request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


class IncomingMessage:
    """A checked request: who sends what, and what the channel noticed about it.

    Attributes:
        sender: The sender id (conversation id).
        text: The cleaned message, cut to the maximum length.
        metadata: The cleaned metadata.
        input_channel: The channel name stored with the message.
        blank: Whether the message had nothing in it.
        shortened: Whether the message was cut.
        limit: The maximum length it was checked against.
    """

    def __init__(self, data: Dict[str, Any], default_channel: str, limit: int) -> None:
        """Checks and cleans a request body.

        Raises:
            BadRequest: for anything the channel does not accept.
        """
        self.sender = check_sender(data.get("sender"))
        message = data.get("message")
        if message is None:
            raise BadRequest("'message' is required: a string with the user's text")
        if not isinstance(message, str):
            raise BadRequest("'message' must be a string")
        self.metadata = check_metadata(data.get("metadata"))
        input_channel = data.get("input_channel")
        if input_channel is None:
            input_channel = default_channel
        elif not isinstance(input_channel, str) or not _INPUT_CHANNEL.match(input_channel):
            raise BadRequest("'input_channel' must be a short name (letters, digits, _ . -)")
        self.input_channel = input_channel
        self.limit = limit
        self.text, self.shortened = prepare_text(message, limit)
        self.blank = is_blank(self.text)


class LanguageCollectingOutput(CollectingOutputChannel):
    """Collects the bot messages like Rasa's REST channel and keeps their `language`."""

    @classmethod
    def name(cls) -> str:
        """Returns the collector's name."""
        return "collector"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Collects a bot message; its parts carry the message's `language`."""
        language = message.get("language")
        before = len(self.messages)
        await super().send_response(recipient_id, message)
        if isinstance(language, str):
            for part in self.messages[before:]:
                part.setdefault("language", language)


_renderer = None


def _render(text: str, language: Optional[str]) -> Dict[str, Any]:
    global _renderer
    if _renderer is None:
        from bot.nlg import GuidanceNLG

        _renderer = GuidanceNLG()
    return _renderer.render({"text": text}, [], language)


async def render_note(
    recipient_id: str, notice: str, language: Optional[str], limit: int = 0
) -> Dict[str, Any]:
    """Returns a note of the channel as a REST bot message, in the given language.

    Translated like every response (bot.nlg); plain German if rendering fails.

    Args:
        recipient_id: The sender id the note goes to.
        notice: Which note (a key of `NOTES`); the message carries it as `notice`.
        language: The language to render it in; the bot language when None.
        limit: The maximum message length (for the `shortened` note).
    """
    text = NOTES[notice].format(limit=limit)
    try:
        message = await asyncio.get_running_loop().run_in_executor(None, _render, text, language)
    except Exception:  # noqa: BLE001 - a note must go out in any case
        logger.exception("Could not render a note of the REST channel.")
        message = {"text": text, "language": settings.get("BOT_LANGUAGE")}
    result = {"recipient_id": recipient_id, "text": message.get("text") or text, "notice": notice}
    if message.get("language"):
        result["language"] = message["language"]
    return result


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
            metadata=incoming.metadata,
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
