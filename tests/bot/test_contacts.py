"""The host's local contacts: checked at start, matched to the question, shown apart."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contacts import (
    ContactsError,
    load_contacts,
    matching_contacts,
    question_topics,
)
from bot.knowledge.curated import load_responses
from bot.paths import PROJECT_ROOT
from bot.rendering.nlg import GuidanceNLG

TWO_CONTACTS = """\
contacts:
  - name: Migrationsberatung Musterstadt
    topics: [residence, asylum, family]
    purpose:
      de: Beratung zu Aufenthalt, Asyl und Familiennachzug
      en: Advice on residence, asylum and family reunification
    phone: "+49 7000 123456"
    email: beratung@musterstadt.example
    address: Marktplatz 1, 70000 Musterstadt
    opening_hours: Mo–Do 9–12 Uhr
    url: https://www.musterstadt.example/beratung
    languages: [de, en, ar]
  - name: Bürgerbüro Musterstadt
    topics: [general, courses]
    purpose: Erste Anlaufstelle für alle Fragen
    phone: "07000 654321"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contacts.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_file_is_empty_and_the_example_is_valid() -> None:
    assert load_contacts(PROJECT_ROOT / "contacts.yml") == ()
    assert len(load_contacts(PROJECT_ROOT / "contacts.example.yml")) == 2
    assert load_contacts(PROJECT_ROOT / "no-such-contacts.yml") == ()


