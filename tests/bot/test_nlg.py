"""Tests of the response renderer: citations and topic buttons."""

from __future__ import annotations

import json

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.knowledge import load_responses
from bot.nlg import GuidanceNLG, topic_payload
from bot.sources import load_catalogue


def nlg() -> GuidanceNLG:
    domain = Domain.from_dict({"responses": load_responses()})
    return GuidanceNLG(domain=domain)


def empty_tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events("user", [])


async def test_faq_answer_ends_with_title_and_date_of_its_source() -> None:
    message = await nlg().generate("utter_faq/pakt_fuer_integration", empty_tracker(), "rest")
    source = load_catalogue()["004"]
    assert message["text"].startswith("Der Pakt für Integration")
    assert message["text"].endswith(f"Quelle: „{source.title}“ ({source.publisher}, 02.06.2017)")
    assert message["sources"][0]["url"] == source.url
    assert "metadata" not in message


async def test_undated_source_says_so() -> None:
    message = await nlg().generate("utter_faq/werkstattgespraech", empty_tracker(), "rest")
    assert message["text"].endswith("(Ministerium für Integration Baden-Württemberg, ohne Datum)")


async def test_answer_with_two_sources_cites_both() -> None:
    message = await nlg().generate(
        "utter_faq/integrationsmanager_aufgaben", empty_tracker(), "rest"
    )
    assert "Quellen: „Land stellt Integrationskonzept in Brüssel vor“" in message["text"]
    assert len(message["sources"]) == 2


async def test_help_offers_topic_buttons_with_payloads() -> None:
    message = await nlg().generate("utter_help", empty_tracker(), "rest")
    titles = [b["title"] for b in message["buttons"]]
    assert "Wo finde ich einen Sprachkurs?" in titles
    payload = message["buttons"][0]["payload"]
    assert payload.startswith("/help{")
    assert json.loads(payload[len("/help"):])["topic"] == "kurs_finden"


async def test_topics_from_an_action_become_buttons_unknown_ones_are_dropped() -> None:
    message = await nlg().generate(
        "utter_fallback", empty_tracker(), "rest", topics=["amif", "unbekannt"]
    )
    assert [b["payload"] for b in message["buttons"]] == [topic_payload("amif")]
    assert "Quelle" not in message["text"]


async def test_unknown_response_gives_none() -> None:
    assert await nlg().generate("utter_gibt_es_nicht", empty_tracker(), "rest") is None
