"""Retrieval over the content sentences, and a new document answerable without training."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path
from unittest import mock

import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.knowledge.catalogue import load_catalogue
from bot.knowledge.retrieval import SourceIndex, default_index, stems
from bot.knowledge.sentences import all_sentences
from bot.nlu.source_retriever import SourceRetriever
from bot.paths import SEEDS_DIR
from bot.rendering.quotes import fill_quote

NEW_DOCUMENT = (
    "Cookie-Hinweis: Diese Seite nutzt Cookies.\n\n"
    "Sprachcafé im Rathaus Musterstadt\n\n"
    "Seit März 2023 lädt die Stadt Musterstadt jeden Dienstag zum Sprachcafé in die "
    "Stadtbibliothek ein. Ehrenamtliche Lotsinnen üben dort mit Neuzugewanderten "
    "Alltagsdeutsch. Die Teilnahme ist ohne Anmeldung möglich.\n\n"
    "Weitere Meldungen: Stadtfest abgesagt\n"
)


def test_compounds_and_missing_umlauts_find_the_same_stems() -> None:
    assert set(stems("Beratungsgespräche")) >= set(stems("Beratung Gespräche"))
    assert stems("fluechtlinge") == stems("flüchtlinge")


def test_the_best_sentence_answers_a_plain_question() -> None:
    hit = default_index().search("wie viele anträge wurden in der ersten förderrunde bewilligt")[0]
    assert "161 Anträgen" in hit.sentence.text
    assert hit.coverage > 0.9


def test_a_typo_finds_the_word_of_the_sources() -> None:
    hit = default_index().search("regionalkordinatoren vom bundesamt")[0]
    assert "Regionalkoordinatoren" in hit.sentence.text


def test_words_the_sources_never_use_cover_little_of_a_question() -> None:
    hits = default_index().search("wie wird das wetter am wochenende in karlsruhe")
    assert not hits or hits[0].coverage < 0.3


def test_a_new_document_is_answerable_without_nlu_data_or_training(tmp_path: Path) -> None:
    """A sixth document (its .txt and catalogue entry) joins the five: no NLU data, no training."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    (seeds / "900_sprachcafe.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
    catalogue_file = seeds / "sources.yml"
    entries = yaml.safe_load(catalogue_file.read_text(encoding="utf-8"))["sources"]
    entry = {
        "file": "900_sprachcafe.txt",
        "sha256": hashlib.sha256(NEW_DOCUMENT.encode()).hexdigest(),
        "content_lines": [[3, 5]],
        "title": "Sprachcafé im Rathaus Musterstadt",
        "publisher": "Stadt Musterstadt",
        "date": None,
        "as_of": 2023,
        "url": None,
    }
    entries["900"] = entry
    catalogue_file.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True))
    catalogue = load_catalogue.__wrapped__(catalogue_file)
    index = SourceIndex.from_catalogue(catalogue, seeds)
    new = [s for s in index.sentences if s.doc_id == "900"]
    assert len(new) == 3
    assert all("Cookie" not in s.text and "Stadtfest" not in s.text for s in new)

    # The real decision component, on a message the classifiers could not place.
    retriever = SourceRetriever(SourceRetriever.get_default_config(), index=index)
    message = Message(data={"text": "wann ist das sprachcafé in musterstadt",
                            "intent": {"name": "nlu_fallback", "confidence": 0.3}})
    retriever.process_message(message)
    quote = next(e for e in message.get("entities") if e["entity"] == "quote")
    assert quote["value"].split()[0] == "900:0"

    with mock.patch("bot.rendering.quotes.default_index", return_value=index), \
            mock.patch("bot.rendering.quotes.load_catalogue", return_value=catalogue):
        message = fill_quote({"text": ""}, [{"entity": "quote", "value": "900:2"}])
    # No `according_to` in the entry: the title introduces the quote, with the as-of year.
    assert message["text"] == (
        "Laut „Sprachcafé im Rathaus Musterstadt“ (Stand 2023): "
        "„Die Teilnahme ist ohne Anmeldung möglich.“"
    )
    assert message["metadata"]["sources"] == ["900"]


def test_retrieval_over_all_sentences_takes_about_a_millisecond() -> None:
    index = default_index()
    index.search("warm up")
    questions = ["wer ist franz biebl", "wie viel geld investiert das land",
                 "was sagte lucha über doppelstrukturen", "seit wann gibt es die mbe per chat"]
    started = time.perf_counter()
    for _ in range(25):
        for question in questions:
            index.search(question)
    per_question = (time.perf_counter() - started) / 100
    # A generous bound against accidental slowness; the figure itself is in `make bench`.
    assert per_question < 0.02, per_question
    assert len(index.sentences) == len(all_sentences(load_catalogue().values()))


def test_a_coordination_stands_for_both_compounds() -> None:
    from bot.knowledge.retrieval import coordinated_compounds

    found = [w.lower() for w in coordinated_compounds(
        "Sie koordinieren die Flüchtlings- und Integrationsarbeit.")]
    assert "flüchtlingsarbeit" in found


def test_feminine_forms_and_verb_forms_find_the_words_of_the_sources() -> None:
    index = default_index()
    assert "Integrationsmanager" in index.search(
        "wie viele integrationsmanagerinnen finanziert der pakt")[0].sentence.text
    # "koordiniert" (question) and "koordinieren" (source) have different stems.
    hits = index.search("wer koordiniert die flüchtlings- und integrationsarbeit", top=3)
    assert any("zentrale Ansprechpartner und koordinieren" in h.sentence.text for h in hits)


def test_a_compound_part_covers_a_name_only_in_part() -> None:
    hits = default_index().search("wie viele einwohner hat friedrichshafen")
    assert not hits or hits[0].coverage < 0.5


def test_of_sentences_that_score_alike_the_one_holding_more_of_the_question_comes_first() -> None:
    index = default_index()
    question = "rolle land integrationspolitik"
    hits = index.search(question, top=3)
    # BM25 alone prefers the Ministerin's "Integrationspolitik aus einem Guss" (001:18);
    # the sentence about the Land's role (001:19) holds more of what was asked.
    assert max(hits, key=lambda hit: hit.score).sentence.id == "001:18"
    assert hits[0].sentence.id == "001:19"
    assert "Impulsgebers und Koordinators" in hits[0].sentence.text
    ranks = [hit.score * hit.coverage ** 2 for hit in hits]
    assert ranks == sorted(ranks, reverse=True)


def test_what_a_topic_leaves_out_is_measured_against_the_topics_words() -> None:
    index = default_index()
    question = "wie viele diskussionen gab es auf der konferenz"
    conference = index.text_tokens("Konferenz „Integration aus einem Guss“ mit 300 Teilnehmenden")
    hits = {hit.sentence.id: hit for hit in index.search(question, top=5)}
    # "vier Diskussionen" adds the discussions and their number; the opening sentence
    # adds nothing the topic has not said.
    assert index.residual(question, conference, hits["000:14"]) > 0.3
    assert index.residual(question, conference, hits["000:0"]) == 0.0
