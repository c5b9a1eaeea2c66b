"""A socket.io client of the web chat channel (bot.channels.webchat): stack tests, benchmarks.

It speaks the widget's protocol: `session_request` with the token it was given (or
whatever a test wants to present), `session_confirm` with the server's session, then
`user_uttered` messages and their `bot_uttered` replies until `bot_typing: false`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable, Dict, List, Optional

import socketio
from engineio import payload

# A polling client gets everything the server queued for it in one response, and
# python-engineio refuses to decode more than 16 packets in one (the browser's client
# has no such limit). A refused flood is answered with one `bot_typing` event per
# message, so this test client must read more at once.
payload.Payload.max_decode_packets = 1024

FIRST_REPLY_TIMEOUT = 30.0
"""Seconds until the first bot message must be there (a hang check, not a timing test)."""


class Chat:
    """A socket.io client in one persistent web chat session.

    It uses the long-polling transport: python-engineio's websocket transport needs a
    newer aiohttp than Rasa 3.6 pins (no `aiohttp.ClientWSTimeout` in 3.9).

    Attributes:
        session_id: The session the server bound this connection to.
        token: The token the server gave for it.
        messages: `bot_uttered` events not collected by `replies` yet.
        confirmations: Every `session_confirm` received, in order.
    """

    def __init__(self, url: str, request: Optional[Dict[str, Any]] = None) -> None:
        """Creates the client.

        Args:
            url: The Rasa server.
            request: The `session_request` sent on connecting; `{}` (a new session)
                when None.
        """
        self.url = url
        self.request = request or {}
        self.client = socketio.AsyncClient(reconnection=False)
        self.session_id: Optional[str] = None
        self.token: Optional[str] = None
        # plain lists and flags, polled: the handlers may run outside the test's event
        # loop iteration, and an asyncio.Event set from there does not wake the waiter
        self.messages: List[Dict] = []
        self.confirmations: List[Dict] = []
        self.typing_events = 0
        self.done = False

        @self.client.on("bot_uttered")
        async def bot_uttered(data: Any) -> None:
            self.messages.append(data)

        @self.client.on("bot_typing")
        async def bot_typing(data: Any) -> None:
            self.typing_events += 1
            if isinstance(data, dict) and data.get("typing") is False:
                self.done = True

        @self.client.on("session_confirm")
        async def session_confirm(data: Any) -> None:
            self.confirmations.append(data)
            self.session_id = data["session_id"]
            self.token = data["session_token"]

    @staticmethod
    async def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
        """Polls a condition; returns whether it held within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True

    async def __aenter__(self) -> Chat:
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.request_session(self.request)
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

    async def request_session(self, request: Any) -> Dict:
        """Sends a `session_request` and returns the server's `session_confirm`."""
        before = len(self.confirmations)
        await self.client.emit("session_request", request)
        assert await self.wait_until(lambda: len(self.confirmations) > before, 30), (
            "no session_confirm"
        )
        return self.confirmations[-1]

    async def flood(self, messages: List[str], batch: int = 8) -> None:
        """Sends messages as fast as the transport takes them, without waiting for replies.

        A polling client puts everything queued into one request, and engine.io refuses
        a request of more than 16 packets; so at most `batch` go into each.
        """
        for start in range(0, len(messages), batch):
            for text in messages[start : start + batch]:
                await self.client.emit("user_uttered", {"message": text})
            assert await self.wait_until(self.client.eio.queue.empty, 30), "not sent"

    async def send_raw(self, data: Any) -> None:
        """Sends any `user_uttered` event."""
        self.done = False
        await self.client.emit("user_uttered", data)

    async def replies(self, timeout: float = FIRST_REPLY_TIMEOUT) -> List[Dict]:
        """Collects the bot messages of one turn; [] if none came within `timeout`.

        The channel sends `bot_typing: false` after the turn's last message, on the
        same connection, so everything of the turn is there when it arrives.
        """
        await self.wait_until(lambda: self.done, timeout)
        found, self.messages = self.messages, []
        return found

    async def say(self, text: Any, **extra: Any) -> List[Dict]:
        """Sends a message and returns the bot messages of its turn."""
        await self.send_raw({"message": text, **extra})
        return await self.replies()

