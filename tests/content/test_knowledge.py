"""Content checks: every fact the assistant states stands in the document it cites."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import pytest

from bot.knowledge.catalogue import load_catalogue
from bot.knowledge.curated import faq_topics, load_responses
from bot.paths import PROJECT_ROOT, SEEDS_DIR

SHARED_SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
PLAIN_WORDS_FILE = Path(__file__).with_name("plain_words.txt")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
CAPITALISED = re.compile(r"[A-ZÄÖÜ][\wÄÖÜäöüß]*(?:-[\wÄÖÜäöüß]+)*")
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|„)$")
JUNK = ("Cookie", "Related posts", "Leave a Reply", "Weitere Meldungen", "Bild:",
        "Foto:", "SpätzlesPress", "Back to Top", "Berechne Lesezeit", "Adobe Stock")

RESPONSES = load_responses()
CATALOGUE = load_catalogue()


def plain_words() -> Set[str]:
    """Generic German words our answers may use although no cited sentence has them."""
    lines = PLAIN_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def normalise(text: str) -> str:
    """Collapses whitespace so that line breaks do not matter."""
    return " ".join(text.split())


def variations() -> Iterator[Tuple[str, dict]]:
    """Yields (response name, variation) for every response variation."""
    for name, variants in RESPONSES.items():
        for variant in variants:
            yield name, variant


def cited_content(variant: dict) -> str:
    """Returns the content of the documents a response cites, joined.

    A response that cites nothing may only use what stands in some document.
    """
    ids = variant.get("metadata", {}).get("sources", []) or list(CATALOGUE)
    return normalise("\n".join(CATALOGUE[str(i)].content() for i in ids))


def names_in(text: str) -> List[str]:
    """Returns the capitalised words of a text that do not start a sentence."""
    found = []
    for match in CAPITALISED.finditer(text):
        if not SENTENCE_START.search(text[: match.start()]):
            found.append(match.group())
    return found


def stands_in(word: str, content: str) -> bool:
    """Whether a word (or its stem, for inflected forms) appears in the content."""
    stem = word if len(word) < 7 else word[: len(word) - 3]
    return stem in content


def test_seed_documents_are_kept_as_given() -> None:
    files = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert files == sorted(source.file for source in CATALOGUE.values())
    if SHARED_SEEDS.is_dir():
        for name in files:
            assert (SEEDS_DIR / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name
    for source in CATALOGUE.values():
        digest = hashlib.sha256((SEEDS_DIR / source.file).read_bytes()).hexdigest()
        assert digest == source.sha256, source.file


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
    cited = {
        str(i)
        for _, variant in variations()
        for i in variant.get("metadata", {}).get("sources", [])
    }
    assert cited == set(CATALOGUE)


@pytest.mark.parametrize("name,variant", list(variations()))
def test_evidence_is_quoted_from_the_cited_documents(name: str, variant: dict) -> None:
    content = cited_content(variant)
    for sentence in variant.get("metadata", {}).get("evidence", []):
        assert normalise(sentence) in content, f"{name}: not in cited content: {sentence}"


@pytest.mark.parametrize("name,variant", list(variations()))
def test_figures_in_a_response_appear_in_the_cited_documents(name: str, variant: dict) -> None:
    content = cited_content(variant)
    ids = variant.get("metadata", {}).get("sources", []) or list(CATALOGUE)
    years = [str(CATALOGUE[str(i)].year) for i in ids]  # the date of the document itself
    for figure in NUMBER.findall(variant["text"]):
        assert figure in NUMBER.findall(content) + years, f"{name}: {figure} not in its sources"


@pytest.mark.parametrize("name,variant", list(variations()))
def test_names_in_a_response_appear_in_the_cited_documents(name: str, variant: dict) -> None:
    content = cited_content(variant)
    allowed = plain_words()
    unknown = [
        word for word in names_in(normalise(variant["text"]))
        if word not in allowed and not stands_in(word, content)
    ]
    assert not unknown, f"{name}: names/terms not in its sources: {unknown}"


@pytest.mark.parametrize("name,variant", list(variations()))
def test_no_web_page_junk_in_responses(name: str, variant: dict) -> None:
    for junk in JUNK:
        assert junk not in variant["text"], f"{name} contains page junk {junk!r}"


def test_the_name_check_catches_an_invented_fact() -> None:
    variant = {"text": "Die Beratung kostet 25 Euro bei Integrationsmanager Müller.",
               "metadata": {"sources": ["003"]}}
    content = cited_content(variant)
    assert "25" not in NUMBER.findall(content)
    assert [w for w in names_in(variant["text"]) if not stands_in(w, content)] == ["Müller"]


@pytest.mark.parametrize("doc_id", sorted(CATALOGUE))
def test_every_document_says_when_it_was_true(doc_id: str) -> None:
    source = CATALOGUE[doc_id]
    assert source.date or source.as_of, f"{doc_id}: needs a printed `date` or an `as_of` year"
    assert source.when and str(source.year) in source.when
    if not source.date:
        evidence = normalise(source.as_of_evidence or "")
        assert evidence and evidence in normalise(source.content()), doc_id
        assert str(source.as_of) in evidence or str(source.as_of + 1) in evidence, doc_id
