"""Bad input over the REST channel (bot.channels.rest.SafeRestInput) of a real stack.

Every case of the corpus gets what it should: a real answer of the assistant (not only
a note of the channel), the channel's note for an empty or shortened message, or a 4xx
with a JSON `{"error": "..."}`; never a 500, a hung request or a crashed server. Rasa's
own commands `/back` and `/restart` get their short confirmation (`utter_back`,
`utter_restart`); `/session_start` and a bare `/faq` make the assistant say nothing, so
the channel answers with its `no_reply` note. Afterwards the
server still answers a German question correctly, and a conversation started before
the corpus (conversation A, English chosen as reply language) is still there: its
events are in the SQLite tracker store and it goes on in English.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import pytest

from bot.channels.input import MAX_SENDER_CHARS
from bot.channels.notes import EMPTY_MESSAGE_TEXT, ERROR_TEXT, NO_REPLY_TEXT, TIMEOUT_TEXT
from tools.stack import send, text_of

REQUEST_TIMEOUT = 60
"""Seconds after which a request counts as hung (a failure, not a timing assertion)."""

REPLY = "reply"
"""200 with a real answer: at least one message of the assistant, not of the channel."""
NO_ANSWER = "no answer"
"""200 with only the channel's `no_reply` note: the assistant rightly says nothing."""
ERROR = "error"
"""4xx with a JSON error."""
EMPTY = "empty"
"""200 with the channel's answer to an empty message."""
SHORTENED = "shortened"
"""200; the first message says the message was shortened."""


@dataclass
class Case:
    """One bad input: the raw request and what must come back."""

    name: str
    body: bytes
    expect: str
    content_type: str = "application/json"
    query: str = ""
    forbidden: List[str] = field(default_factory=list)
    """Texts no reply may contain (e.g. an echoed script tag)."""


def sender() -> str:
    return f"bad-{uuid.uuid4().hex}"


def message(name: str, text: object, expect: str = REPLY, **extra: object) -> Case:
    """A JSON message from a fresh sender."""
    forbidden = extra.pop("forbidden", [])
    body = {"sender": sender(), "message": text, **extra}
    return Case(name, json.dumps(body).encode(), expect, forbidden=forbidden)


def raw(name: str, body: bytes, expect: str = ERROR, **kwargs: object) -> Case:
    return Case(name, body, expect, **kwargs)


def from_sender(name: str, sender_id: object, expect: str) -> Case:
    return Case(name, json.dumps({"sender": sender_id, "message": "Hallo"}).encode(), expect)


def with_sender(body: bytes) -> bytes:
    """Puts a fresh sender id in place of SENDER."""
    return body.replace(b"SENDER", sender().encode())


GERMAN_QUESTION = "Wo finde ich einen Deutschkurs? "
FORM = "application/x-www-form-urlencoded"
DEEP_METADATA = json.loads('{"a":' * 40 + "1" + "}" * 40)
XSS = "<img src=x onerror=alert(1)>"

