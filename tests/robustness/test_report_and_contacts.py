"""A host's contacts, answer feedback and `make report`, on the real stack (SQLite).

The stack gets a contacts file with two contacts (as a host would write it), the fixture
language packs and its own SQLite store; real conversations over REST (German and
English) rate answers; the report made from that store must show those ratings and the
unanswered questions, and nothing that names a conversation. The report is opened in
headless Chromium. The PostgreSQL variant: tests/deployment/test_report_postgres.py.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Dict, Iterator

import pytest

from bot.report.figures import compute
from bot.report.page import SECTIONS
from bot.report.turns import read_turns
from tests.report_conversations import (
    COMMENT,
    DECLINED_ALIKE,
    DECLINED_QUESTION,
    TWO_CONTACTS,
    UNSURE_QUESTION,
    Sent,
    converse,
    free_port,
    open_in_chromium,
    write_report,
)
from tools.stack import PROJECT_ROOT, running_stack

SCREENSHOT = PROJECT_ROOT / "test-output" / "screenshots" / "report-sqlite.png"


@pytest.fixture(scope="module")
def stack(fixture_packs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict]:
    """The assistant with a host's two contacts and its own SQLite store."""
    from bot.translation import packs

    folder = tmp_path_factory.mktemp("report")
    contacts = folder / "contacts.yml"
    contacts.write_text(TWO_CONTACTS, encoding="utf-8")
    env = {
        "LANGUAGE_PACKS_DIR": str(packs.packs_root()),
        "TRACKER_DB": str(folder / "conversations.db"),
        "CONTACTS_FILE": str(contacts),
        "RATE_LIMIT_BURST": "0",
    }
    with running_stack(free_port(), free_port(), extra_env=env, log_dir=folder / "log") as running:
        running["tracker_db"] = Path(env["TRACKER_DB"])
        running["folder"] = folder
        yield running


@pytest.fixture(scope="module")
def conversations(stack: Dict) -> Sent:
    return converse(str(stack["url"]))


def contacts_part(replies: list) -> dict:
    """The REST part that is the contacts block (each paragraph is its own part)."""
    [part] = [reply for reply in replies if reply.get("contacts")]
    return part


def test_a_residence_referral_shows_the_hosts_residence_contact(conversations: Sent) -> None:
    replies = conversations.replies["residence"]
    handoff = contacts_part(replies)
    answer = replies[replies.index(handoff) - 1]
    assert handoff["response"] == answer["response"] == "utter_handoff"
    assert answer["text"].splitlines()[-1].startswith("Quellen: ")
    block = handoff["text"]
    assert block.startswith("Kontakt vor Ort (Angabe des Betreibers, nicht aus den Quellen):")
    assert "Migrationsberatung Musterstadt: Beratung zu Aufenthalt, Asyl" in block
    assert "Telefon: +49 7000 123456" in block and "Bürgerbüro" not in block
    assert "Quelle:" not in block and "Quellen:" not in block and "sources" not in handoff
    assert [c["name"] for c in handoff["contacts"]] == ["Migrationsberatung Musterstadt"]
    assert handoff["contacts_text"] == block


def test_an_english_referral_shows_it_in_english(conversations: Sent) -> None:
    handoff = contacts_part(conversations.replies["en_residence"])
    assert handoff["language"] == "en"
    block = handoff["contacts_text"]
    assert block.splitlines()[:2] == [
        "Local contact (provided by the operator of this service, not from the sources):",
        "• Migrationsberatung Musterstadt: Advice on residence, asylum and family reunification",
    ]
    assert "Phone: +49 7000 123456" in block and "Languages: Deutsch, English, العربية" in block


def test_a_decline_shows_the_general_contact(conversations: Sent) -> None:
    handoff = contacts_part(conversations.replies["declined"])
    assert [c["name"] for c in handoff["contacts"]] == ["Bürgerbüro Musterstadt"]


