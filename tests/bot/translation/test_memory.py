"""The translation memory: answers translated once, reviewed ones win, stale ones found."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.rendering.reply_translation import ReplyTranslator, texts_to_translate
from bot.translation.memory import Entry, TranslationMemory, read_entries, write_entries
from bot.translation.translator import ArgosTranslator, ProtectingTranslator

GREETING = "Hallo! Wie geht es Ihnen?"
THANKS = "Danke für Ihre Hilfe."


@pytest.fixture
def memory(tmp_path) -> TranslationMemory:
    return TranslationMemory(reviewed=tmp_path / "reviewed", machine=tmp_path / "machine")


@pytest.fixture(scope="module")
def fixture_translator(fixture_packs) -> ProtectingTranslator:
    return ProtectingTranslator(ArgosTranslator())


def machine(translator, language):
    return lambda text: translator.translate(text, "de", language)


def review(memory: TranslationMemory, language: str, **entries: Entry) -> None:
    write_entries(memory.paths(language)[0], language, entries, "# reviewed\n")


def test_build_translates_each_text_once_into_a_readable_file(memory, fixture_translator) -> None:
    texts = {"utter_greet": GREETING, "utter_thank": THANKS}
    status = memory.build(texts, "en", machine(fixture_translator, "en"))
    assert status.machine == ["utter_greet", "utter_thank"] and not status.missing
    data = yaml.safe_load(memory.paths("en")[1].read_text(encoding="utf-8"))
    assert data["entries"]["utter_greet"] == {"de": GREETING, "text": "Hello! How are you?"}
    assert memory.lookup(GREETING, "en") == "Hello! How are you?"

    calls = []
    memory.build(texts, "en", lambda text: calls.append(text))
    assert calls == []  # nothing to do: every text is current


def test_a_reviewed_translation_wins_over_the_machine_one(memory, fixture_translator) -> None:
    texts = {"utter_greet": GREETING}
    memory.build(texts, "en", machine(fixture_translator, "en"))
    reviewed = Entry(GREETING, "Hi there! How are you doing?", "2026-12-01 A")
    review(memory, "en", utter_greet=reviewed)
    assert memory.lookup(GREETING, "en") == "Hi there! How are you doing?"
    status = memory.build(texts, "en", machine(fixture_translator, "en"))
    assert status.reviewed == ["utter_greet"] and status.machine == []
    assert read_entries(memory.paths("en")[1]) == {}  # the machine entry is no longer needed


def test_a_changed_german_text_makes_entries_stale(memory, fixture_translator) -> None:
    memory.build({"utter_greet": GREETING, "utter_thank": "Danke"}, "en",
                 machine(fixture_translator, "en"))
    review(memory, "en", utter_thank=Entry("Danke", "Thanks a lot", "2026-12-01 A"))
    changed = {"utter_greet": "Guten Morgen", "utter_thank": THANKS}
    before = memory.status(changed, "en")
    assert before.stale_machine == ["utter_greet"] and before.stale_reviewed == ["utter_thank"]
    assert "2 stale (1 reviewed)" in before.line()

    after = memory.build(changed, "en", machine(fixture_translator, "en"))
    assert after.machine == ["utter_greet"]  # the stale machine entry was redone
    assert after.stale_reviewed == ["utter_thank"]  # flagged until a person updates it
    assert memory.lookup("Guten Morgen", "en") == "Good morning"
    assert memory.lookup(THANKS, "en") == "Thanks for your help."  # the current meaning
    assert memory.lookup("Danke", "en") == "Thanks a lot"  # only for the old text


def test_missing_when_no_pack_can_translate(memory) -> None:
    status = memory.build({"utter_greet": GREETING}, "tr", lambda text: None)
    assert status.missing == ["utter_greet"]
    assert "1 missing" in status.line()


def test_a_kept_translation_serves_a_text_with_other_numbers(memory) -> None:
    review(memory, "en", note=Entry(
        "Ich habe nur die ersten 2000 Zeichen gelesen.", "I only read the first 2000 characters.",
        "2026-12-01 A",
    ))
    assert memory.lookup("Ich habe nur die ersten 500 Zeichen gelesen.", "en") == (
        "I only read the first 500 characters."
    )


def test_a_text_with_a_repeated_number_is_served_only_as_it_was_translated(memory) -> None:
    german = "2016 förderte das Land Beauftragte. Deshalb förderte das Land 2016 Beauftragte."
    english = "In 2016 the state funded officers. That is why in 2016 the state funded officers."
    review(memory, "en", answer=Entry(german, english, "2026-12-01 A"))
    assert memory.lookup(german, "en") == english
    # Which 2016 became 2017 cannot be told from the translation: not "2016 … 2016".
    assert memory.lookup(german.replace("Land 2016", "Land 2017"), "en") is None


def test_the_reply_translator_serves_memory_first_and_live_last(memory, fixture_translator):
    class Counting:
        calls = 0

        def languages(self):
            return fixture_translator.languages()

        def translate(self, text, source, target):
            Counting.calls += 1
            return fixture_translator.translate(text, source, target)

    review(memory, "en", utter_greet=Entry(GREETING, "Reviewed hello", "2026-12-01 A"))
    replies = ReplyTranslator(translator=Counting(), memory=memory)
    assert replies.translate(GREETING, "en") == "Reviewed hello"
    assert Counting.calls == 0
    assert replies.translate(THANKS, "en") == "Thanks for your help."
    assert Counting.calls == 1


def test_reviewed_translations_are_served_without_any_pack(memory) -> None:
    class NoPacks:
        def languages(self):
            return set()

        def translate(self, text, source, target):
            from bot.translation.translator import TranslationUnavailable

            raise TranslationUnavailable("none")

    review(memory, "tr", utter_thank=Entry(THANKS, "Yardımınız için teşekkürler.", "x"))
    replies = ReplyTranslator(translator=NoPacks(), memory=memory)
    message, _, language = replies.translate_message({"text": THANKS}, "Quelle", "tr")
    assert message["text"] == "Yardımınız için teşekkürler." and language == "tr"


def test_every_response_button_topic_label_and_note_is_a_text_to_translate() -> None:
    texts = texts_to_translate()
    assert texts["utter_greet"].startswith("Hallo! Ich bin ein Chatbot")
    assert texts["topic/kurs_finden"] == "Wo finde ich einen Sprachkurs?"
    assert texts["label/Quelle"] == "Quelle" and texts["label/Quellen"] == "Quellen"
    assert texts["note/empty"].startswith("Ihre Nachricht ist leer")
    assert "{limit}" not in texts["note/shortened"]
    assert any(key.startswith("utter_faq/") for key in texts)
    assert texts["utter_emergency"].startswith("Im Notfall rufen Sie sofort die 112")
    assert "utter_source_quote" not in texts  # only a slot: the quote is translated live


def test_the_build_command_and_status_report(fixture_packs, tmp_path, monkeypatch, capsys):
    import re

    from bot.rendering import reply_translation
    from bot.translation.memory import REVIEWED_DIR

    monkeypatch.setenv("TRANSLATION_MEMORY_DIR", str(tmp_path))
    assert reply_translation.main(["build", "--languages", "en,ar,tr"]) == 0
    out = capsys.readouterr().out
    assert "tr: no language pack installed" in out
    assert not (tmp_path / "tr.yml").exists()
    # English answers are reviewed throughout (translations/en.yml): the machine only
    # translates what quotes are made of (introductions and source sentences).
    machine_english = read_entries(tmp_path / "en.yml")
    assert machine_english and all(key.startswith("quote/") for key in machine_english)
    assert reply_translation.main(["status", "--languages", "en,ar"]) == 0
    english, arabic = capsys.readouterr().out.strip().splitlines()[-2:]
    reviewed = len(read_entries(REVIEWED_DIR / "en.yml"))
    assert re.fullmatch(
        rf"en: {reviewed} reviewed, {len(machine_english)} machine, 0 stale \(0 reviewed\), "
        r"\d+ missing", english), english
    reviewed = len(read_entries(REVIEWED_DIR / "ar.yml"))
    assert re.fullmatch(rf"ar: {reviewed} reviewed, [1-9]\d* machine, 0 stale .*", arabic), arabic


def test_the_committed_reviewed_files_are_well_formed() -> None:
    from bot.translation.memory import REVIEWED_DIR

    for path in Path(REVIEWED_DIR).glob("*.yml"):
        if path.name == "notes.yml":
            continue
        for key, entry in read_entries(path).items():
            assert entry.reviewed, f"{path.name}: {key} is not marked reviewed"


def test_a_quote_is_translated_part_by_part_from_the_memory(memory) -> None:
    from bot.knowledge.retrieval import default_index
    from bot.rendering.quotes import GAP
    from bot.translation.translator import TranslationUnavailable

    class NoPacks:
        def languages(self):
            return {"de"}

        def translate(self, text, source, target):
            raise TranslationUnavailable("none")

    texts = texts_to_translate()
    sentences = {s.id: s.text for s in default_index().sentences}
    # `make models` keeps each document's introduction and each content sentence.
    assert texts["quote/000"] == "Laut einer Meldung des Bundesamts für Migration und " \
        "Flüchtlinge (10.07.2018)"
    assert texts["quote/000:12"] == sentences["000:12"]
    review(memory, "fr",
           intro=Entry(texts["quote/000"], "Selon un communiqué du BAMF (10.07.2018)"),
           one=Entry(sentences["000:12"], "Phrase douze."),
           two=Entry(sentences["000:14"], "Phrase quatorze."),
           mark=Entry(texts["label/translated_quote"], "(traduction automatique)"))
    replies = ReplyTranslator(translator=NoPacks(), memory=memory)
    parts = {"introduction": texts["quote/000"],
             "sentences": [sentences["000:12"], GAP, sentences["000:14"]]}
    german = {"text": "Laut … (10.07.2018): „…“"}
    message, _, language = replies.translate_message(german, "Quelle", "fr", quote=parts)
    # no live translation was needed: every part came from the memory; the quote says
    # that its words are a machine's, not the source's
    assert message["text"] == ("Selon un communiqué du BAMF (10.07.2018): "
                               "“Phrase douze. […] Phrase quatorze.” (traduction automatique)")
    assert language == "fr"
    # a part the memory lacks and no pack can translate: German with the note
    parts["sentences"].append(sentences["000:15"])
    message, _, language = replies.translate_message(german, "Quelle", "fr", quote=parts)
    assert message["text"].endswith(german["text"]) and language == "de"
