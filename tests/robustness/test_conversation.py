"""Conversations over REST against the real stack: `/back`, and personal data."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Dict, List

import yaml

from bot.paths import PROJECT_ROOT
from bot.storage.redaction import BIRTH_DATE, PHONE
from tools.stack import send, stored_user_messages, text_of

RESPONSES = yaml.safe_load((PROJECT_ROOT / "domain" / "responses.yml").read_text())["responses"]


def event_types(tracker_db, sender: str) -> List[str]:
    with sqlite3.connect(tracker_db) as connection:
        return [name for (name,) in connection.execute(
            "SELECT type_name FROM events WHERE sender_id = ? ORDER BY id", (sender,))]


def test_back_in_the_middle_of_a_conversation_and_it_goes_on(stack: Dict) -> None:
    sender = f"back-{uuid.uuid4().hex[:8]}"

    def say(text: str) -> List[Dict]:
        return send(stack["url"], sender, text)

    assert "Hallo!" in text_of(say("Hallo"))
    assert "Migrationsberatung" in text_of(say("Was ist die MBE?"))
    back = say("/back")
    thanks = say("Danke")

    assert [m.get("text") for m in back] == [RESPONSES["utter_back"][0]["text"]]
    assert [m.get("text") for m in thanks] == [RESPONSES["utter_thank"][0]["text"]]
    # the same conversation went on: no new session after the reverted turns
    assert event_types(stack["tracker_db"], sender).count("session_started") == 1


def test_back_undoes_only_the_last_turn(stack: Dict) -> None:
    """The language chosen in the turn before the undone one stays chosen."""
    sender = f"back-{uuid.uuid4().hex[:8]}"
    chosen = send(stack["url"], sender, '/choose_language{"language": "en"}')
    assert chosen[0]["language"] == "en"
    send(stack["url"], sender, "Was ist die MBE?")
    send(stack["url"], sender, "/back")

    thanks = send(stack["url"], sender, "Danke")

    assert [m["language"] for m in thanks] == ["en"]


def test_personal_data_is_understood_but_not_stored(stack: Dict) -> None:
    sender = f"personal-{uuid.uuid4().hex[:8]}"
    message = ("Ich bin am 01.02.1990 geboren, Tel. 0711 123456. "
               "Wo finde ich einen Deutschkurs?")

    reply = send(stack["url"], sender, message)

    assert "WebGis" in text_of(reply)  # the turn's NLU saw the whole question
    stored = stored_user_messages(stack["tracker_db"], sender)
    assert stored == [f"Ich bin am {BIRTH_DATE} geboren, Tel. {PHONE}. "
                      "Wo finde ich einen Deutschkurs?"]
    with sqlite3.connect(stack["tracker_db"]) as connection:
        rows = [json.loads(data) for (data,) in connection.execute(
            "SELECT data FROM events WHERE sender_id = ?", (sender,))]
    everything = json.dumps(rows, ensure_ascii=False)
    assert "0711 123456" not in everything and "01.02.1990" not in everything
