"""The NLU pipeline's first component: detect, annotate, translate to German."""

from __future__ import annotations

from typing import Set

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_translator import LanguageTranslator
from bot.translation.translator import ArgosTranslator, TranslationUnavailable


class Unavailable:
    """A translator whose models are all missing."""

    def languages(self) -> Set[str]:
        return set()

    def translate(self, text: str, source: str, target: str) -> str:
        raise TranslationUnavailable("nothing installed")


@pytest.fixture(scope="module")
def component(fixture_packs) -> LanguageTranslator:
    config = {**LanguageTranslator.get_default_config()}
    return LanguageTranslator(config, translator=ArgosTranslator())


def processed(component: LanguageTranslator, text: str, **data) -> Message:
    message = Message(data={"text": text, **data})
    component.process([message])
    return message


def test_english_is_translated_and_the_original_kept(component) -> None:
    message = processed(component, "Where can I find a language course?")
    assert message.get("text") == "Wo finde ich einen Sprachkurs?"
    assert message.get("original_text") == "Where can I find a language course?"
    assert message.get("language") == "en"


def test_arabic_reaches_german_through_the_pivot(component) -> None:
    message = processed(component, "أين أجد دورة لغة؟")
    assert message.get("language") == "ar"
    assert message.get("text") == "Wo finde ich einen Sprachkurs?"


def test_german_is_left_alone(component) -> None:
    message = processed(component, "Wo finde ich einen Deutschkurs?")
    assert message.get("language") == "de"
    assert message.get("text") == "Wo finde ich einen Deutschkurs?"


@pytest.mark.parametrize("payload", ['/help{"topic":"amif"}', "/greet", "/choose_language"])
def test_slash_messages_are_never_translated(component, payload) -> None:
    message = processed(component, payload)
    assert message.get("text") == payload
    assert message.get("language") == "und"


def test_language_without_pack_is_marked_and_not_translated() -> None:
    component = LanguageTranslator({}, translator=Unavailable())
    message = processed(component, "Merhaba, dil kursu nerede?")
    assert message.get("language") == "tr"
    assert message.get("translation_missing") == "tr"
    assert message.get("text") == "Merhaba, dil kursu nerede?"


def test_widget_language_keeps_an_ambiguous_message(component) -> None:
    message = processed(component, "ok", metadata={"language": "ar"})
    assert message.get("language") == "ar"


def test_language_and_original_are_in_the_parse_output(component) -> None:
    message = processed(component, "Thank you")
    output = message.as_dict(only_output_properties=True)
    assert output["language"] == "en"
    assert output["original_text"] == "Thank you"
    assert output["text"] == "Danke"


def test_training_data_is_not_touched(component) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message(data={"text": "Thank you", "intent": "thank"})])
    assert component.process_training_data(data).training_examples[0].get("text") == "Thank you"


@pytest.mark.parametrize(
    "text", ["Dr. Sommer BAMF", "roswitha keicher heilbronn", "Soforthilfe Ukraine", "AMIF"]
)
def test_names_from_the_sources_are_not_taken_for_a_foreign_language(component, text) -> None:
    message = processed(component, text)
    assert message.get("text") == text
    assert message.get("language") in ("und", "de")
