"""The real translation path: argostranslate with the fixture packs, no network."""

from __future__ import annotations

import socket

import pytest

from bot.translation.translator import (
    ArgosTranslator,
    CachingTranslator,
    ProtectingTranslator,
    TranslationUnavailable,
)


@pytest.fixture(scope="module")
def argos(fixture_packs) -> ArgosTranslator:
    return ArgosTranslator()


@pytest.fixture
def no_network(monkeypatch):
    """Fails any attempt to open a network connection."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_installed_languages_come_from_the_fixture_packs(argos) -> None:
    assert {"de", "en", "ar"} <= argos.languages()


@pytest.mark.parametrize(
    "text,source,target,expected",
    [
        ("Wo finde ich einen Sprachkurs?", "de", "en", "Where can I find a language course?"),
        ("What does an integration manager do?", "en", "de", "Was macht ein Integrationsmanager?"),
        ("أين أجد دورة لغة؟", "ar", "en", "Where can I find a language course?"),
        ("Hello!", "en", "ar", "مرحبا!"),
    ],
)
def test_direct_pairs_translate(argos, no_network, text, source, target, expected) -> None:
    assert argos.translate(text, source, target) == expected


def test_arabic_to_german_pivots_through_english(argos, no_network) -> None:
    assert argos.translate("أين أجد دورة لغة؟", "ar", "de") == "Wo finde ich einen Sprachkurs?"


def test_several_sentences_are_split_offline(argos, no_network) -> None:
    assert argos.translate("Hallo! Wie geht es Ihnen?", "de", "en") == "Hello! How are you?"


def test_missing_pair_is_unavailable_not_a_crash(argos) -> None:
    with pytest.raises(TranslationUnavailable):
        argos.translate("Merhaba", "tr", "de")


def test_same_language_is_returned_unchanged(argos) -> None:
    assert argos.translate("Hallo", "de", "de") == "Hallo"


def test_terms_survive_translation(argos, no_network) -> None:
    translator = ProtectingTranslator(argos)
    result = translator.translate("Was ist die MBE?", "de", "en")
    assert result == "What is the MBE?"


def test_cache_translates_each_text_once(argos) -> None:
    class Counting:
        calls = 0

        def languages(self):
            return argos.languages()

        def translate(self, text, source, target):
            Counting.calls += 1
            return argos.translate(text, source, target)

    cached = CachingTranslator(Counting(), size=8)
    first = cached.translate("Danke", "de", "en")
    second = cached.translate("Danke", "de", "en")
    assert first == second == "Thank you"
    assert Counting.calls == 1 and cached.hits == 1


def test_cache_drops_least_recently_used(argos) -> None:
    cached = CachingTranslator(argos, size=1)
    cached.translate("Danke", "de", "en")
    cached.translate("Ja", "de", "en")
    cached.translate("Danke", "de", "en")
    assert cached.misses == 3


def test_a_crashing_model_becomes_unavailable(argos, monkeypatch) -> None:
    pack = argos.chain("de", "en")[0]

    def crash(text, beam_size):
        raise RuntimeError("ctranslate2 exploded")

    monkeypatch.setattr(pack, "translate", crash)
    with pytest.raises(TranslationUnavailable):
        argos.translate("Danke", "de", "en")


def test_pivot_uses_the_two_english_packs(argos) -> None:
    assert [(p.from_code, p.to_code) for p in argos.chain("ar", "de")] == [
        ("ar", "en"), ("en", "de")
    ]


def test_translations_of_several_texts_run_at_the_same_time(argos) -> None:
    """Two threads translate at once: neither waits for the other to finish."""
    import threading

    pack = argos.chain("de", "en")[0]
    argos.translate("Danke", "de", "en")  # loaded
    inside, release = threading.Barrier(2, timeout=10), threading.Event()
    original = pack.translate

    def slow(text, beam_size):
        inside.wait()  # both threads must be translating at this point
        release.wait(10)
        return original(text, beam_size)

    pack.translate = slow
    try:
        results = []
        threads = [
            threading.Thread(target=lambda t=t: results.append(argos.translate(t, "de", "en")))
            for t in ("Danke", "Ja")
        ]
        for thread in threads:
            thread.start()
        release.set()
        for thread in threads:
            thread.join(10)
    finally:
        del pack.translate
    assert sorted(results) == ["Thank you", "Yes"]


def test_idle_models_are_unloaded_and_load_again_on_use(fixture_packs) -> None:
    translator = ArgosTranslator(idle_unload_seconds=0.05)
    assert translator.translate("Danke", "de", "en") == "Thank you"
    assert [(p.from_code, p.to_code) for p in translator.loaded_packs()] == [("de", "en")]
    import time

    time.sleep(0.1)
    assert translator.unload_idle() == 1
    assert translator.loaded_packs() == []
    assert translator.translate("Danke", "de", "en") == "Thank you"


def test_at_most_the_set_number_of_models_stays_in_memory(fixture_packs) -> None:
    translator = ArgosTranslator(idle_unload_seconds=0, max_loaded=2)

    def loaded():
        return sorted((p.from_code, p.to_code) for p in translator.loaded_packs())

    assert translator.translate("Danke", "de", "en") == "Thank you"
    translator.translate("Thank you", "en", "de")
    assert loaded() == [("de", "en"), ("en", "de")]
    # Arabic → German needs ar→en and en→de: de→en, used least recently, goes.
    translator.translate("شكرا", "ar", "de")
    assert loaded() == [("ar", "en"), ("en", "de")]
    # the model unloaded loads again on its next use
    assert translator.translate("Danke", "de", "en") == "Thank you"
    assert len(loaded()) == 2


def test_decoding_stops_at_the_length_limit(fixture_packs) -> None:
    short = ArgosTranslator(length_ratio=0.01)  # at most 2 tokens
    assert len(short.translate("Wo finde ich einen Sprachkurs?", "de", "en").split()) <= 2


class Scripted:
    """A translator that answers from a table (what a model would have said)."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def languages(self):
        return {"de", "en"}

    def translate(self, text, source, target):
        self.calls.append(text)
        return self.answers[text]


