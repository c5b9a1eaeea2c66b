"""What both channels, REST and the web chat, do with a user's input before Rasa sees it.

* A request body is decoded (invalid UTF-8 replaced) and must be a JSON object.
* The message is cleaned: control characters other than newline and tab are removed
  (carriage returns become newlines), unpaired surrogates (JSON can escape them)
  become U+FFFD, the text is put in Unicode NFC form, and leading and trailing
  whitespace goes.
* A message longer than the `MAX_MESSAGE_CHARS` setting (characters after cleaning) is
  cut to that length, at a word boundary close to it when there is one.
* The sender id must be a short string without control or invisible characters;
  `metadata` must be an object nested at most `MAX_METADATA_DEPTH` deep, and its
  `language` hint is normalised to an ISO 639 code.

Anything else is a `BadRequest`, which the REST channel answers with a 4xx and the web
chat ignores.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, Dict, Optional, Tuple

from bot import settings

DEFAULT_MAX_MESSAGE_CHARS = 2000
"""Used when the `MAX_MESSAGE_CHARS` setting is missing or not a positive number."""

MAX_SENDER_CHARS = 128
"""Longest accepted sender id (conversation id)."""

MAX_METADATA_DEPTH = 16
"""Deepest accepted nesting of `metadata`."""

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
