"""Bad input over the socket.io channel (bot.channels.webchat) of the real stack.

socket.io has no status codes: a message-shaped event (a dict with a string `message`)
must get at least one `bot_uttered` event; a malformed event may be ignored, but the
server must stay up and the same connection must still be answered afterwards.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any, Dict, List

import pytest
import socketio

FIRST_REPLY_TIMEOUT = 30.0
"""Seconds until the first bot message must be there (a hang check, not a timing test)."""
QUIET_AFTER_TYPING = 0.3
"""Seconds to wait for late messages after `bot_typing: false`."""


class Chat:
    """A socket.io client in one persistent web chat session.

    It uses the long-polling transport: python-engineio's websocket transport needs a
    newer aiohttp than Rasa 3.6 pins (no `aiohttp.ClientWSTimeout` in 3.9).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.session_id = uuid.uuid4().hex
        # plain flags, polled: the handlers may run outside the test's event loop
        # iteration, and an asyncio.Event set from there does not wake the waiter
        self.messages: List[Dict] = []
        self.done = False
        self.confirmed = False

        @self.client.on("bot_uttered")
        async def bot_uttered(data: Any) -> None:
            self.messages.append(data)

        @self.client.on("bot_typing")
        async def bot_typing(data: Any) -> None:
            if isinstance(data, dict) and data.get("typing") is False:
                self.done = True

        @self.client.on("session_confirm")
        async def session_confirm(data: Any) -> None:
            self.confirmed = True

    async def wait_until(self, condition: Any, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    async def __aenter__(self) -> Chat:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": self.session_id})
        assert await self.wait_until(lambda: self.confirmed, 10), "no session_confirm"
        return self

    async def __aexit__(self, *exc: Any) -> None:
        # A polling client's clean disconnect waits for its pending long-poll (up to
        # the ping interval, 25 s); close without waiting and end the poll instead.
        eio = self.client.eio
        tasks = [t for t in (eio.read_loop_task, eio.write_loop_task) if t is not None]
        await eio.disconnect(abort=True)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def send_raw(self, data: Any) -> None:
        self.done = False
        await self.client.emit("user_uttered", data)

    async def replies(self, timeout: float = FIRST_REPLY_TIMEOUT) -> List[Dict]:
        """Collects the bot messages of one turn (until typing stops); [] if none came."""
        await self.wait_until(lambda: self.done, timeout)
        await asyncio.sleep(QUIET_AFTER_TYPING)
        found, self.messages = self.messages, []
        return found

    async def say(self, text: Any, **extra: Any) -> List[Dict]:
        await self.send_raw({"message": text, "session_id": self.session_id, **extra})
        return await self.replies()


TEXTS = {
    "empty": "",
    "whitespace": "  \n\t ",
    "control characters only": "\x00\x01\x1b",
    "zero-width only": "\u200b\ufeff",
    "control characters inside": "Was ist\x00 die\x07 MBE?\x1b[31m",
    "lone surrogate": "abc \ud800 Hallo",
    "emoji only": "\U0001F600\U0001F44D",
    "mixed scripts": "Hallo مرحبا Привет 你好",
    "mixed languages": "Hello, wo finde ich einen Deutschkurs please?",
    "Turkish (no pack)": "Merhaba, dil kursunu nerede bulabilirim?",
    "HTML img onerror": "<img src=x onerror=alert(1)>",
    "script tag": "<script>alert('x')</script>",
    "SQL": "'; DROP TABLE events; --",
    "payload /restart": "/restart",
    "payload bad JSON": "/help{bad json",
    "payload unknown intent": "/unknown_intent",
    "4,000 chars": "Hallo " * 666,
}

LONG_TEXTS = {
    "10,000+ chars": "Wo finde ich einen Deutschkurs? " * 320,
    "100,000 chars": "a" * 100_000,
}

SESSION = "<session>"
"""Replaced by the chat's own session id."""

MALFORMED = {
    "string event": "Hallo",
    "number event": 5,
    "null event": None,
    "list event": ["Hallo"],
    "number message": {"message": 5, "session_id": SESSION},
    "null message": {"message": None, "session_id": SESSION},
    "dict message": {"message": {"text": "Hallo"}, "session_id": SESSION},
    "no message": {"session_id": SESSION},
    "no session id": {"message": "Hallo"},
    "bad session id": {"message": "Hallo", "session_id": "../\x00"},
    "metadata junk": {"message": "Hallo", "session_id": SESSION, "customData": "{not json"},
    "metadata list": {"message": "Hallo", "session_id": SESSION, "customData": [1, 2]},
}


@pytest.fixture
def url(stack) -> str:
    return stack["url"]


EMPTY = {"", "  \n\t ", "\x00\x01\x1b", "\u200b\ufeff"}


@pytest.mark.parametrize("text", list(TEXTS.values()), ids=list(TEXTS))
async def test_message_gets_a_reply(url, stack, text):
    async with Chat(url) as chat:
        replies = await chat.say(text)
    assert replies, "no bot message"
    for reply in replies:
        assert reply.get("text") or reply.get("buttons"), reply
        assert "onerror" not in reply.get("text", "") and "<script" not in reply.get("text", "")
        assert reply.get("notice") not in ("error", "timeout"), reply
    if text in EMPTY:
        assert [reply.get("notice") for reply in replies] == ["empty"]
    assert stack["rasa"].poll() is None


@pytest.mark.parametrize("text", list(LONG_TEXTS.values()), ids=list(LONG_TEXTS))
async def test_long_message_is_cut_and_answered(url, stack, text):
    async with Chat(url) as chat:
        replies = await chat.say(text)
    assert replies and replies[0].get("notice") == "shortened", replies
    assert len(replies) >= 2, "the shortened message got no answer of its own"
    assert stack["rasa"].poll() is None


@pytest.mark.parametrize("data", list(MALFORMED.values()), ids=list(MALFORMED))
async def test_malformed_event_does_not_break_the_connection(url, stack, data):
    async with Chat(url) as chat:
        if isinstance(data, dict) and data.get("session_id") == SESSION:
            data = {**data, "session_id": chat.session_id}
        await chat.send_raw(data)
        await chat.replies(timeout=3)  # a reply or nothing; it must not break anything
        assert stack["rasa"].poll() is None
        replies = await chat.say("Was ist die MBE?")
    assert "Migrationsberatung" in " ".join(r.get("text", "") for r in replies)


async def test_conversation_survives_bad_input_in_the_same_session(url):
    async with Chat(url) as chat:
        assert await chat.say('/choose_language{"language": "en"}')
        for text in ["", "\x00", "<script>alert(1)</script>", "/help{bad json", "a" * 4000]:
            await chat.say(text)
        replies = await chat.say("Was ist die MBE?")
    assert replies and replies[0].get("language") == "en", replies
