"""The web chat channel without a browser: what one bot message becomes on the wire."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest
from rasa.core.actions.action import create_bot_utterance

from bot.channels.webchat import (
    WebChatInput,
    WebChatOutput,
    bot_message_payload,
    join_session_room,
    normalise_language,
    same_host_origin,
)

SOURCE = {
    "title": "Integration gelingt nur gemeinsam",
    "publisher": "Bundesamt für Migration und Flüchtlinge",
    "date": "10.07.2018",
    "url": None,
}


class FakeSio:
    def __init__(self) -> None:
        self.emitted: List[Tuple[str, Any, Dict[str, Any]]] = []

    async def emit(self, event: str, data: Any = None, **kwargs: Any) -> None:
        self.emitted.append((event, data, kwargs))


def nlg_message(**extra: Any) -> Dict[str, Any]:
    """A message as bot/rendering/nlg.py renders it: text, buttons and extra keys."""
    return {
        "text": "Erster Absatz.\n\nZweiter Absatz.\nQuelle: „Integration gelingt nur gemeinsam“",
        "buttons": [{"title": "Was ist die MBE?", "payload": '/help{"topic":"mbe_was_ist"}'}],
        "sources": [dict(SOURCE)],
        **extra,
    }


async def send_through_rasa(message: Dict[str, Any]) -> List[Tuple[str, Any, Dict[str, Any]]]:
    """Sends an NLG message the way Rasa does: BotUttered event, then send_response."""
    sio = FakeSio()
    output = WebChatOutput(sio, "bot_uttered")
    event = create_bot_utterance(dict(message))
    await output.send_response("session-1234", event.message())
    return sio.emitted


async def test_one_event_per_message_with_language_and_sources() -> None:
    emitted = await send_through_rasa(nlg_message(language="ar"))
    assert len(emitted) == 1
    event, data, kwargs = emitted[0]
    assert event == "bot_uttered"
    assert kwargs["room"] == "session-1234"
    assert data["text"].startswith("Erster Absatz.\n\nZweiter Absatz.")  # not split
    assert data["buttons"] == [
        {"title": "Was ist die MBE?", "payload": '/help{"topic":"mbe_was_ist"}'}
    ]
    assert data["language"] == "ar"
    assert data["sources"] == [SOURCE]
    assert data["id"]


async def test_compact_citation_response_and_contacts_reach_the_widget() -> None:
    """What the widget needs for the one-line citation, the rating and contact links."""
    source = {**SOURCE, "short": "BAMF", "citation": "BAMF, 10.07.2018", "year": 2018}
    block = "Kontakt vor Ort (Angabe des Betreibers, nicht aus den Quellen):\n• Bürgerbüro"
    contacts = [{"name": "Bürgerbüro", "phone": "07000 654321"}]
    emitted = await send_through_rasa(
        nlg_message(
            sources=[source], response="utter_faq/kurs_finden", contacts=contacts,
            contacts_text=block,
        )
    )
    data = emitted[0][1]
    assert data["sources"] == [{**SOURCE, "short": "BAMF", "citation": "BAMF, 10.07.2018"}]
    assert data["response"] == "utter_faq/kurs_finden"
    assert data["contacts"] == contacts
    assert data["contacts_text"] == block


async def test_text_without_buttons_is_one_event_too() -> None:
    message = {"text": "Tschüss und alles Gute!", "language": "de"}
    emitted = await send_through_rasa(message)
    assert [e[1]["text"] for e in emitted] == ["Tschüss und alles Gute!"]
    assert emitted[0][1]["buttons"] == []
    assert "sources" not in emitted[0][1]


async def test_quick_replies_become_buttons() -> None:
    sio = FakeSio()
    await WebChatOutput(sio, "bot_uttered").send_quick_replies(
        "s-12345678", "Welche Sprache?", [{"title": "English", "payload": "/choose_language"}]
    )
    assert sio.emitted[0][1]["buttons"] == [{"title": "English", "payload": "/choose_language"}]


def test_payload_leaves_out_unknown_language_and_empty_messages() -> None:
    assert "language" not in bot_message_payload({"text": "x", "language": "not a code"})
    assert bot_message_payload({"text": "x", "language": "ar-SY"})["language"] == "ar"
    assert bot_message_payload({"text": ""}) is None
    assert bot_message_payload({"text": "", "buttons": [{"title": "A", "payload": "/a"}]})


@pytest.mark.parametrize(
    "value, expected",
    [("ar", "ar"), ("FA", "fa"), ("de_DE", "de"), ("", None), (None, None), ("x1", None)],
)
def test_normalise_language(value: Any, expected: Any) -> None:
    assert normalise_language(value) == expected


def test_socketio_accepts_only_the_pages_own_host() -> None:
    environ = {"HTTP_HOST": "127.0.0.1:5005"}
    assert same_host_origin("http://127.0.0.1:5005", environ)
    assert same_host_origin("https://127.0.0.1:5005", environ)
    assert same_host_origin(None, environ)  # not a browser
    assert not same_host_origin("http://evil.example", environ)
    proxied = {"HTTP_HOST": "rasa:5005", "HTTP_X_FORWARDED_HOST": "chat.example.org"}
    assert same_host_origin("https://chat.example.org", proxied)


def test_from_credentials() -> None:
    channel = WebChatInput.from_credentials(
        {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            "session_persistence": True,
            "metadata_key": "customData",
        }
    )
    assert channel.name() == "webchat"
    assert channel.session_persistence is True
    config = channel.client_config()
    assert config["metadataKey"] == "customData"
    assert config["socketPath"] == "/socket.io"


class FakeRooms:
    """python-socketio 5.x: enter_room/leave_room are coroutines, rooms() is not."""

    def __init__(self, rooms: List[str]) -> None:
        self._rooms = list(rooms)

    def rooms(self, sid: str, namespace: Any = None) -> List[str]:
        return list(self._rooms)

    async def enter_room(self, sid: str, room: str, namespace: Any = None) -> None:
        if room not in self._rooms:
            self._rooms.append(room)

    async def leave_room(self, sid: str, room: str, namespace: Any = None) -> None:
        self._rooms.remove(room)


async def test_a_new_session_leaves_the_old_sessions_room() -> None:
    sio = FakeRooms(["sid-1", "old-session"])
    await join_session_room(sio, "sid-1", "new-session", None)
    assert sio.rooms("sid-1") == ["sid-1", "new-session"]
    await join_session_room(sio, "sid-1", "new-session", None)  # idempotent
    assert sio.rooms("sid-1") == ["sid-1", "new-session"]


def test_config_lists_the_configured_languages(monkeypatch) -> None:
    monkeypatch.setenv("BOT_LANGUAGE", "de")
    monkeypatch.setenv("BOT_LANGUAGES", "ar,uk")
    config = WebChatInput.from_credentials({}).client_config()
    assert config["languages"] == [
        {"code": "de", "name": "Deutsch", "dir": "ltr"},
        {"code": "ar", "name": "العربية", "dir": "rtl"},
        {"code": "uk", "name": "Українська", "dir": "ltr"},
    ]