@pytest.mark.parametrize("entry,expected", [
    ("- name: A\n  topics: [residence]\n  phone: '12'\n",
     "contact 1 ('A'), field `phone`: '12' is not a valid phone"),
    ("- name: A\n  topics: [visa]\n  phone: '0711 123456'\n",
     "contact 1 ('A'), field `topics`: unknown topic 'visa'; known topics: residence"),
    ("- name: A\n  topics: [general]\n",
     "contact 1 ('A'): needs at least one way to reach it: phone, email, address or url"),
    ("- name: A\n  topics: [general]\n  email: a.example\n",
     "contact 1 ('A'), field `email`: 'a.example' is not a valid email"),
    ("- name: A\n  topics: [general]\n  url: www.a.example\n",
     "contact 1 ('A'), field `url`: 'www.a.example' is not a valid url"),
    ("- name: A\n  topics: [general]\n  url: https://a.example\n  fax: '0711 1'\n",
     "contact 1 ('A'): unknown field(s) 'fax'; allowed: address, email"),
    ("- topics: [general]\n  url: https://a.example\n",
     "contact 1: 'name' is a required property"),
    ("- name: A\n  topics: [general]\n  url: https://a.example\n  purpose: {en: Advice}\n",
     "contact 1 ('A'), field `purpose`: needs a text in 'de'"),
])
def test_a_mistake_is_named_with_file_contact_and_field(tmp_path, entry, expected) -> None:
    good = "- name: Gut\n  topics: [general]\n  url: https://gut.example\n"
    path = write(tmp_path, "contacts:\n" + good + entry.replace("contact 1", "contact 2"))
    with pytest.raises(ContactsError) as error:
        load_contacts(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert expected.replace("contact 1", "contact 2") in message


def test_a_file_that_is_not_yaml_is_named(tmp_path) -> None:
    path = write(tmp_path, "contacts: [\n")
    with pytest.raises(ContactsError, match="cannot be read as YAML"):
        load_contacts(path)


def test_the_question_topic_picks_the_contact_and_general_is_the_fallback(tmp_path) -> None:
    contacts = load_contacts(write(tmp_path, TWO_CONTACTS))
    residence = question_topics({"text": "meine duldung läuft ab",
                                 "intent": {"name": "individual_advice"}})
    assert residence == ["residence"]
    assert [c.name for c in matching_contacts(contacts, residence)] == [
        "Migrationsberatung Musterstadt"
    ]
    assert [c.name for c in matching_contacts(contacts, [])] == ["Bürgerbüro Musterstadt"]
    assert [c.name for c in matching_contacts(contacts, ["health"])] == ["Bürgerbüro Musterstadt"]
    course = {"text": "wie melde ich mich an", "intent": {"name": "not_in_sources"},
              "response_selector": {"default": {"response": {
                  "intent_response_key": "faq/kurs_finden"}}}}
    assert question_topics(course) == ["courses"]


def nlg(monkeypatch, path: Path) -> GuidanceNLG:
    monkeypatch.setenv("CONTACTS_FILE", str(path))
    return GuidanceNLG(domain=Domain.from_dict({"responses": load_responses()}))


def asked(text: str, language: str = "de", german: str | None = None):
    data = {"language": language, "text": german or text}
    return DialogueStateTracker.from_events(
        "u", [UserUttered(text, {"name": "individual_advice"}, [], data)]
    )


async def test_the_referral_shows_the_residence_contact_after_the_citation(
    monkeypatch, tmp_path
) -> None:
    generator = nlg(monkeypatch, write(tmp_path, TWO_CONTACTS))
    message = await generator.generate("utter_handoff", asked("meine duldung läuft ab"), "rest")
    answer, block = message["text"].split("\n\n")
    assert answer.splitlines()[-1].startswith("Quellen: ")
    assert block == message["contacts_text"]
    assert block.splitlines() == [
        "Kontakt vor Ort (Angabe des Betreibers, nicht aus den Quellen):",
        "• Migrationsberatung Musterstadt: Beratung zu Aufenthalt, Asyl und Familiennachzug",
        "  Telefon: +49 7000 123456",
        "  E-Mail: beratung@musterstadt.example",
        "  Adresse: Marktplatz 1, 70000 Musterstadt",
        "  Öffnungszeiten: Mo–Do 9–12 Uhr",
        "  Sprachen: Deutsch, English, العربية",
        "  https://www.musterstadt.example/beratung",
    ]
    assert [c["name"] for c in message["contacts"]] == ["Migrationsberatung Musterstadt"]
    assert "Bürgerbüro" not in message["text"]
    assert message["response"] == "utter_handoff"
    assert all(s["citation"] not in block for s in message["sources"])


async def test_the_referral_in_english_has_english_labels_and_purpose(
    monkeypatch, tmp_path, fixture_packs
) -> None:
    generator = nlg(monkeypatch, write(tmp_path, TWO_CONTACTS))
    tracker = asked("my toleration expires", "en", german="meine duldung läuft ab")
    message = await generator.generate("utter_handoff", tracker, "rest")
    block = message["contacts_text"]
    assert block.splitlines()[:3] == [
        "Local contact (provided by the operator of this service, not from the sources):",
        "• Migrationsberatung Musterstadt: Advice on residence, asylum and family reunification",
        "  Phone: +49 7000 123456",
    ]
    assert "Address: Marktplatz 1, 70000 Musterstadt" in block


async def test_without_contacts_the_handoff_is_unchanged(monkeypatch, tmp_path) -> None:
    empty = nlg(monkeypatch, PROJECT_ROOT / "contacts.yml")
    message = await empty.generate("utter_handoff", asked("meine duldung läuft ab"), "rest")
    assert "contacts" not in message and "Kontakt vor Ort" not in message["text"]
    assert message["text"].splitlines()[-1].startswith("Quellen: ")


async def test_other_answers_never_show_contacts(monkeypatch, tmp_path) -> None:
    generator = nlg(monkeypatch, write(tmp_path, TWO_CONTACTS))
    for name in ("utter_faq/kurs_finden", "utter_individual_advice", "utter_greet"):
        message = await generator.generate(name, asked("meine duldung läuft ab"), "rest")
        assert "contacts" not in message, name


async def test_rest_and_web_chat_pass_the_contacts_on(monkeypatch, tmp_path) -> None:
    from bot.channels.rest import LanguageCollectingOutput
    from bot.channels.webchat import bot_message_payload

    generator = nlg(monkeypatch, write(tmp_path, TWO_CONTACTS))
    message = await generator.generate("utter_handoff", asked("meine duldung läuft ab"), "rest")
    output = LanguageCollectingOutput()
    await output.send_response("u", dict(message))
    answer, rest = output.messages  # REST: each paragraph is a part
    assert "contacts" not in answer and answer["sources"]
    assert rest["text"] == message["contacts_text"]
    web = bot_message_payload(dict(message))
    assert web["text"] == message["text"]
    for sent in (rest, web):
        assert sent["contacts"] == message["contacts"]
        assert sent["contacts_text"] == message["contacts_text"]
        assert sent["response"] == "utter_handoff"


def test_the_web_chat_config_lists_the_contacts(monkeypatch, tmp_path) -> None:
    from bot.channels.webchat import WebChatInput

    monkeypatch.setenv("CONTACTS_FILE", str(PROJECT_ROOT / "contacts.yml"))
    assert WebChatInput.from_credentials({}).client_config()["contacts"] == []
    monkeypatch.setenv("CONTACTS_FILE", str(write(tmp_path, TWO_CONTACTS)))
    contacts = WebChatInput.from_credentials({}).client_config()["contacts"]
    assert contacts[0] == {
        "name": "Migrationsberatung Musterstadt",
        "topics": ["residence", "asylum", "family"],
        "purpose": {"de": "Beratung zu Aufenthalt, Asyl und Familiennachzug",
                    "en": "Advice on residence, asylum and family reunification"},
        "phone": "+49 7000 123456",
        "email": "beratung@musterstadt.example",
        "address": "Marktplatz 1, 70000 Musterstadt",
        "opening_hours": {"de": "Mo–Do 9–12 Uhr"},
        "url": "https://www.musterstadt.example/beratung",
        "languages": ["de", "en", "ar"],
    }
    assert contacts[1]["email"] is None and contacts[1]["opening_hours"] == {}
