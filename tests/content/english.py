"""Checks that a reviewed English translation keeps the meaning-bearing parts of its German.

Test-only code (tests/content/test_reviewed_english.py). A translation cannot be checked
word by word, but what makes an answer a confident wrong one can: a figure or year that
changed or went missing, "mehr als" that became "about", "Stand 2024" without its "as
of 2024", an aim or a hedge ("soll", "kann", "häufig") stated as a fact, a negation
lost, a protected term (Integrationsmanager, MBE, …) translated away, a quote that is
no longer the source's words, a name that the German does not have. The German side
reuses tests/content/meaning.py (its number words, claim and modality groups and figure
qualifiers); the English side mirrors them here.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Dict, List, Set

from bot.translation.protect import PROTECTED_TERMS
from tests.content.meaning import (
    MODALITY_GROUPS,
    NUMBER_WORDS,
    QUOTE,
    YEAR,
    claims_in,
    figure_qualifiers,
    figure_value,
    groups_in,
    is_figure,
    words,
)

ENGLISH_NUMBER_WORDS: Dict[str, str] = {
    "zwei": "two", "drei": "three", "vier": "four", "fünf": "five", "sechs": "six",
    "sieben": "seven", "acht": "eight", "neun": "nine", "zehn": "ten", "elf": "eleven",
    "zwölf": "twelve", "zwanzig": "twenty", "dreißig": "thirty", "vierzig": "forty",
    "fünfzig": "fifty", "hundert": "hundred", "tausend": "thousand", "dutzend": "dozen",
    "hälfte": "half", "drittel": "third", "viertel": "quarter", "doppelt": "double|twice",
    "dreifach": "three times|triple",
}
"""The English of meaning.NUMBER_WORDS (a test checks that both list the same words)."""

MAGNITUDES: Dict[str, str] = {
    r"Million(?:en)?": "million",
    r"Milliarden?": "billion",
    r"Prozent": "percent|per cent|%",
    r"Euro": "euros?",
}
"""Words that make a figure what it is: 55 Millionen Euro are not 55 billion dollars."""

ENGLISH_CLAIMS: Dict[str, str] = {
    "negation": r"not|no|never|nothing|nobody|none|cannot|without",
    "all": r"all|every|everyone|everybody|everything|everywhere|each|always|whole",
    "only": r"only|just",
    "now": r"today|now|currently|at present",
    "free": r"free|free of charge",
    "right": r"must|have to|has to|entitled|right to|guaranteed|obliged",
    "pay": r"pay|pays|paid",
    "receive": r"get|gets|got|receive|receives|received",
    "cause": r"because|why|therefore|reason|so",
}
"""The English of meaning.CLAIM_GROUPS. "purpose" ("um … zu", "damit") is left out: its
English "to" cannot be told from any other "to"."""

ENGLISH_MODALITIES: Dict[str, str] = {
    "aim": r"want|wants|wanted|would like|would you like|should|aim|aims|meant to|plan|"
           r"plans|planned|wish|wished|necessary|demand|demanded|called for",
    "possible": r"can|cannot|could|may|might|perhaps|maybe|possible|possibly|able",
    "hedge": r"often|partly|limited|sometimes|mostly|majority",
}
"""The English of meaning.MODALITY_GROUPS."""

ENGLISH_QUALIFIERS = (
    ("more", re.compile(r"(?:more than|over|at least)$")),
    ("about", re.compile(r"(?:about|around|roughly|approximately)$")),
    ("almost", re.compile(r"(?:almost|nearly|just under)$")),
)
"""The English of meaning.QUALIFIERS ("well over" ends in "over")."""

ENGLISH_NAMES = frozenset(
    "Hello Sorry Yes OK A All I My Your Do Please Sure Goodbye You Which What Who Why Where How "
    "Is Help "
    "Source Sources Here If In At With From For By As Since That This These They Then The "
    "There It He She We Other Another Also Choose Ask Write Questions Access Funding Networks "
    "Integration Data Transparency Everyone Good Because Perhaps Representatives People Hardly "
    "Advice January February March April May June July August September October November "
    "December "
    "German Germany Brussels Ukraine EU European Asylum Migration Fund Federal Office "
    "Refugees Government Commissioner Ministry Minister Ministers State Secretary Social "
    "Affairs Health President Dr Pact Länder Bundesländer "
    "Local Phone Email Address Opening Languages Thank Thanks".split()
)
"""Capitalised English words a translation may use that its German need not contain: sentence
openings, and the English of names and offices (Brussels for Brüssel, Federal Office …)."""

_NUMBER = re.compile(r"(?<![\w])\d+(?:[.,]\d+)*")
_AS_OF = re.compile(r"\bStand (\d{4})\b")
_URL = re.compile(r"https?://\S+|www\.\S+")
_SLOT = re.compile(r"\{\w+\}")
_ENGLISH_QUOTE = re.compile(r"„([^“”]+)[“”]")


def _pattern(alternatives: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


def german_value(token: str) -> str:
    """A German figure as compared: "1.200" → "1200", "5,6" → "5.6"."""
    return figure_value(token).replace(",", ".")


def english_value(token: str) -> str:
    """An English figure as compared: "1,200" → "1200", "5.6" stays. "1.200" stays
    "1.200" (one point two): the German way of writing a thousand is wrong in English."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):
        return token.replace(",", "")
    return token


def german_figures(text: str) -> Counter:
    """The figures of a German text, number words as their English."""
    found: Counter = Counter()
    for token in words(text):
        if not is_figure(token):
            continue
        lower = token.lower()
        found[ENGLISH_NUMBER_WORDS[lower] if lower in NUMBER_WORDS else german_value(token)] += 1
    return found


