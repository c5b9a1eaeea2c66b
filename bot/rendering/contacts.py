"""The host's local contacts as part of a reply, in the user's language.

A response whose metadata says `local_contacts: true` (the handoff to human
counselling) ends, after its citation line and a blank line, with the matching
contacts of `contacts.yml` (`bot.contacts`)::

    Kontakt vor Ort (Angabe des Betreibers, nicht aus den Quellen):
    • Migrationsberatung Musterstadt: Beratung zu Aufenthalt, Asyl und Familiennachzug
      Telefon: +49 7000 123456
      E-Mail: beratung@musterstadt.example
      ...

The heading says whose information it is, so a contact never reads as a fact from the
sources, and it carries no citation. The labels are German texts translated through
the translation memory (reviewed translations in `translations/<lang>.yml`); names,
addresses, phone numbers, e-mail addresses and URLs stay as written; `purpose` and
`opening_hours` come in the user's language when the file has it, else translated.
The message also gets `contacts` (one dict per contact shown, texts in the reply
language) and `contacts_text` (the exact block appended to `text`), so that a channel
can show them its own way.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence

from bot import settings
from bot.contacts import Contact
from bot.language.names import language_name

HEADING = "Kontakt vor Ort (Angabe des Betreibers, nicht aus den Quellen):"
"""The heading of the contacts block: the host's information, not the sources'."""

LABELS: Dict[str, str] = {
    "phone": "Telefon",
    "email": "E-Mail",
    "address": "Adresse",
    "opening_hours": "Öffnungszeiten",
    "languages": "Sprachen",
}
"""The German labels of a contact's fields, in the order they are shown (the URL comes
last, without a label)."""

TEXTS: Dict[str, str] = {"contacts/heading": HEADING} | {
    f"contacts/{key}": label for key, label in LABELS.items()
}
"""Every German text of the block, by translation memory key."""

Translate = Callable[[str, str], Optional[str]]
"""(German text, target language) → translation, or None when it cannot be had."""


def _in_language(texts: Mapping[str, str], target: str, translate: Translate) -> str:
    """The text for the target language: the file's own, else the German one translated."""
    if not texts:
        return ""
    if target in texts:
        return texts[target]
    german = texts.get(settings.get("BOT_LANGUAGE")) or next(iter(texts.values()))
    if target == settings.get("BOT_LANGUAGE"):
        return german
    return translate(german, target) or german


def contact_details(contact: Contact, target: str, translate: Translate) -> Dict[str, Any]:
    """Returns one contact for a message, its texts in the target language."""
    return {
        "name": contact.name,
        "purpose": _in_language(contact.purpose, target, translate) or None,
        "phone": contact.phone or None,
        "email": contact.email or None,
        "address": contact.address or None,
        "opening_hours": _in_language(contact.opening_hours, target, translate) or None,
        "url": contact.url or None,
        "languages": list(contact.languages),
    }


def contacts_block(
    contacts: Sequence[Contact], target: str, translate: Translate
) -> tuple[str, List[Dict[str, Any]]]:
    """Returns the text block and the message entries of the contacts shown.

    Args:
        contacts: The contacts to show (`bot.contacts.matching_contacts`).
        target: The reply language.
        translate: Translates a German text into the target language.

    Returns:
        ("", []) without contacts.
    """
    if not contacts:
        return "", []
    german = target == settings.get("BOT_LANGUAGE")

    def label(text: str) -> str:
        return text if german else (translate(text, target) or text)

    heading = label(HEADING)
    labels = {key: label(text) for key, text in LABELS.items()}
    entries = [contact_details(contact, target, translate) for contact in contacts]
    lines = [heading]
    for entry in entries:
        lines.append(f"• {entry['name']}" + (f": {entry['purpose']}" if entry["purpose"] else ""))
        for key in LABELS:
            value = entry.get(key)
            if key == "languages":
                value = ", ".join(language_name(code) for code in value) if value else None
            if value:
                lines.append(f"  {labels[key]}: {value}")
        if entry["url"]:
            lines.append(f"  {entry['url']}")
    return "\n".join(lines), entries