def test_a_mangled_placeholder_falls_back_to_the_unmasked_text() -> None:
    inner = Scripted({
        "Wo kann ich ⟦0⟧ finden?": "Where can ⟦0⟧ector?",
        "Wo kann ich MBE finden?": "Where can I find MBE?",
    })
    assert ProtectingTranslator(inner).translate("Wo kann ich MBE finden?", "de", "en") == (
        "Where can I find MBE?"
    )


def test_an_invented_placeholder_never_reaches_the_user() -> None:
    inner = Scripted({"Hallo zusammen": "Hello ⟦1⟧ together"})
    with pytest.raises(TranslationUnavailable):
        ProtectingTranslator(inner).translate("Hallo zusammen", "de", "en")


def test_unmemorised_text_never_comes_back_with_a_placeholder(argos) -> None:
    """The fixture packs give nonsense for unknown text, often with placeholders."""
    translator = ProtectingTranslator(argos)
    texts = [
        "Wo kann ich den Integrationskurs der MBE in Stuttgart finden?",
        "Rufen Sie 0711 123456 an oder schreiben Sie an info@example.org.",
        "Der WebGis-Eintrag für 2024 nennt 17 Kurse.",
        "Wo kann ich mich für WebGis und die MBE anmelden?",
    ]
    for text in texts:
        for target in ("en", "ar"):
            try:
                result = translator.translate(text, "de", target)
            except TranslationUnavailable:
                continue
            assert "⟦" not in result and "⟧" not in result, (text, target, result)


@pytest.mark.parametrize("intra", ["1", "2"])
def test_models_load_with_the_configured_threads(fixture_packs, monkeypatch, intra) -> None:
    """TRANSLATION_THREADS and TRANSLATION_INTRA_THREADS reach CTranslate2."""
    import ctranslate2

    created = []
    real = ctranslate2.Translator

    def recording(*args, **kwargs):
        created.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ctranslate2, "Translator", recording)
    monkeypatch.setenv("TRANSLATION_THREADS", "3")
    monkeypatch.setenv("TRANSLATION_INTRA_THREADS", intra)
    translator = ArgosTranslator(idle_unload_seconds=0)
    assert translator.translate("Danke", "de", "en") == "Thank you"
    assert [(c["inter_threads"], c["intra_threads"]) for c in created] == [(3, int(intra))]
