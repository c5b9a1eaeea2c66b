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
    from bot.translation import packs

    translation = packs.argos().translate.get_translation_from_codes("de", "en")

    def crash(text):
        raise RuntimeError("ctranslate2 exploded")

    monkeypatch.setattr(translation, "translate", crash)
    monkeypatch.setattr(
        packs.argos().translate, "get_translation_from_codes", lambda s, t: translation
    )
    with pytest.raises(TranslationUnavailable):
        argos.translate("Danke", "de", "en")
