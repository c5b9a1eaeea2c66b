"""The report's figures from a tracker store written by the project's own store."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import PROJECT_ROOT
from bot.report.figures import compute, group_questions
from bot.report.page import SECTIONS, render
from bot.report.turns import read_turns
from bot.storage.tracker_store import IncrementalSQLTrackerStore

DAY = 86400.0


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain"))


def user(text: str, intent: str, at: float, german: str | None = None, language: str = "de",
         entities: list | None = None) -> UserUttered:
    parse = {"intent": {"name": intent}, "entities": entities or [], "text": german or text,
             "language": language}
    return UserUttered(text, {"name": intent}, entities or [], parse, timestamp=at)


def bot(response: str, at: float, language: str = "de", sources: list | None = None) -> List[Event]:
    metadata = {"response": response, "utter_action": response.split("/")[0],
                "language": language}
    if sources:
        metadata["sources"] = sources
    return [ActionExecuted(response.split("/")[0], timestamp=at),
            BotUttered("…", {}, metadata, timestamp=at)]


def save(store, domain, sender: str, events: List[Event]) -> None:
    tracker = DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_session_start"), SessionStarted()], domain.slots)
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))


def feedback(rating: str, response: str, at: float, comment: str = "") -> UserUttered:
    entities = [{"entity": "rating", "value": rating}, {"entity": "response", "value": response}]
    if comment:
        entities.append({"entity": "comment", "value": comment})
    return user(f"/feedback{{\"rating\": \"{rating}\"}}", "feedback", at, entities=entities)


def test_figures_of_a_small_store(tmp_path: Path, domain: Domain) -> None:
    db = tmp_path / "c.db"
    store = IncrementalSQLTrackerStore(domain, dialect="sqlite", db=str(db))
    now = time.time()
    save(store, domain, "sender-alpha-123", [
        user("wo finde ich einen deutschkurs", "faq", now - 3600),
        *bot("utter_faq/kurs_finden", now - 3600),
        feedback("helpful", "utter_faq/kurs_finden", now - 3500),
        *bot("utter_feedback_thanks", now - 3500),
        user("was kostet ein parkplatz in ulm", "not_in_sources", now - 3400),
        *bot("utter_not_in_sources", now - 3400), *bot("utter_handoff", now - 3400),
        feedback("not_helpful", "utter_handoff", now - 3300,
                 comment="ruf mich an: 0151 23456789"),
        *bot("utter_feedback_thanks", now - 3300),
    ])
    save(store, domain, "sender-beta-456", [
        user("where can I learn German", "faq", now - DAY - 60,
             german="wo kann ich deutsch lernen", language="en"),
        *bot("utter_faq/kurs_finden", now - DAY - 60, language="en"),
        user("was kostet ein parkplatz in stuttgart", "not_in_sources", now - DAY),
        *bot("utter_not_in_sources", now - DAY), *bot("utter_handoff", now - DAY),
        user("wer ist franz biebl", "nlu_fallback", now - DAY + 10),
        *bot("utter_source_quote", now - DAY + 10, sources=[{"short": "BAMF"}]),
    ])
    save(store, domain, "sender-old-789", [
        user("eine sehr alte frage", "nlu_fallback", now - 40 * DAY),
        *bot("utter_fallback", now - 40 * DAY),
    ])
    turns = read_turns(f"sqlite:///{db}", days=30, now=now)
    figures = compute(turns)
    assert figures.conversations == 2  # the old one is outside the retention period
    assert figures.questions == 5
    assert figures.paths["curated"] == 2 and figures.paths["quote"] == 1
    assert figures.paths["declined"] == 2 and figures.paths["unsure"] == 0
    assert figures.topics[0] == ("Wo finde ich einen Sprachkurs?", 2)
    assert dict(figures.languages) == {"de": 4, "en": 1}
    by_label = {e.label: e for e in figures.feedback}
    assert by_label["Wo finde ich einen Sprachkurs?"].helpful == 1
    handoff = by_label["Verweis an Beratung (utter_handoff)"]
    assert handoff.not_helpful == 1
    assert handoff.comments == [("not_helpful", "ruf mich an: [TELEFON]")]
    [group] = figures.groups
    assert {q for q, _ in group.questions} == {
        "was kostet ein parkplatz in ulm", "was kostet ein parkplatz in stuttgart"}
    page = render(figures, 30)
    for section_id, _heading in SECTIONS:
        assert f'id="{section_id}"' in page
    for secret in ("sender-alpha-123", "sender-beta-456", "0151", "eine sehr alte frage"):
        assert secret not in page
    assert "ruf mich an: [TELEFON]" in page


def test_alike_questions_are_grouped_and_different_ones_apart() -> None:
    groups = group_questions([
        ("was kostet der deutschkurs", "was kostet der deutschkurs", "declined"),
        ("was kostet ein deutschkurs", "was kostet ein deutschkurs", "declined"),
        ("wie ist das wetter morgen", "wie ist das wetter morgen", "unsure"),
    ])
    assert sorted(len(g.questions) for g in groups) == [1, 2]


def test_an_empty_store_gives_a_report_without_data(tmp_path: Path) -> None:
    figures = compute(read_turns(f"sqlite:///{tmp_path / 'none.db'}", days=30))
    page = render(figures, 30)
    assert figures.conversations == 0 and "Keine Daten." in page
