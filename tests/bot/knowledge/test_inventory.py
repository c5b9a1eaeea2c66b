"""Every content sentence of every document is served by some answer (tools/inventory.py)."""

from __future__ import annotations

from tools.inventory import inventory


def test_every_content_sentence_is_reachable_by_retrieval_or_a_curated_answer() -> None:
    entries = inventory()
    unreachable = [f"{e.sentence.id} [{e.question}] {e.sentence.text}"
                   for e in entries if not e.reachable]
    assert not unreachable, "content sentences no answer serves:\n" + "\n".join(unreachable)


def test_the_inventory_covers_every_document() -> None:
    from bot.knowledge.catalogue import load_catalogue

    documents = {entry.sentence.doc_id for entry in inventory()}
    assert documents == set(load_catalogue())