def test_answers_that_are_no_handoff_show_no_contact(conversations: Sent) -> None:
    for reply in conversations.replies["course"] + conversations.replies["greet"]:
        assert "contacts" not in reply and "Kontakt vor Ort" not in reply["text"]


def test_the_web_page_config_lists_the_contacts(stack: Dict) -> None:
    with urllib.request.urlopen(f"{stack['url']}/webhooks/webchat/config.json") as response:
        config = json.loads(response.read())
    assert [c["name"] for c in config["contacts"]] == [
        "Migrationsberatung Musterstadt", "Bürgerbüro Musterstadt"]
    assert config["contacts"][0]["purpose"]["en"].startswith("Advice on residence")
    assert config["contacts"][1]["email"] is None


def test_feedback_is_thanked_and_does_not_change_the_next_answer(conversations: Sent) -> None:
    [thanks] = conversations.replies["feedback_helpful"]
    assert thanks["response"] == "utter_feedback_thanks"
    assert thanks["text"].startswith("Danke für Ihre Rückmeldung")
    before, after = conversations.replies["course"], conversations.replies["course_again"]
    assert [(r["text"], r["response"]) for r in after] == [
        (r["text"], r["response"]) for r in before]


def test_feedback_that_cannot_be_read_gets_a_clear_answer(conversations: Sent) -> None:
    for key in ("feedback_bad_json", "feedback_bad_rating"):
        [reply] = conversations.replies[key]
        assert reply["response"] == "utter_feedback_invalid", key
        assert reply["language"] == "en"
        assert reply["text"].startswith("I could not read this feedback"), key


def test_every_answer_names_its_response(conversations: Sent) -> None:
    for key, replies in conversations.replies.items():
        for reply in replies:
            assert reply.get("response") or reply.get("notice"), (key, reply)


def test_the_report_shows_the_ratings_and_the_unanswered_questions(
    stack: Dict, conversations: Sent, tmp_path: Path
) -> None:
    db = f"sqlite:///{stack['tracker_db']}"
    figures = compute(read_turns(db, days=30))
    assert figures.conversations == len(conversations.senders)
    assert sum(e.helpful for e in figures.feedback) == conversations.helpful
    assert sum(e.not_helpful for e in figures.feedback) == conversations.not_helpful
    by_label = {e.label: e for e in figures.feedback}
    assert by_label["Wo finde ich einen Sprachkurs?"].helpful == 2
    [(rating, comment)] = by_label["Verweis an Beratung (utter_handoff)"].comments
    assert rating == "not_helpful" and "[TELEFON]" in comment and "0151" not in comment
    assert figures.paths["curated"] >= 3 and figures.paths["referred"] >= 2
    assert figures.paths["declined"] >= 2 and figures.paths["unsure"] >= 1, [
        (k, [r["response"] for r in v]) for k, v in conversations.replies.items()]
    assert dict(figures.languages)["en"] >= 1
    together = [g for g in figures.groups
                if {DECLINED_QUESTION, DECLINED_ALIKE} <= {q for q, _ in g.questions}]
    assert together, [g.questions for g in figures.groups]

    page = write_report(tmp_path / "report", db)
    html = page.read_text(encoding="utf-8")
    for sender in conversations.senders:
        assert sender not in html
    assert "0151" not in html and COMMENT.split(",")[0] in html

    seen = open_in_chromium(page, SCREENSHOT)
    assert [section_id for section_id, _ in seen["sections"]] == [i for i, _ in SECTIONS]
    assert seen["images"] and all(seen["images"])
    texts = seen["texts"]
    assert DECLINED_QUESTION in texts["gaps"] and DECLINED_ALIKE in texts["gaps"]
    assert UNSURE_QUESTION in texts["gaps"]
    assert "Wo finde ich einen Sprachkurs?" in texts["topics"]
    assert "Wo finde ich einen Sprachkurs?\t2\t0" in texts["feedback"]
    assert "English (en)" in texts["languages"]

