"""Keeps names, terms, numbers, dates and URLs unchanged through machine translation.

Protected spans are replaced by placeholders `⟦0⟧`, `⟦1⟧`, … before translation and put
back afterwards. `restore` refuses (returns None) when the translation lost, invented,
duplicated or mangled a placeholder (grown into a word: "⟦0⟧ector"), so that the caller
can fall back; `contains_placeholder` tells whether any placeholder bracket is left.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

PROTECTED_TERMS: Sequence[str] = (
    "Migrationsberatung für Erwachsene",
    "Pakt für Integration",
    "Integration aus einem Guss",
    "Baden-Württemberg",
    "Integrationsmanagerinnen",
    "Integrationsmanagern",
    "Integrationsmanager",
    "Integrationsmanagement",
    "WebGis",
    "WebGIS",
    "mbeon",
    "MBE",
    "BAMF",
    "AMIF",
    "IntMK",
)
"""Names and terms that must reach the user as the sources write them (longest first)."""

MAX_PLACEHOLDERS = 10
"""Placeholders `⟦0⟧`…`⟦9⟧` are single tokens for the models; more are not used."""

_URL = r"(?:https?://|www\.)[^\s]*[^\s.,;:!?)»“\"]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_DATE = r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b"
_NUMBER = r"\b\d+(?:[.,]\d+)*\b"
_PLACEHOLDER = re.compile(r"⟦(\d)⟧")
_PLACEHOLDER_MARK = re.compile("[⟦⟧]")


def _terms_pattern(terms: Sequence[str]) -> str:
    ordered = sorted(terms, key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(re.escape(t) for t in ordered) + r")(?!\w)"


_PROTECTED = re.compile("|".join([_URL, _DATE, _terms_pattern(PROTECTED_TERMS), _NUMBER]))


@dataclass(frozen=True)
class Masked:
    """A text with its protected spans replaced by placeholders.

    Attributes:
        text: The text to translate.
        spans: The original spans, by placeholder number.
    """

    text: str
    spans: tuple

    def restore(self, translated: str) -> Optional[str]:
        """Puts the protected spans back into a translation.

        Returns:
            The restored translation, or None when the placeholders did not survive
            exactly once each.
        """
        found = [int(n) for n in _PLACEHOLDER.findall(translated)]
        if sorted(found) != list(range(len(self.spans))):
            return None
        if _glued(translated) - _glued(self.text):
            return None  # "⟦0⟧ector": a placeholder grown into a word is mangled
        restored = _PLACEHOLDER.sub(lambda m: self.spans[int(m.group(1))], translated)
        return None if contains_placeholder(restored) else restored


def _glued(text: str) -> set:
    """Returns the placeholders of a text that touch a letter or digit."""
    return {
        m.group(1)
        for m in _PLACEHOLDER.finditer(text)
        if text[m.start() - 1 : m.start()].isalnum() or text[m.end() : m.end() + 1].isalnum()
    }


def mask(text: str) -> Masked:
    """Replaces protected spans with placeholders (at most `MAX_PLACEHOLDERS`)."""
    spans: List[str] = []

    def substitute(match: re.Match) -> str:
        if len(spans) == MAX_PLACEHOLDERS:
            return match.group()
        spans.append(match.group())
        return f"⟦{len(spans) - 1}⟧"

    return Masked(_PROTECTED.sub(substitute, text), tuple(spans))


def contains_placeholder(text: str) -> bool:
    """Whether a text has a placeholder bracket `⟦` or `⟧` (whole or broken)."""
    return _PLACEHOLDER_MARK.search(text) is not None


def protected_spans(text: str) -> List[str]:
    """Returns the spans of a text that translation must keep unchanged."""
    return [m.group() for m in _PROTECTED.finditer(text)]
