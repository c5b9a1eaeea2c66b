"""Removes personal data from text before it is stored.

`redact(text)` replaces e-mail addresses, phone numbers, IBANs, dates of birth and file
or identity numbers (Aktenzeichen, BAMF file numbers, passport or tax numbers named as
such) by a marker in square brackets, for example::

    >>> redact("Meine IBAN ist DE89 3704 0044 0532 0130 00, Tel. 0711 123456")
    'Meine IBAN ist [IBAN], Tel. [TELEFON]'

It is built for German chat messages and the formats people write in Germany:
`+49 711 123456`, `0711 / 123 45 67`, `0151-23456789`, `geboren am 01.02.1990`,
`Az. 123-45/2024`, `Aktenzeichen 1234567-123`. Figures that the assistant's sources use
and users quote stay as they are: `1.200`, `5,6 Millionen`, `14. Februar 2024`,
`2017`, `116 117`, `112`, dates like `10.07.2018`.

What counts as what:

* e-mail: `name@domain.tld`, also written with `(at)` or `[at]`;
* IBAN: two letters, two check digits and the account part in groups (spaces or none),
  15–34 characters with at least 10 digits. The checksum is not required: a mistyped
  IBAN is as personal as a correct one;
* phone: international (`+49 …`, `0049 …`, any country) or with a German area code
  (`0` + area code), at least 7 digits, separated by spaces, `/`, `-` or brackets (not
  dots, so that dates and thousands stay); any number of 5+ digits after a word such
  as "Tel.", "Telefon", "Handy", "WhatsApp";
* date of birth: a date (numeric, ISO, "3. März 1985", or a year) near a word such as
  "geboren", "geb.", "Geburtsdatum", "born", "date of birth" (also in Arabic,
  Persian, Turkish, Russian, Ukrainian and French); a numeric date with a year from
  1900 to 16 years ago also without such a word;
* file or identity number: the number after a word such as "Az.", "Aktenzeichen",
  "Geschäftszeichen", "Kundennummer", "Ausweisnummer", "Pass", "Steuer-ID"; BAMF
  file numbers (`1234567-123`) and `123-45/2024`-style file numbers anywhere.

Arabic-Indic and Persian digits count as digits (a text in which something is replaced
keeps its other digits as 0-9). A text without a digit, `@` or `(at)` is returned at once.

Names and addresses are not recognised; the greeting asks users not to write them.
"""

from __future__ import annotations

import datetime
import re
from typing import Callable, List, Match, Pattern, Tuple

EMAIL = "[E-MAIL]"
PHONE = "[TELEFON]"
IBAN = "[IBAN]"
BIRTH_DATE = "[GEBURTSDATUM]"
NUMBER = "[NUMMER]"
MARKERS = (EMAIL, PHONE, IBAN, BIRTH_DATE, NUMBER)

_ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""Arabic-Indic and Persian digits, which Arabic and Persian users type."""

_DIGIT_OR_AT = re.compile(r"[\d@]")
"""Everything redacted contains a digit, an at sign or "(at)": other text is left at once."""

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s*(?:@|\((?i:at)\)|\[(?i:at)\])\s*[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"
    r"(?![\w-])"
)

_IBAN_GROUP = r"[ ]?(?=[A-Za-z]{0,3}\d)[A-Za-z0-9]{4}"
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}"
    r"(?:[ ]?[A-Za-z0-9]{4}){1,2}"  # bank code: may be letters (GB NWBK, NL ABNA)
    rf"(?:{_IBAN_GROUP})*"
    r"(?:[ ]?(?=[A-Za-z]{0,2}\d)[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)

_SEPARATOR = r"[ \t/()\-\u00a0]*"
_INTERNATIONAL_PHONE = re.compile(
    rf"(?<![\w+])(?:\+|00)[ ]?[1-9]\d{{0,2}}(?:{_SEPARATOR}\(0\))?(?:{_SEPARATOR}\d){{5,13}}(?!\d)"
)
_NATIONAL_PHONE = re.compile(
    rf"(?<![\w.,+/\-])\(?0[1-9]\d{{1,4}}\)?(?:{_SEPARATOR}\d){{3,10}}(?![\d.,]\d|\d)"
)
_PHONE_WORD = re.compile(
    r"(?i:\b(?:tel(?:efon)?(?:nummer|nr)?|phone|handy(?:nummer)?|mobil(?:nummer|funk)?"
    r"|mobile|fax|whats ?app|telegram|signal|rufnummer))\.?[\s:.#-]*"
    rf"(?P<number>\+?\d(?:{_SEPARATOR}\d){{4,14}})(?!\d)"
)

_MONTHS = (
    r"Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober"
    r"|November|Dezember|January|February|March|May|June|July|October|December"
    r"|Jan|Feb|Mär|Mar|Apr|Jun|Jul|Aug|Sept?|Okt|Oct|Nov|Dez|Dec"
)
_DATE = (
    r"(?:\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:\d{4}|\d{2})(?!\d)"
    r"|\d{4}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}\.?\s*(?i:{_MONTHS})\.?\s*\d{{2,4}}"
    r"|(?:19|20)\d{2})(?!\d)"
)
_DATE_RE = re.compile(rf"(?<![\d.,])(?:{_DATE})")
_BIRTH_WORD = re.compile(
    r"(?i:geboren|\bgeb\.|geburts(?:datum|tag|jahr)|\bjahrgang|\bborn\b|\bbirth(?:day|date)?\b"
    r"|date of birth|\bdob\b|\bnée?\b|naissance|doğum|تاريخ الميلاد|مواليد|ولدت|تولد"
    r"|дата рождения|родил(?:ся|ась)|дата народження|народи(?:вся|лася))"
)
_BIRTH_WINDOW = 40
"""Characters after (and before) a birth word in which a date is a date of birth."""
_FULL_DATE = re.compile(r"(?<![\d.,])\d{1,2}\s?[./]\s?\d{1,2}\s?[./]\s?(?P<year>\d{4})(?![\d])")
_YOUNGEST_AGE = 16
"""Full dates with a year up to this many years ago are taken for dates of birth."""

_NUMBER_WORD = re.compile(
    r"(?:\bAz\b\.?|\bAZ\b|\baz\.|(?i:\b(?:aktenzeichen|akten-?nr|geschäftszeichen|gz\.?"
    r"|vorgangsnummer|vorgangs-?nr|kundennummer|kunden-?nr|azr-?nummer|ausweisnummer"
    r"|ausweis-?nr|personalausweisnummer|reisepassnummer|passnummer|pass|steuer-?id"
    r"|steuernummer|steuer-?nr|identifikationsnummer|sozialversicherungsnummer"
    r"|versicherungsnummer|rentenversicherungsnummer|bg-?nummer|bedarfsgemeinschaftsnummer"
    r"|file number|case number|reference number|referenznummer)\b))"
    r"[\s.:#-]*(?i:(?:nr|nummer|number|no)\.?[\s:#]*)?(?i:(?:ist|lautet|is|war)\s+)?"
    r"(?P<number>(?:[A-Z]{1,3}\s)?[A-Za-z]{0,3}\d(?:[\w/.-]*\w)?"
    r"(?:\s(?:[A-Z]{1,3}\s)?[A-Za-z]{0,3}\d(?:[\w/.-]*\w)?){0,3})"
)
_FILE_NUMBER = re.compile(
    r"(?<![\w./-])(?:\d{7}\s?-\s?\d{3}|\d{1,7}-\d{1,5}/\d{2,4})(?![\w/-])"
)


def _digits(text: str) -> int:
    return sum(character.isdigit() for character in text)


def _group_replacer(group: str, marker: str) -> Callable[[Match[str]], str]:
    """Replaces only the named group of a match with the marker."""

    def replace(match: Match[str]) -> str:
        start, end = match.span(group)
        whole_start = match.start()
        text = match.group(0)
        return text[: start - whole_start] + marker + text[end - whole_start :]

    return replace


def _iban(match: Match[str]) -> str:
    compact = match.group(0).replace(" ", "")
    return IBAN if 15 <= len(compact) <= 34 and _digits(compact) >= 10 else match.group(0)


def _phone(match: Match[str]) -> str:
    return PHONE if _digits(match.group(0)) >= 7 else match.group(0)


def _birth_dates(text: str) -> str:
    """Replaces the dates near words such as "geboren" (see module doc)."""
    lower = text.lower()
    words = []
    if any(needle in lower for needle in _BIRTH_NEEDLES):
        words = [word.span() for word in _BIRTH_WORD.finditer(text)]
    spans: List[Tuple[int, int]] = []
    if words:
        for date in _DATE_RE.finditer(text):
            start, end = date.span()
            if any(0 <= start - word_end <= _BIRTH_WINDOW
                   or 0 <= word_start - end <= _BIRTH_WINDOW for word_start, word_end in words):
                spans.append((start, end))
    youngest = datetime.date.today().year - _YOUNGEST_AGE
    spans.extend(m.span() for m in _FULL_DATE.finditer(text)
                 if 1900 <= int(m.group("year")) <= youngest)
    for start, end in sorted(set(spans), reverse=True):
        if BIRTH_DATE not in text[start:end]:
            text = text[:start] + BIRTH_DATE + text[end:]
    return text


_STEPS: List[Tuple[Pattern[str], Callable[[Match[str]], str], Tuple[str, ...]]] = [
    # (pattern, replacement, lower-case words one of which the text must contain)
    (_EMAIL, lambda match: EMAIL, ("@", "(at)", "[at]")),
    (_IBAN, _iban, ()),
    (_NUMBER_WORD, _group_replacer("number", NUMBER),
     ("az", "akten", "zeichen", "gz", "nummer", "nr", "pass", "steuer", "number", "ausweis")),
    (_FILE_NUMBER, lambda match: NUMBER, ("-",)),
    (_PHONE_WORD, _group_replacer("number", PHONE),
     ("tel", "phone", "handy", "mobil", "fax", "whats", "signal", "ruf")),
    (_INTERNATIONAL_PHONE, _phone, ()),
    (_NATIONAL_PHONE, _phone, ()),
]
_BIRTH_NEEDLES = ("geb", "jahrgang", "born", "birth", "dob", "né", "naissance", "doğum",
                  "ميلاد", "مواليد", "ولدت", "تولد", "рожд", "родил", "народ")
"""Lower-case parts of the birth words: without one of them no date is a birth date
because of a word (the regex alone would be slow on long messages)."""


def _apply(text: str, steps: list) -> str:
    lower = text.lower()
    for pattern, replace, needles in steps:
        if not needles or any(needle in lower for needle in needles):
            text = pattern.sub(replace, text)
            lower = text.lower()
    return text


def redact_counting(text: str) -> Tuple[str, int]:
    """Returns the text with personal data replaced, and how many items were replaced.

    Args:
        text: Any text.
    """
    if not _DIGIT_OR_AT.search(text):
        lower = text.lower()
        if "(at)" not in lower and "[at]" not in lower:
            return text, 0
    original = text
    text = text.translate(_ASCII_DIGITS)
    before = sum(text.count(marker) for marker in MARKERS)
    text = _apply(text, _STEPS[:3])
    text = _birth_dates(text)
    text = _apply(text, _STEPS[3:])
    count = sum(text.count(marker) for marker in MARKERS) - before
    return (text, count) if count else (original, 0)


def redact(text: str) -> str:
    """Returns the text with personal data replaced by markers (see module doc).

    Args:
        text: Any text, for example a user message.
    """
    return redact_counting(text)[0]
