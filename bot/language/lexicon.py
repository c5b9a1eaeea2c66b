"""Names and terms of the assistant's domain, which say nothing about a message's language.

"Dr. Sommer BAMF", "roswitha keicher heilbronn" or "Soforthilfe Ukraine" are names and
terms from the source documents; a language detector would call them English, French
or Turkish. They are taken from the documents' content once, when first needed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import FrozenSet

from bot.knowledge.catalogue import load_catalogue
from bot.language.detect import is_common_word

MIN_LENGTH = 2
"""Single capital letters are not taken."""

_CAPITALISED = re.compile(r"\b[A-ZÄÖÜ][\wÄÖÜäöüß]*")
_WITHOUT_UMLAUTS = (str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}),
                    str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
"""People without a German keyboard write "Oney" or "Oeney" for "Öney"."""
_SENTENCE_START = re.compile(r"(?:^|[.!?:„“\"]\s*|\n\s*)$")


@lru_cache(maxsize=1)
def domain_names() -> FrozenSet[str]:
    """Returns the lower-cased names, nouns and acronyms of the sources.

    Capitalised words at a sentence start ("Ein", "Was") and the common words the
    detector uses as evidence are left out, so that German stays recognisable. Names
    with umlauts are also taken as written without them ("oney", "oeney" for "Öney").
    """
    words = set()
    for source in load_catalogue().values():
        content = source.content()
        for match in _CAPITALISED.finditer(content):
            word = match.group().lower()
            at_start = _SENTENCE_START.search(content[max(0, match.start() - 3) : match.start()])
            if len(word) >= MIN_LENGTH and not at_start and not is_common_word(word):
                words.add(word)
    spelled = {word.translate(table) for word in words for table in _WITHOUT_UMLAUTS}
    return frozenset(words | {word for word in spelled if not is_common_word(word)})


_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def source_vocabulary() -> FrozenSet[str]:
    """Returns every lower-cased word of the sources' content (German).

    A message made only of these words and common German words is German, even when
    letter statistics call it English or French ("was sagte aydan özoğuz", "je früher
    desto besser").
    """
    words = set()
    for source in load_catalogue().values():
        words |= {w.lower() for w in _WORD.findall(source.content()) if len(w) >= MIN_LENGTH}
    return frozenset(words)
