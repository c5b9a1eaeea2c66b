"""Tests of the response renderer: citations and topic buttons."""

from __future__ import annotations

import json

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.knowledge.catalogue import load_catalogue
from bot.knowledge.curated import load_responses
from bot.rendering.nlg import GuidanceNLG, topic_payload


def nlg() -> GuidanceNLG:
    domain = Domain.from_dict({"responses": load_responses()})
    return GuidanceNLG(domain=domain)


def empty_tracker() -> DialogueStateTracker:
    return DialogueStateTracker.from_events("user", [])


async def test_faq_answer_ends_with_a_compact_citation_full_title_in_sources() -> None:
    message = await nlg().generate("utter_faq/intmk", empty_tracker(), "rest")
    source = load_catalogue()["004"]
    assert message["text"].endswith("\nQuelle: Sozialministerium BW, 02.06.2017")
    assert source.title not in message["text"]
    assert message["sources"] == [
        {
            "title": source.title,
            "publisher": "Ministerium für Soziales und Integration Baden-Württemberg",
            "short": "Sozialministerium BW",
            "date": "02.06.2017",
            "year": 2017,
            "url": source.url,
            "citation": "Sozialministerium BW, 02.06.2017",
        }
    ]
    assert "metadata" not in message


async def test_a_source_without_a_printed_date_is_dated_by_its_text() -> None:
    message = await nlg().generate("utter_faq/werkstattgespraech", empty_tracker(), "rest")
    assert message["text"].endswith("Quelle: Integrationsministerium BW, Stand 2012")
    assert message["sources"][0]["date"] == "Stand 2012"
    assert message["sources"][0]["year"] == 2012


async def test_answer_with_two_sources_cites_both() -> None:
    message = await nlg().generate(
        "utter_faq/integrationsmanager_aufgaben", empty_tracker(), "rest"
    )
    assert message["text"].endswith(
        "\nQuellen: die:gemeinde, Stand 2024; Sozialministerium BW, 02.06.2017"
    )
    assert [s["citation"] for s in message["sources"]] == [
        "die:gemeinde, Stand 2024", "Sozialministerium BW, 02.06.2017"
    ]


async def test_help_offers_topic_buttons_with_payloads() -> None:
    message = await nlg().generate("utter_help", empty_tracker(), "rest")
    titles = [b["title"] for b in message["buttons"]]
    assert "Wo finde ich einen Sprachkurs?" in titles
    payload = message["buttons"][0]["payload"]
    assert payload.startswith("/help{")
    assert json.loads(payload[len("/help"):])["topic"] == "kurs_finden"


async def test_topics_from_an_action_become_buttons_unknown_ones_are_dropped() -> None:
    message = await nlg().generate(
        "utter_fallback", empty_tracker(), "rest", topics=["amif", "unbekannt"]
    )
    assert [b["payload"] for b in message["buttons"]] == [topic_payload("amif")]
    assert "Quelle" not in message["text"]


async def test_unknown_response_gives_none() -> None:
    assert await nlg().generate("utter_gibt_es_nicht", empty_tracker(), "rest") is None


# --- translation into the reply language (fixture packs: de<->en, ar<->en) ---------

def tracker_in(language: str | None = None, detected: str | None = None):
    from rasa.shared.core.events import SlotSet, UserUttered

    events = []
    if detected:
        events.append(UserUttered("x", {"name": "greet"}, [], {"language": detected}))
    if language:
        events.append(SlotSet("language", language))
    domain = Domain.from_dict({"slots": {"language": {"type": "text", "mappings": []}}})
    return DialogueStateTracker.from_events("user", events, slots=domain.slots)


def fixture_nlg() -> GuidanceNLG:
    """Responses made of sentences the fixture packs know (tools/fixture_packs/phrases):
    they translate only those, so the real answers are not used here."""
    domain = Domain.from_dict({"responses": {
        "utter_known_answer": [{
            "text": "Integrationsmanagerinnen und Integrationsmanager beraten Geflüchtete "
                    "persönlich.",
            "metadata": {"sources": ["003", "004"]},
        }],
        "utter_known_greeting": [{
            "text": "Hallo! Ich bin ein Chatbot und beantworte Fragen zur Integration in "
                    "Baden-Württemberg.",
        }],
    }})
    return GuidanceNLG(domain=domain)


