"""User messages are detected and translated off the event loop, before Rasa runs."""

from __future__ import annotations

import asyncio
import threading
import time

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_translator import LanguageTranslator
from bot.translation import prepare as prepare_module
from bot.translation.prepare import (
    PREPARED_KEY,
    prepare,
    prepare_message_metadata,
    take_prepared,
)
from bot.translation.translator import TranslationUnavailable


class Slow:
    """A translator that takes its time, and counts calls and threads."""

    def __init__(self, seconds: float = 0.3) -> None:
        self.seconds = seconds
        self.calls = 0
        self.threads = set()

    def languages(self):
        return {"de", "en"}

    def translate(self, text, source, target):
        self.calls += 1
        self.threads.add(threading.current_thread().name)
        time.sleep(self.seconds)
        return {"Where can I find a language course?": "Wo finde ich einen Sprachkurs?"}[text]


def test_the_event_loop_keeps_running_while_a_message_is_translated(monkeypatch) -> None:
    slow = Slow()
    monkeypatch.setattr(prepare_module, "default_translator", lambda: slow)

    async def scenario():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        metadata = await prepare_message_metadata("Where can I find a language course?", {})
        task.cancel()
        return ticks, metadata

    ticks, metadata = asyncio.run(scenario())
    assert ticks >= 10  # the loop served others during the 0.3 s translation
    assert slow.threads and all(name.startswith("translation") for name in slow.threads)
    prepared = take_prepared(metadata, "Where can I find a language course?")
    assert prepared.text == "Wo finde ich einen Sprachkurs?" and prepared.language == "en"


def test_messages_are_translated_in_parallel(monkeypatch) -> None:
    slow = Slow(seconds=0.4)
    monkeypatch.setattr(prepare_module, "default_translator", lambda: slow)
    text = "Where can I find a language course?"

    async def two_at_once():
        return await asyncio.gather(
            prepare_message_metadata(text, {}), prepare_message_metadata(text, {})
        )

    started = time.perf_counter()
    asyncio.run(two_at_once())
    assert time.perf_counter() - started < 0.75  # not 2 × 0.4 s one after the other
    assert slow.calls == 2


def test_the_nlu_component_takes_the_prepared_message_without_translating_again(
    monkeypatch,
) -> None:
    slow = Slow(seconds=0)
    monkeypatch.setattr(prepare_module, "default_translator", lambda: slow)
    text = "Where can I find a language course?"
    metadata = asyncio.run(prepare_message_metadata(text, {"language": "en"}))
    assert set(metadata) == {"language", PREPARED_KEY}  # no text in the stored metadata

    class Refusing:
        def languages(self):
            return {"de", "en"}

        def translate(self, *args):
            raise AssertionError("translated twice")

    message = Message(data={"text": text, "metadata": metadata})
    LanguageTranslator({}, translator=Refusing()).process([message])
    assert message.get("text") == "Wo finde ich einen Sprachkurs?"
    assert message.get("language") == "en" and message.get("original_text") == text
    assert take_prepared(metadata, text) is None  # taken once


def test_a_prepared_message_for_another_text_is_not_used(monkeypatch) -> None:
    monkeypatch.setattr(prepare_module, "default_translator", lambda: Slow(seconds=0))
    metadata = asyncio.run(prepare_message_metadata("Where can I find a language course?", {}))
    assert take_prepared(metadata, "something else") is None


def test_without_a_pack_the_language_is_named_and_the_text_kept() -> None:
    class NoPack:
        def languages(self):
            return {"de", "en"}

        def translate(self, text, source, target):
            raise TranslationUnavailable("no pack")

    prepared = prepare("Merhaba, dil kursu nerede?", None, NoPack(), "de")
    assert (prepared.language, prepared.missing, prepared.text) == (
        "tr", "tr", "Merhaba, dil kursu nerede?"
    )
    unsure = prepare("dnake", None, NoPack(), "de")  # a typo, not Turkish
    assert unsure.missing is None and unsure.language == "und"
    hello = prepare("Hello", None, NoPack(), "de")  # a greeting is evidence enough
    assert (hello.language, hello.missing, hello.greeting_only) == ("en", "en", True)


def test_a_greeting_alone_is_marked_so_that_it_sets_only_a_new_conversation_language() -> None:
    class Greeting:
        def languages(self):
            return {"de", "en"}

        def translate(self, text, source, target):
            return "Hallo"

    hello = prepare("Hello", None, Greeting(), "de")
    assert (hello.language, hello.greeting_only, hello.text) == ("en", True, "Hallo")
    assert not prepare("Hello", "ar", Greeting(), "de").greeting_only  # conversation known


def test_a_message_of_the_sources_german_words_stays_german() -> None:
    from bot.language.lexicon import source_vocabulary

    class NoPack:
        def languages(self):
            return {"de", "en"}

        def translate(self, text, source, target):
            raise TranslationUnavailable("no pack")

    words = source_vocabulary()
    assert prepare("was sagte aydan özoğuz", None, NoPack(), "de", bot_words=words).language == "de"
    assert prepare("je früher desto besser integration", None, NoPack(), "de",
                   bot_words=words).language == "de"
    english = prepare("what does the integration manager do", None, NoPack(), "de",
                      bot_words=words)
    assert english.language == "en"
