"""The language intents: untranslated messages, and language names that are no request."""

from __future__ import annotations

from typing import Optional

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_intents import LanguageIntentGuard


def guarded(
    text: str,
    intent: str,
    ranking: tuple = (),
    language: Optional[tuple] = None,
    missing: Optional[str] = None,
    original: Optional[str] = None,
) -> Message:
    """Runs the guard on a message as the pipeline before it left it."""
    entities = []
    if language:
        word, code = language
        start = text.index(word)
        entities.append({"entity": "language", "value": code, "start": start,
                         "end": start + len(word)})
    data = {
        "text": text,
        "original_text": original or text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}]
        + [{"name": name, "confidence": c} for name, c in ranking],
        "entities": entities,
    }
    if missing:
        data["translation_missing"] = missing
    message = Message(data=data)
    LanguageIntentGuard(LanguageIntentGuard.get_default_config()).process([message])
    return message


@pytest.mark.parametrize(
    "text",
    ["Merhaba, dil kursu nerede?", "کجا می‌توانم کار پیدا کنم؟", "где найти курсы немецкого"],
)
def test_an_untranslated_message_is_untranslated_whatever_the_classifier_said(text) -> None:
    message = guarded(text, "faq", ranking=(("greet", 0.05),), missing="tr")
    assert message.get("intent")["name"] == "untranslated"
    assert message.get("intent")["confidence"] == 1.0


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("where can I learn German?", "German", "de"),
        ("أين يمكنني تعلم الألمانية؟", "الألمانية", "de"),
        ("где можно выучить немецкий?", "немецкий", "de"),
        ("Almanca kursu nerede var?", "Almanca", "de"),
    ],
)
def test_a_question_naming_a_language_is_no_request_without_a_pack(text, word, code) -> None:
    message = guarded(text, "choose_language", language=(word, code), missing="xx")
    assert message.get("intent")["name"] == "untranslated"
    assert message.get("entities") == []


@pytest.mark.parametrize(
    ("text", "word", "code"),
    [
        ("English please", "English", "en"),
        ("فارسی لطفا", "فارسی", "fa"),
        ("українською будь ласка", "українською", "uk"),
        ("الألمانية", "الألمانية", "de"),
    ],
)
def test_a_short_request_for_a_language_stays_a_request_without_a_pack(text, word, code) -> None:
    message = guarded(text, "untranslated", language=(word, code), missing="xx")
    assert message.get("intent")["name"] == "choose_language"
    assert message.get("entities")[0]["value"] == code


def test_a_translated_question_about_learning_a_language_is_no_request() -> None:
    message = guarded(
        "Wo kann ich Deutsch lernen?",
        "choose_language",
        ranking=(("faq", 0.07), ("greet", 0.01)),
        language=("Deutsch", "de"),
        original="where can I learn German?",
    )
    assert message.get("intent")["name"] == "faq"
    assert message.get("intent")["confidence"] == pytest.approx(0.7)  # as if 0.9 were not there
    assert message.get("entities") == []


@pytest.mark.parametrize(
    ("text", "word"),
    [("bitte auf Englisch", "Englisch"), ("kannst du auf Arabisch antworten", "Arabisch"),
     ("Englisch bitte", "Englisch")],
)
def test_an_explicit_request_stays_a_request(text, word) -> None:
    message = guarded(text, "choose_language", ranking=(("faq", 0.1),), language=(word, "xx"))
    assert message.get("intent")["name"] == "choose_language"
    assert message.get("entities")


def test_untranslated_for_a_translated_message_gives_way_to_the_next_intent() -> None:
    message = guarded("Ich brauche help", "untranslated", ranking=(("human_handoff", 0.08),))
    assert message.get("intent")["name"] == "human_handoff"
    assert message.get("intent")["confidence"] == pytest.approx(0.8)


def test_a_language_named_in_another_intent_is_no_entity() -> None:
    message = guarded("Wo kann ich Deutsch lernen?", "faq", language=("Deutsch", "de"))
    assert message.get("intent")["name"] == "faq" and message.get("entities") == []
