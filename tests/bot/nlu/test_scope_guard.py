"""ScopeGuard: emergencies, questions about now, other places, referral words."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.scope_guard import ScopeGuard, elsewhere
from bot.nlu.source_retriever import SourceRetriever


def parsed(text: str, intent: str = "faq") -> Message:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": 0.9},
                            "intent_ranking": [{"name": intent, "confidence": 0.9}]})
    SourceRetriever(SourceRetriever.get_default_config()).process_message(message)
    ScopeGuard(ScopeGuard.get_default_config()).process_message(message)
    return message


def entity_types(message: Message) -> set:
    return {e["entity"] for e in message.get("entities") or []}


@pytest.mark.parametrize("text, intent", [
    ("mein kind atmet nicht mehr", "faq"),
    ("Notfall! Mein Mann ist umgefallen", "greet"),
    ("ich will nicht mehr leben", "nlu_fallback"),
    ("in unserer unterkunft brennt es", "out_of_scope"),
])
def test_an_emergency_becomes_the_emergency_intent_whatever_was_classified(text, intent) -> None:
    assert parsed(text, intent).get("intent")["name"] == "emergency"


@pytest.mark.parametrize("text", [
    "meine duldung läuft ab", "familiennachzug für meine frau", "ich habe die frist verpasst",
    "mein bescheid vom bamf ist falsch",
])
def test_residence_asylum_family_and_deadlines_go_to_counselling(text) -> None:
    assert parsed(text, "deny").get("intent")["name"] == "individual_advice"


def test_practical_details_the_sources_never_give_are_not_answered() -> None:
    assert parsed("was kostet ein integrationskurs").get("intent")["name"] == "not_in_sources"


@pytest.mark.parametrize("text", [
    "wie viele integrationsmanager gibt es aktuell", "wer ist jetzt präsident vom bamf",
    "gibt es die soforthilfe ukraine noch", "was gilt 2026",
    "wird es künftig mehr integrationsmanager geben", "was plant das land in zukunft",
])
def test_questions_about_now_are_marked(text) -> None:
    assert "asks_current" in entity_types(parsed(text))


@pytest.mark.parametrize("text, place", [
    ("gibt es in bayern auch integrationsmanager", "bayern"),
    ("wie viel geld gibt hessen für integration aus", "hessen"),
    ("integrationskurs in den niederlanden", "niederlande"),
    ("gibt es in österreich eine migrationsberatung", "österreich"),
    ("wie viel geld gibt polen für geflüchtete aus", "polen"),
    ("was macht frankreich für die integration", "frankreich"),
])
def test_questions_about_other_places_are_marked_and_not_quoted(text, place) -> None:
    message = parsed(text)
    assert elsewhere(text).lower() == place
    assert "asks_elsewhere" in entity_types(message)
    assert not entity_types(message) & {"quote", "also_quote"}


def test_places_the_sources_speak_about_and_origins_are_not_elsewhere() -> None:
    assert "asks_elsewhere" not in entity_types(parsed("was war der workshop in berlin"))
    assert elsewhere("ich komme aus syrien und suche einen deutschkurs") is None
    assert elsewhere("gibt es hilfe für menschen aus der ukraine") is None


@pytest.mark.parametrize("text", [
    "wie viele stunden hat ein integrationskurs", "wie viele einwohner hat stuttgart",
])
def test_counting_what_the_sources_never_mention_is_not_answered(text) -> None:
    assert parsed(text).get("intent")["name"] == "not_in_sources"


def test_counting_what_the_sources_speak_of_is_still_a_question() -> None:
    assert parsed("wie viele anträge wurden bewilligt").get("intent")["name"] == "faq"


def test_a_funding_round_planned_back_then_is_no_question_about_now() -> None:
    assert "asks_current" not in entity_types(parsed("wann war die nächste förderrunde geplant"))
