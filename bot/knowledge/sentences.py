"""The content sentences of the source documents: what a quote may be taken from.

Only a document's content lines (seeds/sources.yml `content_lines`) are read; web-page
junk outside them never becomes a sentence. Content is cut into paragraphs (blank
lines), a paragraph that a line break split in the middle of a sentence is joined
again, and paragraphs are cut into sentences. Lines without a sentence end (headings,
dates, the publisher's name) are not sentences; a heading is kept as the `heading` of
the sentences below it, which helps retrieval find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from bot.knowledge.catalogue import Source
from bot.paths import SEEDS_DIR

_SENTENCE_END = re.compile(r"[.!?…][“\"»]?$|[“\"»]$")
_SPLIT = re.compile(r"(?<=[.!?])([“\"»]?)\s+(?=[„\"»\wÄÖÜ])")
_ABBREVIATIONS = ("Dr", "Prof", "bzw", "ca", "Nr", "St", "z.B", "u.a", "vgl", "Abs")
_ORDINAL = re.compile(r"(?:^|\s)\d{1,2}$")
MIN_WORDS = 4
"""A shorter sentence ("Dies sei sinnvoll.") is kept together with the next one."""


@dataclass(frozen=True)
class ContentSentence:
    """One sentence of a document's content.

    Attributes:
        doc_id: The document's id in the catalogue.
        index: The sentence's position among the document's sentences (0-based).
        text: The sentence exactly as it stands (line breaks collapsed).
        heading: The heading above its paragraph, or the document's title.
        paragraph: The position of its paragraph among the document's paragraphs.
    """

    doc_id: str
    index: int
    text: str
    heading: str
    paragraph: int

    @property
    def id(self) -> str:
        """A short id, e.g. "003:7"."""
        return f"{self.doc_id}:{self.index}"


def _paragraphs(content: str) -> List[str]:
    """Returns the content's paragraphs, each on one line."""
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", content)]
    blocks = [block for block in blocks if block]
    joined: List[str] = []
    for block in blocks:
        # A sentence that a blank line cut ("… eine" / "zukunftsweisende …") is one paragraph.
        if joined and not _SENTENCE_END.search(joined[-1]) and block[0].islower():
            joined[-1] = f"{joined[-1]} {block}"
        else:
            joined.append(block)
    return joined


def _is_sentence(block: str) -> bool:
    """Whether a block ends like a sentence (headings and date lines do not)."""
    return bool(_SENTENCE_END.search(block)) and len(block.split()) >= MIN_WORDS


def _content(source: Source, seeds_dir: Path) -> str:
    """Returns the document's content lines; separate ranges stay separate paragraphs."""
    lines = source.text(seeds_dir).splitlines()
    return "\n\n".join(
        "\n".join(lines[start - 1 : end]) for start, end in source.content_lines
    )


def split_sentences(paragraph: str) -> List[str]:
    """Cuts a paragraph into sentences (German: ordinals and abbreviations kept).

    Args:
        paragraph: One paragraph on one line.

    Returns:
        The sentences, verbatim, in order.
    """
    sentences: List[str] = []
    start = 0
    for match in _SPLIT.finditer(paragraph):
        end = match.start() + len(match.group(1))
        before = paragraph[start : match.start()].rstrip(".!?")
        if before.endswith(_ABBREVIATIONS) or _ORDINAL.search(before):
            continue
        sentences.append(paragraph[start:end].strip())
        start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    merged: List[str] = []
    for sentence in sentences:
        if merged and len(merged[-1].split()) < MIN_WORDS:
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    return merged


def document_sentences(source: Source, seeds_dir: Path = SEEDS_DIR) -> List[ContentSentence]:
    """Returns the content sentences of one document.

    Args:
        source: The document's catalogue entry.
        seeds_dir: The folder with the document's file.
    """
    sentences: List[ContentSentence] = []
    heading = source.title
    for number, block in enumerate(_paragraphs(_content(source, seeds_dir))):
        if not _is_sentence(block):
            if not re.search(r"\d{2}\.\d{2}\.\d{4}", block):
                heading = block
            continue
        for text in split_sentences(block):
            sentences.append(ContentSentence(source.id, len(sentences), text, heading, number))
    return sentences


def all_sentences(
    sources: Iterable[Source], seeds_dir: Path = SEEDS_DIR
) -> List[ContentSentence]:
    """Returns the content sentences of every document, document by document."""
    return [s for source in sources for s in document_sentences(source, seeds_dir)]


def sentences_by_id(sentences: Iterable[ContentSentence]) -> Dict[str, ContentSentence]:
    """Returns the sentences by their id ("003:7")."""
    return {sentence.id: sentence for sentence in sentences}


def find_sentence(
    sentences: Iterable[ContentSentence], fragment: str, doc_id: Optional[str] = None
) -> List[ContentSentence]:
    """Returns the sentences that contain a fragment (whitespace-insensitive)."""
    wanted = " ".join(fragment.split())
    return [
        s for s in sentences
        if wanted in s.text and (doc_id is None or s.doc_id == doc_id)
    ]
