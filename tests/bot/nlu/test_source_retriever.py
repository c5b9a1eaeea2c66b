"""SourceRetriever: when a verbatim quote answers, and when it does not."""

from __future__ import annotations

from typing import Optional

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.source_retriever import SourceRetriever


def parsed(text: str, intent: str, topic: Optional[str] = None) -> Message:
    data = {"text": text, "intent": {"name": intent, "confidence": 0.9}}
    if topic:
        data["response_selector"] = {"default": {
            "response": {"intent_response_key": topic, "confidence": 0.9},
            "ranking": [{"intent_response_key": topic, "confidence": 0.9}],
        }}
    message = Message(data=data)
    SourceRetriever(SourceRetriever.get_default_config()).process_message(message)
    return message


def quote(message: Message) -> Optional[str]:
    return next((e["value"] for e in message.get("entities") or []
                 if e["entity"] in ("quote", "also_quote")), None)


def test_an_unsure_question_that_a_sentence_answers_gets_the_quote() -> None:
    message = parsed("wie viele anträge wurden in der ersten förderrunde bewilligt",
                     "nlu_fallback")
    assert message.get("source_retrieval")["decision"] == "fallback"
    assert quote(message).split()[0] == "002:6"


def test_an_unsure_question_the_sources_do_not_answer_gets_no_quote() -> None:
    message = parsed("wie wird das wetter am wochenende in karlsruhe", "nlu_fallback")
    assert quote(message) is None


def test_a_question_about_what_a_person_said_gets_the_saying_not_the_person() -> None:
    message = parsed("was sagt minister lucha über doppelstrukturen", "faq", "faq/person_lucha")
    assert message.get("source_retrieval")["decision"] in ("aspect", "both")
    assert "000:12" in quote(message).split()


def test_a_topic_whose_evidence_holds_the_best_sentence_is_left_alone() -> None:
    message = parsed("wie viele beratungsgespräche haben die integrationsmanager geführt",
                     "faq", "faq/beratungsgespraeche_anzahl")
    assert message.get("source_retrieval")["decision"] == "none"
    assert quote(message) is None


def test_greetings_and_buttons_are_not_searched() -> None:
    assert parsed("hallo", "greet").get("source_retrieval") is None
    assert parsed('/help{"topic":"amif"}', "help").get("source_retrieval") is None


def test_what_the_selected_topic_leaves_out_is_quoted_after_it() -> None:
    # The Brussels topic tells who presented what; who was on the panel is in 003:6.
    message = parsed("wer diskutierte in brüssel auf dem podium", "faq", "faq/bruessel_vorbild")
    assert message.get("source_retrieval")["decision"] == "both"
    assert quote(message) == "003:6"


def test_an_addition_comes_only_from_the_documents_the_topic_cites() -> None:
    # "Veranstaltung" stands in the BAMF conference's report, not in the Brussels one.
    message = parsed("mit wem gab es bei der veranstaltung in brüssel eine diskussion", "faq",
                     "faq/bruessel_vorbild")
    assert not (quote(message) or "").startswith("000:")


def test_what_no_sentence_says_gets_no_addition() -> None:
    message = parsed("wie viele stunden hat ein integrationskurs", "faq", "faq/kurs_finden")
    assert message.get("source_retrieval")["decision"] == "none"
    assert quote(message) is None
