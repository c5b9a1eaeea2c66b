"""Content checks: every fact the assistant states stands, with its meaning and its year,
in the document it cites (the checks are in tests/content/meaning.py)."""

from __future__ import annotations

import re
from typing import Iterator, List, Tuple

import pytest

from bot.knowledge.catalogue import load_catalogue
from bot.knowledge.curated import faq_topics, load_responses
from tests.content.meaning import (
    YEAR,
    Evidence,
    check_answer,
    content_words,
    is_figure,
    normalise,
    sentences,
    words,
)

JUNK = ("Cookie", "Related posts", "Leave a Reply", "Weitere Meldungen", "Bild:",
        "Foto:", "SpätzlesPress", "Back to Top", "Berechne Lesezeit", "Adobe Stock")

RESPONSES = load_responses()
CATALOGUE = load_catalogue()


def variations() -> Iterator[Tuple[str, dict]]:
    """Yields (response name, variation) for every response variation."""
    for name, variants in RESPONSES.items():
        for variant in variants:
            yield name, variant


def cited(variant: dict) -> List[str]:
    """The ids of the documents a response cites."""
    return [str(i) for i in variant.get("metadata", {}).get("sources", [])]


FACTS = [(name, v) for name, v in variations() if cited(v)]
"""Responses that state facts of the sources (they cite documents)."""

DIALOGUE = [(name, v) for name, v in variations() if not cited(v)]
"""Responses that cite nothing: greeting, help, declines."""


def test_at_least_25_faq_topics_with_answers() -> None:
    topics = faq_topics(RESPONSES)
    assert len(topics) >= 25
    for topic in topics:
        variant = RESPONSES[f"utter_faq/{topic}"][0]
        assert variant["text"].strip(), topic
        assert variant["metadata"]["title"], topic
        assert variant["metadata"]["sources"], topic
        assert variant["metadata"]["evidence"], topic


def test_every_seed_document_is_used() -> None:
    assert {i for _, variant in variations() for i in cited(variant)} == set(CATALOGUE)


@pytest.mark.parametrize("name,variant", FACTS)
def test_evidence_is_quoted_from_the_content_of_the_cited_documents(
    name: str, variant: dict
) -> None:
    content = normalise("\n".join(CATALOGUE[i].content() for i in cited(variant)))
    for sentence in variant["metadata"].get("evidence", []):
        assert normalise(sentence) in content, f"{name}: not in cited content: {sentence}"


@pytest.mark.parametrize("name,variant", FACTS)
def test_every_sentence_rests_on_its_evidence_with_meaning_and_year(
    name: str, variant: dict
) -> None:
    problems = check_answer(variant["text"], cited(variant), variant["metadata"]["evidence"])
    assert not problems, f"{name}:\n" + "\n".join(str(p) for p in problems)


@pytest.mark.parametrize("name,variant", DIALOGUE)
def test_dialogue_responses_state_no_facts(name: str, variant: dict) -> None:
    """Without a citation a response may name only years the sources cover, and words
    that stand in some document or in the plain-word list."""
    text = normalise(variant["text"])
    years = {str(source.year) for source in CATALOGUE.values()}
    figures = [t for t in words(text) if is_figure(t) and t not in years]
    assert not figures, f"{name}: figures without a source: {figures}"
    everything = Evidence(" ".join(s.content() for s in CATALOGUE.values()), None)
    unknown = [
        word for sentence in sentences(text) for word in content_words(sentence)
        if not everything.supports_word(word)
    ]
    assert not unknown, f"{name}: names/terms in no document: {unknown}"


@pytest.mark.parametrize("name,variant", list(variations()))
def test_no_web_page_junk_in_responses(name: str, variant: dict) -> None:
    for junk in JUNK:
        assert junk not in variant["text"], f"{name} contains page junk {junk!r}"


def test_greeting_and_help_say_which_years_the_sources_cover() -> None:
    years = sorted(source.year for source in CATALOGUE.values())
    span = f"{years[0]} bis {years[-1]}"
    for name in ("utter_greet", "utter_help"):
        assert span in normalise(RESPONSES[name][0]["text"]), f"{name} must say „{span}“"


def test_a_person_answer_states_the_office_as_of_the_source_and_that_it_may_have_changed(
) -> None:
    for topic in faq_topics(RESPONSES):
        if not topic.startswith("person_"):
            continue
        text = normalise(RESPONSES[f"utter_faq/{topic}"][0]["text"])
        assert re.search(r"\b(?:war|waren|hatte|leitete)\b", text), f"{topic}: past tense"
        assert any(YEAR.match(t) for t in words(text)), f"{topic}: year"
        assert "kann sich" in text and "geändert" in text, f"{topic}: may have changed"
