"""A flood from one client gets a polite note; other conversations are answered meanwhile.

The stack runs with the default limit (`RATE_LIMIT_BURST` 20, `RATE_LIMIT_PER_MINUTE`
30). The flooding client sends 60 messages at once; the first 20 are processed, the
rest get the `rate_limited` note (REST: each with status 429 and `Retry-After`; web chat:
one note per flood, and a connection that keeps flooding is closed). Another client asks
a question during the flood and must get its real answer. (How much a flood slows others
is measured by tools/bench_flood.py, not asserted here.)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Tuple

from bot.channels.notes import RATE_LIMITED_TEXT
from bot.settings import SETTINGS
from tools.stack import send, text_of
from tools.webchat_client import Chat

BURST = int(next(s.default for s in SETTINGS if s.name == "RATE_LIMIT_BURST"))
FLOOD = 60


def post(url: str, sender: str, text: str) -> Tuple[int, Dict[str, str], List[Dict]]:
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_rest_flood_gets_429_with_the_note_and_others_are_answered(stack) -> None:
    url = stack["url"]
    flooder = f"flood-{uuid.uuid4().hex}"
    with ThreadPoolExecutor(max_workers=12) as pool:
        flood = [pool.submit(post, url, flooder, f"Hallo {i}") for i in range(FLOOD)]
        answer = send(url, f"other-{uuid.uuid4().hex}", "Was ist die MBE?")
        results = [future.result() for future in flood]

    assert "Migrationsberatung" in text_of(answer), answer
    assert not any(reply.get("notice") for reply in answer), answer
    statuses = [status for status, _, _ in results]
    assert statuses.count(200) >= BURST, statuses  # the burst passes (and what refilled)
    refused = [(headers, body) for status, headers, body in results if status == 429]
    # while the burst is processed the bucket refills a little (30 a minute)
    assert len(refused) >= (FLOOD - BURST) // 2, statuses
    for headers, body in refused:
        assert [m.get("notice") for m in body] == ["rate_limited"], body
        assert body[0]["text"] == RATE_LIMITED_TEXT and body[0]["language"] == "de"
        assert int(headers["Retry-After"]) >= 1


def test_rest_note_comes_in_the_conversations_language(stack) -> None:
    url = stack["url"]
    sender = f"flood-en-{uuid.uuid4().hex}"
    assert send(url, sender, '/choose_language{"language": "en"}')[0]["language"] == "en"
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda i: post(url, sender, "Hello"), range(FLOOD)))
    notes = [body[0] for status, _, body in results if status == 429]
    assert notes and all(note["language"] == "en" for note in notes), notes[:1]


async def test_webchat_flood_gets_one_note_and_others_are_answered(stack) -> None:
    url = stack["url"]
    async with Chat(url) as flood, Chat(url) as other:
        await flood.flood([f"Hallo {index}" for index in range(BURST + 10)])
        replies = await other.say("Was ist die MBE?")
        assert "Migrationsberatung" in text_of(replies), replies
        assert not any(reply.get("notice") for reply in replies), replies

        def noted() -> List[Dict]:
            return [m for m in flood.messages if m.get("notice") == "rate_limited"]

        assert await Chat.wait_until(lambda: bool(noted()), 60), "no rate_limited note"
        # the accepted part of the flood is answered; the rest is refused quietly
        assert await Chat.wait_until(
            lambda: sum(1 for m in flood.messages if not m.get("notice")) >= BURST, 120
        )
        assert len(noted()) == 1, "one note per flood, not one per message"
        assert noted()[0]["text"] == RATE_LIMITED_TEXT
        assert flood.client.connected


async def test_webchat_connection_that_keeps_flooding_is_closed(stack) -> None:
    url = stack["url"]
    async with Chat(url) as flood, Chat(url) as other:
        try:
            await flood.flood([f"Hallo {index}" for index in range(4 * BURST)])
        except Exception:  # noqa: BLE001 - sending fails once the server closed it
            pass
        assert await Chat.wait_until(lambda: not flood.client.connected, 60), "still open"
        replies = await other.say("Was ist die MBE?")
        assert "Migrationsberatung" in text_of(replies), replies
