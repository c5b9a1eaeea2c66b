"""Quote answers: verbatim sentences of the sources, introduced with source and date."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.knowledge.catalogue import load_catalogue
from bot.knowledge.curated import load_responses
from bot.knowledge.retrieval import default_index
from bot.paths import PROJECT_ROOT
from bot.rendering.nlg import GuidanceNLG
from bot.rendering.quotes import fill_quote

CATALOGUE = load_catalogue()
SENTENCES = default_index().sentences


def nlg() -> GuidanceNLG:
    responses = load_responses(
        (PROJECT_ROOT / "domain" / "responses.yml", PROJECT_ROOT / "domain" / "knowledge.yml")
    )
    return GuidanceNLG(domain=Domain.from_dict({"responses": responses}))


def tracker_with_quote(value: str) -> DialogueStateTracker:
    message = UserUttered("frage", {"name": "nlu_fallback"}, [{"entity": "quote", "value": value}])
    return DialogueStateTracker.from_events("user", [message])


def quoted_part(text: str) -> str:
    """The text between the first „ after the introduction's colon and the final “."""
    return text.split(": „", 1)[1].rsplit("“", 1)[0]


@pytest.mark.parametrize("sentence", SENTENCES, ids=lambda s: s.id)
def test_every_quote_is_verbatim_with_its_source_and_date(sentence) -> None:
    message = fill_quote({"text": ""}, [{"entity": "quote", "value": sentence.id}])
    source = CATALOGUE[sentence.doc_id]
    assert message["text"].startswith(f"{source.according_to} ({source.when}): „")
    content = " ".join(source.content().split())
    assert quoted_part(message["text"]) in content
    assert quoted_part(message["text"]).strip("„“") == sentence.text.strip("„“")
    assert message["metadata"]["sources"] == [sentence.doc_id]


def test_two_sentences_of_one_document_are_one_quote() -> None:
    message = fill_quote({"text": ""}, [{"entity": "quote", "value": "003:11 003:12"}])
    assert message["text"] == (
        "Laut einem Bericht der Zeitschrift die:gemeinde (Stand 2024): „Das Land investiert "
        "jährlich mehr als 55 Millionen Euro in die Integration von Geflüchteten. Zusätzlich "
        "werden zeitlich begrenzt 16 Millionen Euro jährlich für die Soforthilfe Ukraine "
        "bereitgestellt.“"
    )


def test_sentences_that_are_not_neighbours_are_marked_as_cut() -> None:
    message = fill_quote({"text": ""}, [{"entity": "quote", "value": "002:5 002:8"}])
    assert " […] " in message["text"]


def test_an_unknown_sentence_id_gives_no_quote() -> None:
    assert fill_quote({"text": ""}, [{"entity": "quote", "value": "999:1"}]) is None
    assert fill_quote({"text": ""}, []) is None


async def test_the_nlg_renders_the_quote_with_its_citation() -> None:
    message = await nlg().generate("utter_source_quote", tracker_with_quote("002:8"), "rest")
    assert message["text"].startswith(
        "Laut einer Pressemitteilung des Landes (Stand 2016): "
        "„Eigentlich war die nächste Förderrunde erst für 2017 geplant.“"
    )
    assert message["sources"][0]["title"] == CATALOGUE["002"].title
    assert "{source_quote}" not in message["text"]


async def test_without_a_quote_entity_the_nlg_says_it_did_not_understand() -> None:
    tracker = DialogueStateTracker.from_events("user", [UserUttered("frage")])
    message = await nlg().generate("utter_source_quote", tracker, "rest")
    assert message["text"].startswith("Das habe ich leider nicht sicher verstanden.")
