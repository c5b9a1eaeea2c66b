"""Bad input over the socket.io channel (bot.channels.webchat) of the real stack.

socket.io has no status codes: a message-shaped event (a dict with a string `message`)
must get at least one `bot_uttered` event, and where a real answer is expected it must
be one (not the channel's `no_reply`, `error` or `timeout` note); a malformed event may
be ignored, but the server must stay up and the same connection must still be answered
afterwards.
"""

from __future__ import annotations

from typing import Dict, List

import pytest

from tools.webchat_client import Chat

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
    "payload /back": "/back",
    "payload bad JSON": "/help{bad json",
    "payload unknown intent": "/unknown_intent",
    "4,000 chars": "Hallo " * 666,
}

LONG_TEXTS = {
    "10,000+ chars": "Wo finde ich einen Deutschkurs? " * 320,
    "100,000 chars": "a" * 100_000,
}

SESSION = "<session>"
"""Replaced by the chat's own session id (the channel ignores ids in messages)."""

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

NO_ANSWER_EXPECTED: set = set()
"""Payloads the assistant itself says nothing to (the channel's `no_reply` note is then
the answer). None in this corpus: `/back` and `/restart` get `utter_back` and
`utter_restart`."""

FAILURES = ("no_reply", "error", "timeout")


def assert_answered(replies: List[Dict], expected: str = "a real answer") -> None:
    """At least one bot message, and not one of the channel's failure notes."""
    assert replies, "no bot message"
    notices = [reply.get("notice") for reply in replies]
    assert not set(notices) & set(FAILURES), f"{expected} expected, got {replies}"


@pytest.mark.parametrize("text", list(TEXTS.values()), ids=list(TEXTS))
async def test_message_gets_a_reply(url, stack, text):
    async with Chat(url) as chat:
        replies = await chat.say(text)
    assert replies, "no bot message"
    for reply in replies:
        assert reply.get("text") or reply.get("buttons"), reply
        assert "onerror" not in reply.get("text", "") and "<script" not in reply.get("text", "")
    notices = [reply.get("notice") for reply in replies]
    if text in EMPTY:
        assert notices == ["empty"]
    elif text in NO_ANSWER_EXPECTED:
        assert notices == ["no_reply"], replies
    else:
        assert_answered(replies)
    assert stack["rasa"].poll() is None


async def test_back_in_the_middle_of_a_conversation_goes_on(url):
    async with Chat(url) as chat:
        assert "Hallo" in " ".join(r.get("text", "") for r in await chat.say("Hallo"))
        assert_answered(await chat.say("Was ist die MBE?"))
        assert_answered(await chat.say("/back"))
        replies = await chat.say("Wo finde ich einen Deutschkurs?")
    assert_answered(replies)
    assert "WebGis" in " ".join(r.get("text", "") for r in replies), replies


@pytest.mark.parametrize("text", list(LONG_TEXTS.values()), ids=list(LONG_TEXTS))
async def test_long_message_is_cut_and_answered(url, stack, text):
    async with Chat(url) as chat:
        replies = await chat.say(text)
    assert replies and replies[0].get("notice") == "shortened", replies
    assert len(replies) >= 2, "the shortened message got no answer of its own"
    assert_answered(replies[1:])
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
    assert_answered(replies)
    assert "Migrationsberatung" in " ".join(r.get("text", "") for r in replies)


async def test_conversation_survives_bad_input_in_the_same_session(url):
    async with Chat(url) as chat:
        assert_answered(await chat.say('/choose_language{"language": "en"}'))
        for text in ["", "\x00", "<script>alert(1)</script>", "/help{bad json", "a" * 4000]:
            assert await chat.say(text), f"no reply to {text!r:.40}"
        replies = await chat.say("Was ist die MBE?")
    assert_answered(replies)
    assert replies[0].get("language") == "en", replies
