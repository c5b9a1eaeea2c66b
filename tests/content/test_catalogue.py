"""The catalogue of source documents: files kept as given, every document dated."""

from __future__ import annotations

import hashlib

import pytest

from bot.knowledge.catalogue import load_catalogue
from bot.paths import SEEDS_DIR
from tests.content.meaning import normalise

CATALOGUE = load_catalogue()


def test_seed_documents_are_kept_byte_for_byte_as_given() -> None:
    """The recorded sha256 of each document was taken from the originals the project
    was given (../shared/seeds); comparing with it needs nothing outside the repository,
    so a clean clone checks the same as a developer's machine."""
    files = sorted(p.name for p in SEEDS_DIR.glob("*.txt"))
    assert files == sorted(source.file for source in CATALOGUE.values())
    for source in CATALOGUE.values():
        digest = hashlib.sha256((SEEDS_DIR / source.file).read_bytes()).hexdigest()
        assert digest == source.sha256, f"{source.file} differs from the document as given"


@pytest.mark.parametrize("doc_id", sorted(CATALOGUE))
def test_every_document_says_when_it_was_true(doc_id: str) -> None:
    source = CATALOGUE[doc_id]
    assert source.date or source.as_of, f"{doc_id}: needs a printed `date` or an `as_of` year"
    assert source.when and str(source.year) in source.when
    if source.date:
        assert source.date in source.text(), f"{doc_id}: the date is printed in the document"
    else:
        evidence = normalise(source.as_of_evidence or "")
        assert evidence and evidence in normalise(source.content()), doc_id
        assert str(source.as_of) in evidence or str(source.as_of + 1) in evidence, doc_id


@pytest.mark.parametrize("doc_id", sorted(CATALOGUE))
def test_every_document_has_a_compact_citation(doc_id: str) -> None:
    source = CATALOGUE[doc_id]
    assert source.short and source.according_to, doc_id
    assert source.compact_citation() == f"{source.short}, {source.when}"
    assert len(source.compact_citation()) <= 40, "compact: publisher's short name and date"


def test_a_ministry_is_named_as_it_was_then() -> None:
    """004's page header shows the ministry's later name; in 2017 it was the
    "Ministerium für Soziales und Integration" (so named by 000, 2018)."""
    source = CATALOGUE["004"]
    assert source.publisher == "Ministerium für Soziales und Integration Baden-Württemberg"
    assert source.publisher in normalise(CATALOGUE["000"].content())
