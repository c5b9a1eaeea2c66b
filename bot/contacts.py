"""The host's local contacts (`contacts.yml`): loaded once, checked, matched to a question.

The sources hold no contact details. A municipality, counselling service or volunteer
network that runs the assistant names its own contacts in a deployment file
(`CONTACTS_FILE`, default `contacts.yml` in the project, which ships empty; see
`contacts.example.yml`)::

    contacts:
      - name: Migrationsberatung Musterstadt
        topics: [residence, asylum, family]
        purpose:
          de: Beratung zu Aufenthalt, Asyl und Familiennachzug
          en: Advice on residence, asylum and family reunification
        phone: "+49 7000 123456"
        email: beratung@musterstadt.example
        address: Marktplatz 1, 70000 Musterstadt
        opening_hours: "Mo–Do 9–12 Uhr"
        url: https://www.musterstadt.example/beratung
        languages: [de, en, ar]

`name` and `topics` are required, and at least one way to reach the contact (`phone`,
`email`, `address` or `url`). `purpose` and `opening_hours` are a German text, or a
text per language code (German first); a language without its own text gets the German
one translated like every reply. `languages` are ISO 639-1 codes, shown by their own
names. Names, addresses, phone numbers, e-mail addresses and URLs are never translated.

The file is read and checked once, when the assistant starts (`python -m bot.contacts`
checks it by itself): a mistake stops the start with a message that names the file,
the contact and the field. Without the file, or with an empty list, no contact is
shown anywhere and the replies are the same as without this feature.

Which contacts a reply shows (the handoff to human counselling, after a referral, a
decline or an unclear question): those whose `topics` include a topic of the question
(`question_topics`: words of the German NLU text, and the FAQ topic the selector
ranked first), else those for `general`. The reply says that they are the host's
information, not the sources' (`bot.rendering.contacts`).
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot import settings
from bot.paths import PROJECT_ROOT

TOPICS: Dict[str, str] = {
    "residence": "residence permits, toleration (Duldung), visas, naturalisation, the "
    "foreigners authority",
    "asylum": "the asylum procedure, hearings, decisions, appeals",
    "family": "family reunification",
    "courses": "language and integration courses (FAQ topic `kurs_finden`)",
    "work": "work, training, recognition of qualifications (FAQ topic `arbeit_finden`)",
    "health": "health and doctors (FAQ topic `gesundheitssystem`)",
    "general": "everything else: shown when no contact serves the question's topic",
}
"""The topics a contact can serve, with what each covers (README: Local contacts)."""

GENERAL = "general"

MAX_SHOWN = 3
"""Most contacts shown with one reply."""

_TOPIC_WORDS: Tuple[Tuple[str, re.Pattern[str]], ...] = (
    ("residence", re.compile(
        r"\b(aufenthalt\w*|duldung|geduldet|abschiebung|abgeschoben|ausreise\w*|visum|"
        r"ausländerbehörde|niederlassungserlaubnis|einbürgerung|eingebürgert|"
        r"staatsbürgerschaft|staatsangehörigkeit|pass|reisepass)\b", re.IGNORECASE)),
    ("asylum", re.compile(
        r"\b(asyl\w*|anhörung|(?:mein\w*|ein\w*|de[nmr]|vom|negativ\w*) bescheid\w*|"
        r"bescheid|widerspruch|klage|dublin|anwalt|anwältin|aktenzeichen)\b",
        re.IGNORECASE)),
    ("family", re.compile(
        r"\b(familiennachzug|nachzug|nachholen|famili\w*|ehefrau|ehemann)\b",
        re.IGNORECASE)),
    ("courses", re.compile(
        r"\b(\w*kurs\w*|deutsch lernen|sprache lernen)\b", re.IGNORECASE)),
    ("work", re.compile(
        r"\b(arbeit\w*|\w*job\w*|beruf\w*|ausbildung\w*|anerkennung|arbeitserlaubnis|"
        r"beschäftigungserlaubnis)\b", re.IGNORECASE)),
    ("health", re.compile(
        r"\b(arzt|ärzt\w*|krank\w*|gesundheit\w*|krankenversicherung)\b", re.IGNORECASE)),
)
"""Words of a (German) question that name a topic."""

FAQ_TOPICS: Dict[str, str] = {
    "kurs_finden": "courses",
    "arbeit_finden": "work",
    "gesundheitssystem": "health",
}
"""Curated FAQ topics that belong to a contact topic."""

CONTACT_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "required": ["name", "topics"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "topics": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "enum": list(TOPICS)},
        },
        "purpose": {"$ref": "#/definitions/text"},
        "phone": {
            "type": "string",
            "pattern": r"^\+?[0-9][0-9 ()/.\-]{3,30}[0-9]$",
        },
        "email": {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$"},
        "address": {"type": "string", "minLength": 1, "maxLength": 300},
        "opening_hours": {"$ref": "#/definitions/text"},
        "url": {"type": "string", "pattern": r"^https?://[^\s]+$"},
        "languages": {
            "type": "array",
            "items": {"type": "string", "pattern": r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$"},
        },
    },
    "anyOf": [
        {"required": ["phone"]},
        {"required": ["email"]},
        {"required": ["address"]},
        {"required": ["url"]},
    ],
}
"""What one contact may hold (JSON Schema, checked with `jsonschema`)."""

FILE_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"contacts": {"type": ["array", "null"], "items": CONTACT_SCHEMA}},
    "definitions": {
        "text": {
            "oneOf": [
                {"type": "string", "minLength": 1, "maxLength": 500},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$"},
                    "additionalProperties": {"type": "string", "minLength": 1,
                                             "maxLength": 500},
                },
            ]
        }
    },
}
"""The whole file: a mapping with the list `contacts` (JSON Schema)."""


class ContactsError(ValueError):
    """The contacts file cannot be used; the message names file, contact and field."""


@dataclass(frozen=True)
class Contact:
    """One local contact of the host.

    Attributes:
        name: Its name (never translated).
        topics: The topics it serves (keys of `TOPICS`).
        purpose: What it is for, by language code (German under the bot language).
        phone: Phone number, as written in the file.
        email: E-mail address.
        address: Postal address (never translated).
        opening_hours: Opening hours, by language code.
        url: Web address.
        languages: ISO 639-1 codes of the languages spoken there.
    """

    name: str
    topics: Tuple[str, ...]
    purpose: Mapping[str, str] = field(default_factory=dict)
    phone: str = ""
    email: str = ""
    address: str = ""
    opening_hours: Mapping[str, str] = field(default_factory=dict)
    url: str = ""
    languages: Tuple[str, ...] = ()

    def details(self) -> Dict[str, Any]:
        """Returns the contact for a client (the web chat's `config.json`)."""
        return {
            "name": self.name,
            "topics": list(self.topics),
            "purpose": dict(self.purpose),
            "phone": self.phone or None,
            "email": self.email or None,
            "address": self.address or None,
            "opening_hours": dict(self.opening_hours),
            "url": self.url or None,
            "languages": list(self.languages),
        }


def _texts(value: Any) -> Dict[str, str]:
    """A text per language: a plain string is German (the bot language)."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {settings.get("BOT_LANGUAGE"): value.strip()}
    return {str(code): str(text).strip() for code, text in value.items()}


def _describe(path: Path, contacts: Sequence[Any], error: Any) -> str:
    """Returns one line that names the file, the contact and the field of an error."""
    where = list(error.absolute_path)
    if len(where) >= 2 and where[0] == "contacts" and isinstance(where[1], int):
        index = where[1]
        entry = contacts[index] if index < len(contacts) else None
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"contact {index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
        fields = [str(part) for part in where[2:]]
        if error.validator == "additionalProperties" and not fields:
            known = set(CONTACT_SCHEMA["properties"])
            unknown = sorted(set(entry or {}) - known)
            return (f"{path}: {label}: unknown field(s) {', '.join(map(repr, unknown))}; "
                    f"allowed: {', '.join(sorted(known))}")
        if error.validator == "required" and not fields:
            return f"{path}: {label}: {error.message}"
        if error.validator == "anyOf" and not fields:
            return (f"{path}: {label}: needs at least one way to reach it: "
                    "phone, email, address or url")
        if error.validator == "enum" and fields and fields[0] == "topics":
            return (f"{path}: {label}, field `topics`: unknown topic {error.instance!r}; "
                    f"known topics: {', '.join(TOPICS)}")
        if error.validator == "pattern":
            return (f"{path}: {label}, field `{'.'.join(fields)}`: "
                    f"{error.instance!r} is not a valid {fields[0].replace('_', ' ')}")
        field_text = f", field `{'.'.join(fields)}`" if fields else ""
        return f"{path}: {label}{field_text}: {error.message}"
    if error.validator == "additionalProperties" and not where:
        return f"{path}: {error.message}; the file has one key, `contacts` (a list)"
    return f"{path}: {'.'.join(map(str, where)) or 'the file'}: {error.message}"


def parse_contacts(data: Any, path: Path) -> Tuple[Contact, ...]:
    """Checks the parsed file and returns its contacts.

    Args:
        data: The file's YAML content.
        path: The file (for the error messages).

    Raises:
        ContactsError: naming the file, the contact and the field of every mistake.
    """
    import jsonschema

    if data is None:
        return ()
    if not isinstance(data, dict):
        raise ContactsError(f"{path}: expected a mapping with the key `contacts` (a list)")
    contacts = data.get("contacts") or []
    validator = jsonschema.Draft7Validator(FILE_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [_describe(path, contacts if isinstance(contacts, list) else [], error)
                 for error in errors]
        raise ContactsError("\n".join(dict.fromkeys(lines)))
    bot_language = settings.get("BOT_LANGUAGE")
    result = []
    for index, entry in enumerate(contacts):
        for key in ("purpose", "opening_hours"):
            texts = _texts(entry.get(key))
            if texts and bot_language not in texts:
                raise ContactsError(
                    f"{path}: contact {index + 1} ({entry['name']!r}), field `{key}`: "
                    f"needs a text in {bot_language!r}, the language the assistant "
                    "thinks in"
                )
        result.append(
            Contact(
                name=entry["name"].strip(),
                topics=tuple(dict.fromkeys(entry["topics"])),
                purpose=_texts(entry.get("purpose")),
                phone=(entry.get("phone") or "").strip(),
                email=(entry.get("email") or "").strip(),
                address=(entry.get("address") or "").strip(),
                opening_hours=_texts(entry.get("opening_hours")),
                url=(entry.get("url") or "").strip(),
                languages=tuple(entry.get("languages") or ()),
            )
        )
    return tuple(result)


def contacts_path() -> Path:
    """Returns the configured contacts file (`CONTACTS_FILE`, relative to the project)."""
    path = Path(settings.get("CONTACTS_FILE"))
    return path if path.is_absolute() else PROJECT_ROOT / path


@functools.lru_cache(maxsize=8)
def load_contacts(path: Path) -> Tuple[Contact, ...]:
    """Reads and checks a contacts file once; a missing file has no contacts.

    Raises:
        ContactsError: for a file that cannot be read or has a mistake.
    """
    if not path.is_file():
        return ()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContactsError(f"{path}: cannot be read as YAML: {error}") from error
    return parse_contacts(data, path)


def configured_contacts() -> Tuple[Contact, ...]:
    """Returns the contacts of the configured file (read once per file)."""
    return load_contacts(contacts_path())


def _top_faq_topic(parse_data: Mapping[str, Any]) -> Optional[str]:
    selector = parse_data.get("response_selector") or {}
    prediction = (selector.get("default") or selector.get("faq") or {}).get("response") or {}
    key = prediction.get("intent_response_key") or ""
    return key.split("/", 1)[1] if "/" in key else None


def question_topics(parse_data: Optional[Mapping[str, Any]]) -> List[str]:
    """Returns the contact topics of a user message, most specific first.

    Args:
        parse_data: The message's parse data (its `text` is the German NLU text).
    """
    if not parse_data:
        return []
    text = parse_data.get("text") or ""
    topics = []
    if isinstance(text, str) and not text.startswith("/"):
        topics = [topic for topic, words in _TOPIC_WORDS if words.search(text)]
    intent = (parse_data.get("intent") or {}).get("name")
    if intent in ("faq", "nlu_fallback", "not_in_sources"):
        faq_topic = FAQ_TOPICS.get(_top_faq_topic(parse_data) or "")
        if faq_topic and faq_topic not in topics:
            topics.append(faq_topic)
    return topics


def matching_contacts(
    contacts: Iterable[Contact], topics: Sequence[str], limit: int = MAX_SHOWN
) -> List[Contact]:
    """Returns the contacts for a question's topics, else those for `general`.

    Args:
        contacts: The host's contacts, in the file's order.
        topics: The question's topics (`question_topics`).
        limit: Most contacts returned.
    """
    contacts = list(contacts)
    wanted = set(topics) - {GENERAL}
    chosen = [contact for contact in contacts if wanted & set(contact.topics)]
    if not chosen:
        chosen = [contact for contact in contacts if GENERAL in contact.topics]
    return chosen[:limit]


def main(argv: Optional[List[str]] = None) -> int:
    """Checks the contacts file: `python -m bot.contacts [FILE]`."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.contacts", description=__doc__.splitlines()[0]
    )
    parser.add_argument("file", nargs="?", help="default: CONTACTS_FILE")
    args = parser.parse_args(argv)
    path = Path(args.file) if args.file else contacts_path()
    try:
        contacts = load_contacts(path)
    except ContactsError as error:
        print(f"The contacts file has mistakes:\n{error}", file=sys.stderr)
        return 1
    state = "" if path.is_file() else " (no such file: no contacts are shown)"
    print(f"{path}: {len(contacts)} contact(s){state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