def english_figures(text: str) -> Counter:
    """The figures of an English text, in the keys german_figures uses."""
    found: Counter = Counter(english_value(m.group()) for m in _NUMBER.finditer(text))
    for english in set(ENGLISH_NUMBER_WORDS.values()):
        found[english] += len(_pattern(english).findall(text))
    return +found


def english_qualifiers(text: str) -> Dict[str, Set[str]]:
    """Each figure of an English text with the qualifiers it has anywhere (None: exact)."""
    found: Dict[str, Set] = {}
    numbers = [(m.start(), english_value(m.group())) for m in _NUMBER.finditer(text)]
    for english in set(ENGLISH_NUMBER_WORDS.values()):
        numbers += [(m.start(), english) for m in _pattern(english).finditer(text)]
    for start, value in numbers:
        tail = " ".join(text[:start].split()).lower()[-20:]
        group = next((name for name, pattern in ENGLISH_QUALIFIERS if pattern.search(tail)), None)
        found.setdefault(value, set()).add(group)
    return found


def problems(key: str, german: str, english: str) -> List[str]:
    """Everything the English drops or changes of what the German says.

    Args:
        key: The text's key (`utter_faq/…` and `topic/…` quote the sources verbatim).
        german: The German text.
        english: Its reviewed English translation.
    """
    found: List[str] = []
    wanted, have = german_figures(german), english_figures(english)
    for figure, count in wanted.items():
        if have[figure] < count:
            kind = "year" if YEAR.match(figure) else "figure"
            found.append(f"{kind} {figure} {count}× in the German, {have[figure]}× in the English")
    for german_word, english_word in MAGNITUDES.items():
        count = len(_pattern(german_word).findall(german))
        if len(_pattern(english_word).findall(english)) < count:
            found.append(f"{german_word!r} {count}× in the German, not as {english_word!r}")
    qualifiers = english_qualifiers(english)
    for figure, group in figure_qualifiers(german).items():
        value = ENGLISH_NUMBER_WORDS.get(figure, german_value(figure))
        if group not in qualifiers.get(value, set()):
            found.append(f"{figure}: qualifier {group!r} not kept ({qualifiers.get(value)})")
    for year in _AS_OF.findall(german):
        if not re.search(rf"\bas of {year}\b", english, re.IGNORECASE):
            found.append(f"'Stand {year}' without 'as of {year}'")
    idioms = re.sub(r"\bvor allem\b", "", german)  # "mainly", not "all"
    for group in sorted(claims_in(idioms) - {"purpose"}):
        if not _pattern(ENGLISH_CLAIMS[group]).search(english):
            found.append(f"the German's {group} claim is lost")
    for group in sorted(groups_in(german, MODALITY_GROUPS)):
        if not _pattern(ENGLISH_MODALITIES[group]).search(english):
            found.append(f"the German's {group} is lost: stated as a fact")
    found += term_problems(german, english)
    found += quote_problems(key, german, english)
    found += name_problems(german, english)
    for pattern, what in ((_URL, "link"), (_SLOT, "slot")):
        if sorted(pattern.findall(german)) != sorted(pattern.findall(english)):
            found.append(f"{what}s differ: {pattern.findall(german)} / {pattern.findall(english)}")
    if german.count("\n") != english.count("\n"):
        found.append("line breaks differ")
    if "⟦" in english or "⟧" in english:
        found.append("a protection placeholder")
    return found


def term_problems(german: str, english: str) -> List[str]:
    """Protected terms stay as the sources write them (Integrationsmanagerinnen and
    Integrationsmanagern are Integrationsmanager in English)."""
    found = []
    for term in PROTECTED_TERMS:
        if not re.search(rf"(?<!\w){re.escape(term)}(?!\w)", german):
            continue
        kept = "Integrationsmanager" if term.startswith("Integrationsmanager") else term
        if not re.search(rf"(?<!\w){re.escape(kept)}", english):
            found.append(f"protected term {term!r} not kept as {kept!r}")
    return found


def quote_problems(key: str, german: str, english: str) -> List[str]:
    """A quote („…“) of the sources stays verbatim; the English adds none of its own."""
    quoted_de = [q.strip() for q in QUOTE.findall(german)]
    quoted_en = [q.strip() for q in _ENGLISH_QUOTE.findall(english)]
    found = [f"quote not in the German: „{q}“" for q in quoted_en if q not in quoted_de]
    if key.startswith(("utter_faq/", "topic/")):
        found += [f"quote not kept verbatim: „{q}“" for q in quoted_de if q not in quoted_en]
    return found


def name_problems(german: str, english: str) -> List[str]:
    """Every capitalised word of the English stands in the German, or is ordinary English
    or the English of a name or office (ENGLISH_NAMES): no person, place or body the
    German does not name ("Heilbronn" for "Stuttgart")."""
    german_words = {w.lower() for w in words(german)}
    german_words |= {p for w in german_words for p in re.split(r"[-–]", w)}
    unknown = []
    for token in words(english):
        word = token.split("'")[0].split("’")[0]
        if not word[:1].isupper() or word in ENGLISH_NAMES or is_figure(word):
            continue
        lower = word.lower()  # inflected in the German: "Paktes", "Städtetags"
        if not any(w == lower or (len(lower) >= 4 and w.startswith(lower)) for w in german_words):
            unknown.append(word)
    return [f"names the German does not have: {sorted(set(unknown))}"] if unknown else []