CORPUS: List[Case] = [
    # --- bodies that are not a JSON object ------------------------------------------
    raw("empty body", b""),
    raw("whitespace body", b"  \n\t "),
    raw("JSON array", b"[]"),
    raw("array of messages", b'[{"sender": "x", "message": "Hallo"}]'),
    raw("JSON string", b'"str"'),
    raw("JSON null", b"null"),
    raw("JSON number", b"42"),
    raw("truncated JSON", b'{"sender": "x", "message": "Hallo"'),
    raw("trailing garbage", b'{"sender": "x", "message": "Hallo"} trailing'),
    raw("single quotes", b"{'sender': 'x', 'message': 'Hallo'}"),
    raw("NaN message", b'{"sender": "x", "message": NaN}'),
    raw("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    raw("form encoded", b"sender=x&message=Hallo", content_type=FORM),
    raw("UTF-16 body", '{"sender": "x", "message": "Hallo"}'.encode("utf-16")),
    raw("body over 1 MiB", json.dumps({"sender": "x", "message": "a" * 1_100_000}).encode()),
    raw("empty body, stream", b"", query="?stream=true"),
    # --- wrong fields -----------------------------------------------------------------
    raw("empty object", b"{}"),
    raw("number message, no sender", b'{"message": 5}'),
    raw("no sender", b'{"message": "Hallo"}'),
    message("number message", 5, ERROR),
    message("null message", None, ERROR),
    message("list message", ["Hallo"], ERROR),
    message("object message", {"text": "Hallo"}, ERROR),
    message("boolean message", True, ERROR),
    message("metadata string", "Hallo", ERROR, metadata="language=tr"),
    message("metadata list", "Hallo", ERROR, metadata=["tr"]),
    message("metadata too deep", "Hallo", ERROR, metadata=DEEP_METADATA),
    message("input_channel number", "Hallo", ERROR, input_channel=5),
    message("input_channel odd", "Hallo", ERROR, input_channel="../../admin"),
    # --- sender ids ---------------------------------------------------------------------
    from_sender("sender number", 12345, ERROR),
    from_sender("sender list", ["a"], ERROR),
    from_sender("sender empty", "", ERROR),
    from_sender("sender whitespace", "   ", ERROR),
    from_sender("sender too long", "s" * (MAX_SENDER_CHARS + 1), ERROR),
    from_sender("sender 100k chars", "s" * 100_000, ERROR),
    from_sender("sender newline", "abc\ndef", ERROR),
    from_sender("sender null byte", "abc\x00def", ERROR),
    from_sender("sender escape sequence", "abc\x1b[31m", ERROR),
    from_sender("sender zero-width", "abc\u200bdef", ERROR),
    from_sender("sender lone surrogate", "abc\ud800", ERROR),
    from_sender("sender unknown uuid", uuid.uuid4().hex, REPLY),
    from_sender("sender max length", "m" * (MAX_SENDER_CHARS - 32) + uuid.uuid4().hex, REPLY),
    from_sender("sender unicode", f"Jürgen-مرحبا-{uuid.uuid4().hex[:8]}", REPLY),
    from_sender("sender path-like", f"../../etc/passwd-{uuid.uuid4().hex[:8]}", REPLY),
    from_sender("sender SQL", f"' OR 1=1; DROP TABLE events; -- {uuid.uuid4().hex[:8]}", REPLY),
    # --- encodings --------------------------------------------------------------------
    raw(
        "invalid UTF-8 in message",
        with_sender(b'{"sender": "SENDER", "message": "Hallo \xff\xfe \xc3\x28 wie geht es"}'),
        REPLY,
    ),
    raw(
        "invalid UTF-8 in sender",
        b'{"sender": "u8-\xff\xfe-' + uuid.uuid4().hex.encode() + b'", "message": "Hallo"}',
        REPLY,
    ),
    raw(
        "Latin-1 body",
        with_sender('{"sender": "SENDER", "message": "Grüß Gott, wo?"}'.encode("latin-1")),
        REPLY,
    ),
    raw(
        "byte order mark",
        b"\xef\xbb\xbf" + json.dumps({"sender": sender(), "message": "Hallo"}).encode(),
        REPLY,
    ),
    raw(
        "text/plain content type",
        json.dumps({"sender": sender(), "message": "Hallo"}).encode(),
        REPLY,
        content_type="text/plain",
    ),
    raw(
        "duplicate keys",
        with_sender(b'{"sender": "SENDER", "message": 5, "message": "Hallo"}'),
        REPLY,
    ),
    raw(
        "lone surrogate escape",
        with_sender(b'{"sender": "SENDER", "message": "\\ud800 Hallo \\udfff"}'),
        REPLY,
    ),
    # --- empty messages ---------------------------------------------------------------
    message("empty message", "", EMPTY),
    message("whitespace message", "   \n\t  ", EMPTY),
    message("unicode spaces", "\u00a0\u2003\u3000", EMPTY),
    message("zero-width only", "\u200b\u200c\ufeff", EMPTY),
    message("control characters only", "\x00\x01\x07\x1b\x7f", EMPTY),
    message("null bytes only", "\x00" * 1000, EMPTY),
    # --- control characters -----------------------------------------------------------
    message("control characters inside", "Was ist\x00 die\x07 MBE?\x1b[31m"),
    message("null bytes around", "\x00" * 100 + "Hallo" + "\x00" * 100),
    message("carriage returns", "Hallo\r\nwo finde ich\reinen Deutschkurs?"),
    message("right-to-left override", "\u202eHallo\u202c"),
    message("C1 controls", "Hallo\x85\x9b wie geht es"),
    # --- long messages ----------------------------------------------------------------
    message("10,000+ chars German", GERMAN_QUESTION * 320, SHORTENED),
    message("100,000 chars", "a" * 100_000, SHORTENED),
    message("100,000 chars Arabic", "مرحبا " * 20_000, SHORTENED),
    message("one 5,000-char word", "Deutschkurs" * 455, SHORTENED),
    message("newlines then text", "\n" * 5000 + "Hallo"),
    message("12,000 chars of greetings", "Hallo " * 2000, SHORTENED),
    # --- emoji, scripts, languages ----------------------------------------------------
    message("emoji only", "\U0001F600\U0001F44D\U0001F389"),
    message("emoji ZWJ family", "\U0001F468\u200d\U0001F469\u200d\U0001F467"),
    message("flags", "\U0001F1E9\U0001F1EA\U0001F1FA\U0001F1E6"),
    message("mixed scripts", "Hallo مرحبا Привет 你好 שלום"),
    message("mixed languages", "Hello, wo finde ich einen Deutschkurs please?"),
    message("Arabic with German word", "أين أجد Deutschkurs؟"),
    message("Turkish (no pack)", "Merhaba, dil kursunu nerede bulabilirim?"),
    message("Ukrainian (no pack)", "Де знайти курс німецької мови?"),
    message("Persian with ZWNJ (no pack)", "کجا می‌توانم کلاس زبان پیدا کنم؟"),
    message("Chinese (no pack)", "我在哪里可以找到德语课程？"),
    message("combining characters", "Gru\u0308\u00df Gott, wo ist ein Deutschkurs?"),
    message("Zalgo text", "H\u0336\u0317a\u0337\u0328l\u0334l\u0335o\u0338\u0301" * 20),
    message("punctuation only", "???!!!...,,,"),
    message("digits only", "1234567890"),
    # --- injection ----------------------------------------------------------------------
    message("HTML img onerror", XSS, forbidden=["onerror", "<img"]),
    message("script tag", "<script>alert('x')</script>", forbidden=["<script"]),
    message("javascript URL", "javascript:alert(document.cookie)", forbidden=["javascript:"]),
    message("markdown link", "[klick](javascript:alert(1))", forbidden=["javascript:"]),
    message("SQL drop", "'; DROP TABLE events; --"),
    message("SQL or", "\" OR 1=1 --"),
    message("template injection", "{{7*7}} ${7*7} {sender} <%= 7*7 %>"),
    message("format string", "%s%s%s%n%x {0} {}"),
    message("path traversal", "../../../../etc/passwd"),
    message("JSON in message", '{"sender": "other", "message": "Hallo"}'),
    # --- payload abuse ------------------------------------------------------------------
    message("payload /restart", "/restart", REPLY),
    message("payload /session_start", "/session_start", NO_ANSWER),
    message("payload /back", "/back", REPLY),
    message("payload /nlu_fallback", "/nlu_fallback"),
    message("payload bad JSON", "/help{bad json"),
    message("payload unknown topic", '/help{"topic": "../../etc/passwd"}'),
    message("payload retrieval intent", "/faq", NO_ANSWER),
    message("payload unknown intent", "/unknown_intent"),
    message("payload action name", "/action_listen"),
    message("payload response name", "/utter_greet"),
    message("payload slash only", "/"),
    message("payload double slash", "//"),
    message("payload unknown language", '/choose_language{"language": "xx"}'),
    message("payload script entity", '/greet{"language": "<script>"}', forbidden=["<script"]),
    message("payload huge entity", '/help{"topic": "' + "t" * 5000 + '"}', SHORTENED),
    # --- valid requests with odd extras -----------------------------------------------
    message("metadata language hint", "Hallo", metadata={"language": "tr-TR"}),
    message("metadata junk language", "Hallo", metadata={"language": "<script>"}),
    message("metadata nested", "Hallo", metadata={"a": {"b": [1, 2, {"c": None}]}}),
    message("custom input_channel", "Hallo", input_channel="rest-test"),
    raw(
        "stream mode",
        json.dumps({"sender": sender(), "message": "Hallo"}).encode(),
        REPLY,
        query="?stream=true",
    ),
]


def post(url: str, case: Case) -> Tuple[int, object]:
    """Sends one case and returns the status and the decoded body."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url + case.query, data=case.body, headers={"Content-Type": case.content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            status, body = response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode("utf-8", errors="replace")
    if case.query == "?stream=true" and status == 200:
        return status, [json.loads(line) for line in body.splitlines() if line.strip()]
    try:
        return status, json.loads(body)
    except ValueError:
        return status, body


def real_answers(messages: List[Dict]) -> List[Dict]:
    """The messages of the assistant itself (the channel's notes carry `notice`)."""
    return [m for m in messages if not m.get("notice")]


def events_of(tracker_db, sender_id: str) -> List[Tuple[str, Optional[str]]]:
    """Reads a conversation's events from the SQLite tracker store."""
    with sqlite3.connect(f"file:{tracker_db}?mode=ro", uri=True) as db:
        return db.execute(
            "SELECT type_name, action_name FROM events WHERE sender_id = ? ORDER BY id",
            (sender_id,),
        ).fetchall()


@pytest.fixture(scope="module")
def webhook(stack) -> str:
    return f"{stack['url']}/webhooks/rest/webhook"


@pytest.fixture(scope="module")
def conversation_a(stack, webhook) -> Dict:
    """Conversation A, started before the bad inputs: English chosen, one question."""
    sender_id = f"conversation-a-{uuid.uuid4().hex}"
    chosen = send(stack["url"], sender_id, '/choose_language{"language": "en"}')
    assert real_answers(chosen) and chosen[0].get("language") == "en", chosen
    answer = send(stack["url"], sender_id, "Was ist die MBE?")
    assert real_answers(answer) and answer[0].get("language") == "en", answer
    return {"sender": sender_id, "events": events_of(stack["tracker_db"], sender_id)}


@pytest.mark.parametrize("case", CORPUS, ids=[case.name for case in CORPUS])
def test_bad_input_gets_a_reply_or_a_client_error(case: Case, webhook, conversation_a, stack):
    status, body = post(webhook, case)

    assert status < 500, f"{case.name}: {status} {body!r:.300}"
    assert stack["rasa"].poll() is None, "the Rasa server died"
    if case.expect == ERROR:
        assert 400 <= status < 500, f"{case.name}: {status} {body!r:.300}"
        assert isinstance(body, dict) and isinstance(body.get("error"), str), body
        return
    assert status == 200, f"{case.name}: {status} {body!r:.300}"
    assert isinstance(body, list) and body, f"{case.name}: no reply"
    for part in body:
        assert isinstance(part, dict) and (part.get("text") or part.get("buttons")), part
    reply = text_of(body)
    assert ERROR_TEXT not in reply and TIMEOUT_TEXT not in reply, f"{case.name}: {reply}"
    for text in case.forbidden:
        assert text not in reply, f"{case.name}: the reply contains {text!r}"
    if case.expect == EMPTY:
        assert [(m["notice"], m["text"], m["language"]) for m in body] == [
            ("empty", EMPTY_MESSAGE_TEXT, "de")
        ]
    elif case.expect == NO_ANSWER:
        assert [(m["notice"], m["text"]) for m in body] == [("no_reply", NO_REPLY_TEXT)], body
    elif case.expect == SHORTENED:
        assert body[0].get("notice") == "shortened", body[0]
        assert real_answers(body[1:]), f"{case.name}: the shortened message got no answer"
        if body[0]["language"] == "de":
            assert "2000 Zeichen" in body[0]["text"]
    else:
        assert real_answers(body) == body, f"{case.name}: a note instead of an answer: {body}"


def test_parallel_bad_inputs_are_all_answered(webhook, conversation_a, stack):
    cases = [case for case in CORPUS if len(case.body) < 200_000][:24]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda case: post(webhook, case), cases))
    for case, (status, body) in zip(cases, results, strict=True):
        assert status < 500, f"{case.name}: {status} {body!r:.300}"
        assert status == 200 or isinstance(body, dict) and "error" in body, (case.name, body)
        if case.expect == REPLY:
            assert real_answers(body), f"{case.name}: no answer: {body}"
    assert stack["rasa"].poll() is None