async def test_reply_in_english_translates_text_keeps_terms_and_compact_citation(
    fixture_packs,
) -> None:
    message = await fixture_nlg().generate("utter_known_answer", tracker_in("en"), "rest")
    lines = message["text"].split("\n")
    assert lines[0].startswith(
        "Integrationsmanagerinnen and Integrationsmanager advise refugees personally."
    )
    assert lines[1] == "Sources: die:gemeinde, Stand 2024; Sozialministerium BW, 02.06.2017"
    assert message["language"] == "en"


async def test_button_titles_are_translated_payloads_never(fixture_packs) -> None:
    german = await nlg().generate("utter_help", empty_tracker(), "rest")
    english = await nlg().generate("utter_help", tracker_in("en"), "rest")
    assert "Where can I find a language course?" in [b["title"] for b in english["buttons"]]
    topics = [b["payload"] for b in english["buttons"] if b["payload"].startswith("/help")]
    assert topics == [b["payload"] for b in german["buttons"]]
    assert "What is the MBE?" in [b["title"] for b in english["buttons"]]


async def test_reply_in_arabic_goes_through_the_english_pivot(fixture_packs) -> None:
    # The Arabic fixture pack, at the reply beam of 4, does not copy the placeholder of
    # "Baden-Württemberg" (the Persian test below checks a protected term on the pivot).
    nlg_ = GuidanceNLG(domain=Domain.from_dict({"responses": {"utter_known_greeting": [
        {"text": "Hallo! Ich bin ein Chatbot."}
    ]}}))
    message = await nlg_.generate("utter_known_greeting", tracker_in(detected="ar"), "rest")
    assert message["language"] == "ar"
    assert message["text"] == "مرحبا! أنا روبوت محادثة."


async def test_language_without_pack_gets_german_after_a_note_in_that_language(
    fixture_packs,
) -> None:
    message = await nlg().generate("utter_thank", tracker_in(detected="tr"), "rest")
    note, german = message["text"].split("\n\n")
    assert note.startswith("Üzgünüm, burada sizin dilinize çeviri yapamıyorum")
    assert "İngilizce de yazabilirsiniz." in note  # the fixture packs translate English
    assert "Migrationsberatung für Erwachsene (MBE" in note
    assert german.startswith("Gern geschehen!")
    assert message["language"] == "de"
    payloads = [b["payload"] for b in message["buttons"]]
    assert payloads == ['/choose_language{"language":"de"}', '/choose_language{"language":"en"}']


async def test_a_response_marked_note_only_becomes_the_note(fixture_packs) -> None:
    message = await nlg().generate("utter_language_chosen", tracker_in("uk"), "rest")
    assert message["text"].startswith("На жаль, тут я не можу перекладати вашою мовою")
    assert "Ich antworte" not in message["text"]
    assert message["language"] == "uk"


def test_explicit_choice_wins_over_detection() -> None:
    from bot.language.reply import reply_language

    assert reply_language(tracker_in(language="ar", detected="en")) == "ar"
    assert reply_language(tracker_in(detected="en")) == "en"
    assert reply_language(tracker_in(detected="und")) == "de"
    assert reply_language(empty_tracker()) == "de"


async def test_language_buttons_use_native_names_untranslated(fixture_packs) -> None:
    message = await nlg().generate("utter_ask_language", tracker_in("en"), "rest")
    titles = [b["title"] for b in message["buttons"]]
    assert titles[:3] == ["Deutsch", "English", "العربية"]
    assert message["buttons"][2]["payload"] == '/choose_language{"language":"ar"}'


async def test_failing_model_gives_german_with_note() -> None:
    class Broken:
        def languages(self):
            return {"de", "en"}

        def translate(self, text, source, target):
            from bot.translation.translator import TranslationUnavailable

            raise TranslationUnavailable("model crashed")

    generator = nlg()
    generator.translator = Broken()
    # A quote from the sources is translated live: it has no kept translation.
    quote = "Laut Sozialministerium (Stand 2017): „Gute Integrationspolitik braucht Daten.“"
    message = generator.render({"text": quote}, [], "en")
    note, german = message["text"].split("\n\n")
    assert note.startswith("Sorry, I cannot translate into your language here")
    assert "write in English" not in note  # English is what failed
    assert german == quote
    assert message["language"] == "de"

    # The answers themselves have reviewed English (translations/en.yml): no model needed.
    greeting = await generator.generate("utter_greet", tracker_in("en"), "rest")
    assert greeting["text"].startswith("Hello! I am a chatbot")
    assert greeting["language"] == "en"


