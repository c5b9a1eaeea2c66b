"""Faults of the action server: down, then slow, then back; the conversation goes on.

The assistant runs with its action endpoint pointing at a stand-in action server that
this test controls (nothing listening, a slow one, a working one). The topic buttons
(`/help{"topic": ...}` → `action_answer_topic`) need the action server; FAQ answers do
not.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from bot.channels.notes import NO_REPLY_TEXT, TIMEOUT_TEXT
from tools.stack import (
    rest_credentials,
    running_stack,
    send,
    stored_user_messages,
    text_of,
)

RASA_PORT = 5525
ACTIONS_PORT = 5575
REPLY_TIMEOUT = 3
SLOW_SECONDS = 6
TOPIC_BUTTON = '/help{"topic": "amif"}'
ACTION_ANSWER = "Antwort des Aktionsservers"


class StandInActionServer(BaseHTTPRequestHandler):
    """Answers `action_answer_topic` like the Rasa SDK does, after `delay` seconds."""

    delay = 0.0
    calls: List[str] = []
    answered = threading.Event()

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandInActionServer.calls.append(body["next_action"])
        time.sleep(StandInActionServer.delay)
        payload = json.dumps({"events": [], "responses": [{"text": ACTION_ANSWER}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        StandInActionServer.answered.set()

    def log_message(self, *args: object) -> None:
        """Keeps the test output quiet."""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict]:
    folder = tmp_path_factory.mktemp("faults")
    credentials = rest_credentials(folder, reply_timeout=REPLY_TIMEOUT)
    env = {"TRACKER_DB": str(folder / "conversations.db"), "RETENTION_DAYS": "0",
           "LANGUAGE_PACKS_DIR": str(folder / "no-packs")}
    with running_stack(rasa_port=RASA_PORT, actions_port=ACTIONS_PORT, extra_env=env,
                       log_dir=folder, credentials=credentials, start_actions=False) as running:
        running["tracker_db"] = Path(env["TRACKER_DB"])
        yield running


def stored_bot_messages(tracker_db: Path, sender: str) -> List[str]:
    with sqlite3.connect(tracker_db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'bot' ORDER BY id",
            (sender,)).fetchall()
    return [json.loads(data).get("text") for (data,) in rows]


def test_action_server_down_slow_and_back(stack: Dict) -> None:
    sender = f"faults-{uuid.uuid4().hex[:8]}"

    # Down: a friendly note instead of silence, and FAQ answers still work.
    down = send(stack["url"], sender, TOPIC_BUTTON)
    assert [(m.get("notice"), m.get("text")) for m in down] == [("no_reply", NO_REPLY_TEXT)]
    assert "Migrationsberatung" in text_of(send(stack["url"], sender, "Was ist die MBE?"))

    server = ThreadingHTTPServer(("127.0.0.1", ACTIONS_PORT), StandInActionServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        # Slow: the user hears after the reply timeout that it takes too long …
        StandInActionServer.delay = SLOW_SECONDS
        slow = send(stack["url"], sender, TOPIC_BUTTON)
        assert not StandInActionServer.answered.is_set()  # the action is still running
        assert [m.get("notice") for m in slow] == ["timeout"]
        assert TIMEOUT_TEXT in text_of(slow)
        # … and once the action server has answered, the conversation goes on. The late
        # answer is stored in the conversation but never shown: the request that asked
        # for it has been answered already, and the next one gets only its own reply.
        assert StandInActionServer.answered.wait(timeout=30)
        after = text_of(send(stack["url"], sender, "Was ist die MBE?"))
        assert "Migrationsberatung" in after and ACTION_ANSWER not in after
        assert ACTION_ANSWER in stored_bot_messages(stack["tracker_db"], sender)

        # Back: the action server's answer reaches the user again.
        StandInActionServer.delay = 0
        assert ACTION_ANSWER in text_of(send(stack["url"], sender, TOPIC_BUTTON))
    finally:
        server.shutdown()
        server.server_close()

    assert StandInActionServer.calls == ["action_answer_topic"] * 2
    assert stored_user_messages(stack["tracker_db"], sender) == [
        TOPIC_BUTTON, "Was ist die MBE?", TOPIC_BUTTON, "Was ist die MBE?", TOPIC_BUTTON
    ]