def test_empty_message_is_not_part_of_the_conversation(webhook, stack):
    sender_id = sender()
    assert real_answers(send(stack["url"], sender_id, "Hallo"))
    before = events_of(stack["tracker_db"], sender_id)
    status, body = post(
        webhook, Case("", json.dumps({"sender": sender_id, "message": "  "}).encode(), EMPTY)
    )
    assert status == 200 and body[0]["text"] == EMPTY_MESSAGE_TEXT
    assert events_of(stack["tracker_db"], sender_id) == before


def test_shortened_message_is_processed_at_its_maximum_length(webhook, stack):
    sender_id = sender()
    reply = send(stack["url"], sender_id, "Was ist die MBE? " + "x" * 10_000)
    assert reply[0]["notice"] == "shortened" and "2000 Zeichen" in reply[0]["text"]
    assert real_answers(reply)
    with sqlite3.connect(f"file:{stack['tracker_db']}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender_id,)
        ).fetchall()
    stored = json.loads(rows[-1][0])
    assert len(stored["text"]) <= 2000
    assert stored["text"].startswith("Was ist die MBE?")


def test_empty_message_is_answered_in_the_conversation_language(webhook, conversation_a):
    status, body = post(
        webhook,
        Case("", json.dumps({"sender": conversation_a["sender"], "message": ""}).encode(), EMPTY),
    )
    assert status == 200
    assert body[0]["language"] == "en"


def test_server_still_answers_german_questions(stack):
    reply = send(stack["url"], sender(), "Was ist die MBE?")
    assert real_answers(reply)
    assert stack["rasa"].poll() is None


def test_earlier_conversation_is_not_lost(webhook, conversation_a, stack):
    sender_id = conversation_a["sender"]
    events = events_of(stack["tracker_db"], sender_id)
    # everything from before the bad inputs is still stored, in order
    assert events[: len(conversation_a["events"])] == conversation_a["events"]
    assert ("user", None) in events and len(conversation_a["events"]) >= 6
    # and the conversation goes on where it was: the reply language chosen in A stays
    reply = send(stack["url"], sender_id, "Was ist die MBE?")
    assert real_answers(reply) and reply[0].get("language") == "en", reply
    assert len(events_of(stack["tracker_db"], sender_id)) > len(events)
