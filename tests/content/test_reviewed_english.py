"""English speakers get reviewed answers: one for every text, current, and faithful.

English is the one language besides German whose answers are written for the project
(translations/en.yml) instead of taken from a machine. When a German text changes, its
English entry is stale and English speakers would get the German text after a "cannot
translate" note wherever no pack is installed: so a missing or stale entry fails here,
and the English must keep every year, figure, "as of", hedge, negation, protected term
and quote of the German (tests/content/english.py). And every response, rendered for
an English conversation with no language pack at all, comes out in English, its topic
buttons too.
"""

from __future__ import annotations

from typing import List, NamedTuple

import pytest

from bot.rendering.reply_translation import QUOTE_KEY_PREFIX, texts_to_translate, written_notes
from bot.translation.memory import REVIEWED_DIR, TranslationMemory, read_entries
from tests.content.english import ENGLISH_NUMBER_WORDS, problems
from tests.content.meaning import NUMBER_WORDS

# Quotes are verbatim source sentences, machine-translated; the answers are reviewed.
TEXTS = {key: text for key, text in texts_to_translate().items()
         if not key.startswith(QUOTE_KEY_PREFIX)}
ENGLISH = read_entries(REVIEWED_DIR / "en.yml")
HOW_TO_FIX = (
    "write or update its entry in translations/en.yml: `de` = the current German text, "
    "`text` = its English, `reviewed: <date> <name>`"
)


def test_every_text_has_a_current_reviewed_english_translation(tmp_path) -> None:
    status = TranslationMemory(machine=tmp_path).status(TEXTS, "en")
    assert not status.missing, f"no English for {status.missing}: {HOW_TO_FIX}"
    assert not status.stale_reviewed, (
        f"the German changed after the English was written: {status.stale_reviewed}: {HOW_TO_FIX}"
    )
    assert status.reviewed == list(TEXTS)


def test_no_english_entry_is_left_for_a_text_that_is_gone() -> None:
    assert sorted(set(ENGLISH) - set(TEXTS)) == []


@pytest.mark.parametrize("key", sorted(ENGLISH))
def test_the_english_says_what_the_german_says(key: str) -> None:
    entry = ENGLISH[key]
    assert entry.reviewed, f"{key} is not marked reviewed"
    assert problems(key, entry.source, entry.text) == []


def test_the_english_number_words_are_the_german_ones() -> None:
    assert set(ENGLISH_NUMBER_WORDS) == set(NUMBER_WORDS)


class Mutation(NamedTuple):
    """A wrong English: `old` replaced by `new` in the real translation of `key`."""

    name: str
    key: str
    old: str
    new: str


MUTATIONS: List[Mutation] = [
    Mutation("a figure changed", "utter_faq/integrationsmanager_anzahl", "1,200", "1,300"),
    Mutation("a thousand written the German way (one point two in English)",
             "utter_faq/integrationsmanager_anzahl", "1,200", "1.200"),
    Mutation("million became billion", "utter_faq/investitionen_land",
             "320 million euros", "320 billion euros"),
    Mutation("'mehr als' became 'about'", "utter_faq/investitionen_land",
             "more than 55 million", "about 55 million"),
    Mutation("'rund' dropped", "utter_faq/pakt_fuer_integration",
             "about 1,000", "1,000"),
    Mutation("an office without its year, in the present", "utter_faq/person_leidig",
             "In 2024 Ute Leidig was", "Ute Leidig is"),
    Mutation("'Stand 2024' without 'as of'", "utter_faq/ukraine", "(as of 2024)", "(2024)"),
    Mutation("an aim stated as a fact", "utter_faq/arbeit_finden",
             "they are meant to improve", "they improve"),
    Mutation("'kann sich geändert haben' stated as no change", "utter_faq/person_lucha",
             "This may have changed since then.", "This is still so."),
    Mutation("'häufig nur eingeschränkt' dropped", "utter_faq/transparenz_angebote",
             "often known and accessible only to a limited extent", "known and accessible"),
    Mutation("an open question answered", "utter_faq/ukraine",
             "My sources do not say whether individual people from Ukraine get money.",
             "Individual people from Ukraine get money."),
    Mutation("another city", "utter_faq/konferenz_integration_aus_einem_guss",
             "in Stuttgart", "in Heilbronn"),
    Mutation("a quote only paraphrased", "utter_faq/integration_vor_ort",
             "„Integration findet vor Ort statt.“ ", ""),
    Mutation("a protected term translated away", "utter_faq/integrationsmanager_aufgaben",
             "The Integrationsmanager (integration managers)", "The integration managers"),
    Mutation("the wrong emergency number", "utter_emergency", "call 112", "call 110"),
]


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_a_wrong_english_is_found(mutation: Mutation) -> None:
    entry = ENGLISH[mutation.key]
    assert mutation.old in entry.text, "the mutation no longer applies to the real English"
    wrong = entry.text.replace(mutation.old, mutation.new)
    assert problems(mutation.key, entry.source, wrong), f"not found: {wrong}"


class NoPacks:
    """A translator without any language pack: only the kept translations can be served."""

    def languages(self):
        return set()

    def translate(self, text, source, target):
        from bot.translation.translator import TranslationUnavailable

        raise TranslationUnavailable("no pack")


def english_nlg():
    from rasa.shared.core.domain import Domain

    from bot.knowledge.curated import load_responses
    from bot.rendering.nlg import GuidanceNLG
    from bot.rendering.reply_translation import SLOT_ONLY, response_files

    responses = {
        name: variations
        for name, variations in load_responses(response_files()).items()
        if not any(SLOT_ONLY.fullmatch(str(v.get("text", "")).strip()) for v in variations)
    }
    generator = GuidanceNLG(domain=Domain.from_dict({"responses": responses}))
    generator.translator = NoPacks()
    return generator


GENERATOR = english_nlg()


@pytest.mark.parametrize("name", sorted(GENERATOR.responses))
def test_every_response_reaches_an_english_speaker_in_english_without_a_pack(name) -> None:
    import copy

    for variation in GENERATOR.responses[name]:
        message = GENERATOR.render(copy.deepcopy(variation), [], "en")
        assert message["language"] == "en", message["text"]
        assert written_notes()["en"]["cannot_translate"] not in message["text"]
        titles = {b["title"] for b in message.get("buttons", [])}
        assert not GERMAN_TOPIC_TITLES & titles, titles


GERMAN_TOPIC_TITLES = {text for key, text in TEXTS.items() if key.startswith("topic/")}
