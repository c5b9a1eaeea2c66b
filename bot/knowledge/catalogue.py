"""The catalogue of source documents: title, publisher, date and content lines."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

from bot.paths import SEEDS_DIR, SOURCES_CATALOGUE

AS_OF = "Stand {year}"
"""How an answer dates a document that prints no date: by the year its text shows."""


@dataclass(frozen=True)
class Source:
    """One source document of `seeds/`.

    Attributes:
        id: The document's id, e.g. "003".
        file: The file name inside `seeds/`.
        title: The document's headline.
        publisher: Who published it.
        date: The publication date as printed, or None.
        url: The address printed in the document, or None.
        content_lines: 1-based inclusive line ranges of the document's own content.
        sha256: The checksum of the file as given.
        as_of: For a document without a printed date, the year its text shows.
        as_of_evidence: The sentence of the document that shows `as_of`.
        short: The publisher's short name, for compact citations.
        according_to: The words that introduce a quote from the document.
    """

    id: str
    file: str
    title: str
    publisher: str
    date: Optional[str]
    url: Optional[str]
    content_lines: Tuple[Tuple[int, int], ...]
    sha256: str
    as_of: Optional[int] = None
    as_of_evidence: Optional[str] = None
    short: Optional[str] = None
    according_to: Optional[str] = None

    @property
    def year(self) -> Optional[int]:
        """The year the document was true: of its printed date, else `as_of`."""
        if self.date:
            return int(self.date.rsplit(".", 1)[-1])
        return self.as_of

    @property
    def when(self) -> str:
        """The printed date ("10.07.2018"), else "Stand 2016" from `as_of`."""
        if self.date:
            return self.date
        return AS_OF.format(year=self.as_of) if self.as_of else ""

    def text(self, seeds_dir: Path = SEEDS_DIR) -> str:
        """Returns the whole document as given."""
        return (seeds_dir / self.file).read_text(encoding="utf-8")

    def content(self, seeds_dir: Path = SEEDS_DIR) -> str:
        """Returns only the document's own content, without web-page junk."""
        lines = self.text(seeds_dir).splitlines()
        kept = [
            line
            for start, end in self.content_lines
            for line in lines[start - 1 : end]
        ]
        return "\n".join(kept)

    def citation(self) -> str:
        """Returns the full form that names the document: title, publisher, date or year."""
        return f"„{self.title}“ ({self.publisher}, {self.when})"

    def compact_citation(self) -> str:
        """Returns the short form an answer's text ends with: "BAMF, 10.07.2018"."""
        return f"{self.short or self.publisher}, {self.when}"

    def details(self) -> Dict[str, object]:
        """Returns what a channel needs to show the full source (REST: `sources`).

        `date` is the printed date, or "Stand 2016" for a document that prints none;
        `citation` is the compact form written in the answer's text.
        """
        return {
            "title": self.title,
            "publisher": self.publisher,
            "short": self.short or self.publisher,
            "date": self.when,
            "year": self.year,
            "url": self.url,
            "citation": self.compact_citation(),
        }


@cache
def load_catalogue(path: Path = SOURCES_CATALOGUE) -> Dict[str, Source]:
    """Reads the catalogue of source documents.

    Args:
        path: The catalogue file.

    Returns:
        The documents by id.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        str(doc_id): Source(
            id=str(doc_id),
            file=entry["file"],
            title=entry["title"],
            publisher=entry["publisher"],
            date=entry.get("date"),
            url=entry.get("url"),
            content_lines=tuple(tuple(pair) for pair in entry["content_lines"]),
            sha256=entry["sha256"],
            as_of=entry.get("as_of"),
            as_of_evidence=entry.get("as_of_evidence"),
            short=entry.get("short"),
            according_to=entry.get("according_to"),
        )
        for doc_id, entry in data["sources"].items()
    }


def sources_for(source_ids: Iterable[str]) -> List[Source]:
    """Returns the catalogue entries for the given ids, in the given order.

    Raises:
        KeyError: if an id is not in the catalogue.
    """
    catalogue = load_catalogue()
    return [catalogue[str(source_id)] for source_id in source_ids]
