"""No web chat client can read or write another's conversation, whatever it presents.

Two socket.io clients against the real stack: the owner has a conversation (English
chosen, one question); an intruder connects presenting the owner's session id, a forged
token, a token for another id, a token of another installation, and writes messages
naming the owner's session. Each time the intruder must get a new conversation of its
own (German: it knows nothing of the owner's choice), must receive none of the owner's
replies, and nothing it sends may be stored in the owner's conversation. The rightful
client, presenting its token, continues its conversation after a reconnect; deleting
it removes its events from the database.
"""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from bot.channels.session import SessionIssuer
from tools.stack import text_of
from tools.webchat_client import Chat


@pytest.fixture
def url(stack) -> str:
    return stack["url"]


def stored_events(database: Path, sender_id: str) -> List[Tuple[str, str]]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)
        ).fetchall()


async def owner_conversation(url: str) -> Chat:
    """Connects the owner and has the conversation the intruder must not reach."""
    owner = await Chat(url).__aenter__()
    chosen = await owner.say('/choose_language{"language": "en"}')
    assert chosen and chosen[0].get("language") == "en", chosen
    answer = await owner.say("Was ist die MBE?")
    assert answer and answer[0].get("language") == "en", answer
    return owner


def forged_tokens(owner: Chat, other: Chat) -> Dict[str, Dict[str, Any]]:
    """What an intruder may present in its `session_request`."""
    other_signature = other.token.rsplit(".", 1)[1]
    return {
        "the owner's session id": {"session_id": owner.session_id},
        "the owner's session id as token": {"session_token": owner.session_id},
        "a random signature": {"session_token": f"{owner.session_id}.{secrets.token_urlsafe(32)}"},
        "another session's signature": {"session_token": f"{owner.session_id}.{other_signature}"},
        "a token for another id, with the owner's id": {
            "session_token": other.token,
            "session_id": owner.session_id,
        },
        "a token of another installation": {
            "session_token": SessionIssuer("another installation's secret").token_for(
                owner.session_id
            )
        },
    }


async def test_nothing_an_intruder_presents_opens_anothers_conversation(url, stack) -> None:
    database = stack["tracker_db"]
    owner = await owner_conversation(url)
    try:
        async with Chat(url) as other:  # a client with a valid token of its own
            attempts = forged_tokens(owner, other)
            other_id = other.session_id
        stored = stored_events(database, owner.session_id)
        assert [kind for kind, _ in stored].count("user") == 2, stored

        for name, request in attempts.items():
            async with Chat(url, request) as intruder:
                # a new conversation: neither the owner's nor (for another's token) the other
                assert intruder.session_id != owner.session_id, name
                if "another id" in name:
                    assert intruder.session_id == other_id, name
                # writing with the owner's id in the message goes into its own conversation
                replies = await intruder.say("Was ist die MBE?", session_id=owner.session_id)
                assert "Migrationsberatung" in text_of(replies), (name, replies)
                assert replies[0].get("language") == "de", f"{name}: it knows the owner's choice"
                # the owner speaks; the intruder receives nothing of it
                before = intruder.typing_events
                owner_reply = await owner.say("Wo finde ich einen Deutschkurs?")
                assert owner_reply[0].get("language") == "en"
                # a round trip of the intruder's own: anything sent to it earlier is here now
                replies = await intruder.say("Hallo")
                assert replies and "WebGis" not in text_of(replies), (name, replies)
                assert intruder.typing_events - before == 2, f"{name}: it saw the owner typing"

            # nothing the intruder sent is in the owner's conversation
            owner_events = stored_events(database, owner.session_id)
            assert owner_events[: len(stored)] == stored, name
            added = [data for kind, data in owner_events[len(stored):] if kind == "user"]
            assert added and all("Deutschkurs" in data for data in added), (name, added)
            stored = owner_events
    finally:
        await owner.__aexit__(None, None, None)


async def test_messages_go_only_into_the_sockets_own_session(url, stack) -> None:
    owner = await owner_conversation(url)
    try:
        async with Chat(url) as intruder:
            before = stored_events(stack["tracker_db"], owner.session_id)
            for payload in (
                {"message": "Hallo", "session_id": owner.session_id},
                {"message": "Hallo", "session_id": owner.session_id, "sender": owner.session_id},
                {"message": "Hallo", "customData": {"session_id": owner.session_id}},
            ):
                await intruder.send_raw(payload)
                assert await intruder.replies()
            assert stored_events(stack["tracker_db"], owner.session_id) == before
            assert owner.messages == [], "the owner received the intruder's replies"
    finally:
        await owner.__aexit__(None, None, None)


async def test_a_message_before_any_session_request_gets_a_new_session(url, stack) -> None:
    owner = await owner_conversation(url)
    try:
        chat = Chat(url)
        await chat.client.connect(url, socketio_path="/socket.io", transports=["polling"])
        try:
            replies = await chat.say("Hallo", session_id=owner.session_id)
            assert replies and chat.session_id and chat.session_id != owner.session_id
            assert chat.token and replies[0].get("language") == "de"
        finally:
            await chat.__aexit__(None, None, None)
    finally:
        await owner.__aexit__(None, None, None)


async def test_the_rightful_client_continues_after_a_reconnect(url) -> None:
    owner = await owner_conversation(url)
    session_id, token = owner.session_id, owner.token
    await owner.__aexit__(None, None, None)

    async with Chat(url, {"session_token": token}) as again:
        assert (again.session_id, again.token) == (session_id, token)
        replies = await again.say("Wo finde ich einen Deutschkurs?")
    assert replies[0].get("language") == "en", "the conversation did not continue"
    # two tabs of one browser share the token, and both get the replies
    async with Chat(url, {"session_token": token}) as first:
        async with Chat(url, {"session_token": token}) as second:
            replies = await first.say("Was ist die MBE?")
            assert await Chat.wait_until(lambda: second.done, 30)
            assert [m["id"] for m in second.messages] == [m["id"] for m in replies]


async def test_deleting_removes_the_conversation_from_the_server(url, stack) -> None:
    database = stack["tracker_db"]
    owner = await owner_conversation(url)
    try:
        old_id, old_token = owner.session_id, owner.token
        # an intruder that knows only the id cannot delete it
        async with Chat(url, {"forget_token": old_id}) as intruder:
            assert intruder.confirmations[-1]["forgotten"] is True  # nothing of its own
        assert stored_events(database, old_id)

        confirm = await owner.request_session({"forget_token": old_token})
        assert confirm["forgotten"] is True
        assert owner.session_id != old_id
        assert stored_events(database, old_id) == []
        # the new conversation starts from nothing: German again
        replies = await owner.say("Was ist die MBE?")
        assert replies[0].get("language") == "de"
        # the old token opens nothing of what was deleted
        async with Chat(url, {"session_token": old_token}) as old:
            replies = await old.say("Was ist die MBE?")
        assert replies[0].get("language") == "de"
    finally:
        await owner.__aexit__(None, None, None)
