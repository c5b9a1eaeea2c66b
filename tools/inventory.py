"""The inventory of the sources' content sentences: which answer serves each one.

For every content sentence of every document (bot/knowledge/sentences.py), a question
is built from it (its five rarest words, in their order, as a newcomer would type
keywords) and sent through the retrieval and its decision component as an unsure
question (bot.nlu.source_retriever.SourceRetriever). A sentence is served

- by `retrieval` when that question gets the sentence quoted, and
- by `curated:<topic>` when a curated FAQ answer rests on it (its evidence),

and `unreachable` when neither holds. tests/bot/knowledge/test_inventory.py fails on
any unreachable sentence.

    .venv/bin/python tools/inventory.py
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.knowledge.curated import FAQ_RESPONSE_PREFIX, load_responses  # noqa: E402
from bot.knowledge.retrieval import SourceIndex, default_index, stems, words  # noqa: E402
from bot.knowledge.sentences import ContentSentence  # noqa: E402
from bot.nlu.source_retriever import SourceRetriever  # noqa: E402

KEYWORDS = 5
"""How many of a sentence's rarest words make its question."""


@dataclass
class Entry:
    """One content sentence and the answers that serve it."""

    sentence: ContentSentence
    question: str
    retrieval: bool
    topics: List[str]

    @property
    def reachable(self) -> bool:
        """Whether some answer serves the sentence."""
        return self.retrieval or bool(self.topics)


def question_for(sentence: ContentSentence, index: SourceIndex) -> str:
    """Returns a keyword question built from a sentence: its rarest words, in order."""
    candidates = [w for w in dict.fromkeys(words(sentence.text)) if not w.isdigit()]

    def rarity(word: str) -> float:
        tokens = stems(word, expand=False)
        return max((index.idf.get(t, 0.0) for t in tokens), default=0.0)

    chosen = set(sorted(candidates, key=rarity, reverse=True)[:KEYWORDS])
    return " ".join(w for w in candidates if w in chosen)


def curated_topics(sentence: ContentSentence) -> List[str]:
    """Returns the FAQ topics whose evidence lies in the sentence (or holds it)."""
    topics = []
    for name, variants in load_responses().items():
        if not name.startswith(FAQ_RESPONSE_PREFIX):
            continue
        evidence = [e for v in variants for e in (v.get("metadata") or {}).get("evidence") or []]
        text = sentence.text.strip("„“\" ")
        for quote in evidence:
            quote = " ".join(quote.split()).strip("„“\" ")
            if len(quote) > 20 and (quote in sentence.text or text in quote):
                topics.append(name[len(FAQ_RESPONSE_PREFIX):])
                break
    return topics


def inventory(index: SourceIndex | None = None) -> List[Entry]:
    """Returns the inventory of every content sentence."""
    index = index or default_index()
    retriever = SourceRetriever(SourceRetriever.get_default_config(), index=index)
    entries = []
    for sentence in index.sentences:
        question = question_for(sentence, index)
        message = Message(data={"text": question,
                                "intent": {"name": "nlu_fallback", "confidence": 0.3}})
        retriever.process_message(message)
        quoted = next((e["value"].split() for e in message.get("entities") or []
                       if e["entity"] == "quote"), [])
        entries.append(Entry(sentence, question, sentence.id in quoted, curated_topics(sentence)))
    return entries


def main() -> int:
    """Prints the inventory; exits 1 when a sentence is unreachable."""
    entries = inventory()
    for entry in entries:
        served = (["retrieval"] if entry.retrieval else []) + [f"curated:{t}" for t in entry.topics]
        print(f"{entry.sentence.id:7s} {', '.join(served) or 'UNREACHABLE':45s} "
              f"[{entry.question}] {entry.sentence.text[:60]}")
    unreachable = [e for e in entries if not e.reachable]
    print(f"{len(entries)} content sentences: {sum(e.retrieval for e in entries)} quoted by "
          f"retrieval, {sum(bool(e.topics) for e in entries)} in curated answers, "
          f"{len(unreachable)} unreachable")
    return 1 if unreachable else 0


if __name__ == "__main__":
    sys.exit(main())
