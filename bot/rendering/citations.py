"""The citation line an answer ends with: which documents it rests on."""

from __future__ import annotations

from typing import Optional, Sequence

from bot.knowledge.catalogue import Source


def citation_label(sources: Sequence[Source]) -> str:
    """Returns the German word in front of the citation: "Quelle" or "Quellen"."""
    return "Quellen" if len(sources) > 1 else "Quelle"


def citation_line(sources: Sequence[Source], label: Optional[str] = None) -> str:
    """Returns the line that names the sources of an answer.

    Args:
        sources: The documents the answer rests on.
        label: The word in front; the German `citation_label` when None.

    Returns:
        e.g. `Quelle: BAMF, 10.07.2018` or `Quellen: BAMF, 10.07.2018; die:gemeinde,
        Stand 2024`; "" without sources. The full titles go with the message's
        `sources` (`Source.details`), for channels that can show them.
    """
    if not sources:
        return ""
    citations = "; ".join(source.compact_citation() for source in sources)
    return f"{label or citation_label(sources)}: {citations}"