def test_a_chosen_language_that_is_not_configured_is_ignored() -> None:
    from bot.language.reply import reply_language

    assert reply_language(tracker_in(language="xx", detected="en")) == "en"
    assert reply_language(tracker_in(language="xx")) == "de"


def test_a_greeting_sets_a_new_conversation_language_but_does_not_switch_one() -> None:
    from rasa.shared.core.events import UserUttered

    from bot.language.reply import reply_language

    def said(*messages):
        events = [
            UserUttered(text, {"name": "greet"}, [], {"language": language, **extra})
            for text, language, extra in messages
        ]
        return DialogueStateTracker.from_events("user", events)

    hello = ("Hello", "en", {"greeting_only": True})
    assert reply_language(said(hello)) == "en"
    assert reply_language(said(("مرحبا، أين أجد دورة لغة؟", "ar", {}), hello)) == "ar"
    assert reply_language(said(hello, ("Wo finde ich einen Kurs?", "de", {}))) == "de"


def test_every_configured_language_has_a_written_note() -> None:
    from bot.language.names import configured_languages
    from bot.rendering.reply_translation import NOTE_PARTS, written_notes

    notes = written_notes()
    for language in configured_languages()[1:]:
        assert set(NOTE_PARTS) <= set(notes[language]), language
        assert "Migrationsberatung für Erwachsene (MBE" in notes[language]["counselling"]
        assert "Integrationsmanagement" in notes[language]["counselling"]


async def test_no_placeholder_reaches_a_user_on_text_the_packs_never_saw(fixture_packs) -> None:
    from rasa.shared.core.domain import Domain

    responses = {
        "utter_unseen": [{
            "text": "Wo kann ich die MBE und WebGis in Baden-Württemberg finden?",
            "buttons": [{"title": "Wo kann ich MBE oder WebGis erreichen?", "payload": "/help"}],
        }]
    }
    generator = GuidanceNLG(domain=Domain.from_dict({"responses": responses}))
    for language in ("en", "ar"):
        message = await generator.generate("utter_unseen", tracker_in(language), "rest")
        shown = message["text"] + " ".join(b["title"] for b in message["buttons"])
        assert "⟦" not in shown and "⟧" not in shown, shown


def test_channel_notes_come_reviewed_in_every_configured_language_without_packs() -> None:
    from bot.channels.notes import NOTES
    from bot.language.names import configured_languages

    class NoPacks:
        def languages(self):
            return set()

        def translate(self, text, source, target):
            from bot.translation.translator import TranslationUnavailable

            raise TranslationUnavailable("none")

    generator = GuidanceNLG()
    generator.translator = NoPacks()
    for language in configured_languages()[1:]:
        for notice, text in NOTES.items():
            message = generator.render({"text": text.format(limit=500)}, [], language)
            assert message["language"] == language, (language, notice, message["text"])
    shortened = generator.render({"text": NOTES["shortened"].format(limit=500)}, [], "en")
    assert "first 500 characters" in shortened["text"]


async def test_reply_in_persian_goes_through_the_english_pivot(fixture_packs) -> None:
    message = await fixture_nlg().generate(
        "utter_known_greeting", tracker_in(detected="fa"), "rest"
    )
    assert message["language"] == "fa"
    assert message["text"].startswith("سلام!")
    assert "Baden-Württemberg" in message["text"]
    assert "ي" not in message["text"] and "ك" not in message["text"]  # Persian letters


def test_persian_and_arabic_questions_reach_the_same_german_question(fixture_packs) -> None:
    from bot.translation.prepare import prepare
    from bot.translation.translator import default_translator

    persian = prepare("کلاس زبان را کجا پیدا کنم؟", None, default_translator(), "de")
    arabic = prepare("أين أجد دورة لغة؟", None, default_translator(), "de")
    assert (persian.language, arabic.language) == ("fa", "ar")
    assert persian.text == arabic.text == "Wo finde ich einen Sprachkurs?"
