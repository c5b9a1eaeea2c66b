"""Plain German (B1) in every response the assistant sends: short sentences, active
voice, hard terms explained; readability measured with textstat's German formulas."""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Dict, List

import pytest
import textstat
import yaml

from bot.knowledge.curated import load_responses
from tests.content.meaning import normalise, sentences, words

RESPONSES = load_responses()
TEXTS: Dict[str, str] = {name: normalise(v[0]["text"]) for name, v in RESPONSES.items()}
TERMS: Dict[str, str] = yaml.safe_load(
    Path(__file__).with_name("terms.yml").read_text(encoding="utf-8")
)["terms"]

MAX_WORDS = 20
"""No sentence longer than this (B1 guides: 15–20 words)."""
MAX_AVERAGE = 12
"""Average words per sentence over all responses."""
MAX_AVERAGE_PER_ANSWER = 15
"""Average words per sentence of each single response."""
MIN_FLESCH_AMSTAD = 45
"""Flesch reading ease, German (Amstad) formula, over all responses: 30–50 "schwer",
50–60 "mittelschwer"; long official names (Integrationsmanagerinnen) weigh heavily."""
MAX_WIENER = 8.5
"""First Wiener Sachtextformel over all responses: the German school grade (4–15)."""
MIN_FLESCH_AMSTAD_PER_ANSWER = 28
MAX_WIENER_PER_ANSWER = 13

PASSIVE_AUX = re.compile(r"\b(?:wird|werden|wurde|wurden|worden|werde)\b", re.IGNORECASE)
PARTICIPLE = re.compile(r"\b(?:\w*ge\w+(?:t|en)|(?:be|ver|er|ent|zer|über)\w+t|\w+iert)\b")
"""A form of "werden" with a past participle: the passive voice."""


def german(text: str) -> str:
    """textstat in German (syllables by pyphen's German dictionary)."""
    textstat.set_lang("de")
    return text


def sentence_lengths(text: str) -> List[int]:
    """Words per sentence."""
    return [len(words(s)) for s in sentences(text)]


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_no_sentence_longer_than_20_words(name: str) -> None:
    long = [s for s in sentences(TEXTS[name]) if len(words(s)) > MAX_WORDS]
    assert not long, f"{name}: {long}"


def test_sentences_are_short_on_average() -> None:
    lengths = [n for text in TEXTS.values() for n in sentence_lengths(text)]
    assert statistics.mean(lengths) <= MAX_AVERAGE
    for name, text in TEXTS.items():
        assert statistics.mean(sentence_lengths(text)) <= MAX_AVERAGE_PER_ANSWER, name


def test_readability_of_all_responses() -> None:
    everything = german(" ".join(TEXTS.values()))
    assert textstat.flesch_reading_ease(everything) >= MIN_FLESCH_AMSTAD
    assert textstat.wiener_sachtextformel(everything, 1) <= MAX_WIENER


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_readability_of_each_response(name: str) -> None:
    text = german(TEXTS[name])
    assert textstat.flesch_reading_ease(text) >= MIN_FLESCH_AMSTAD_PER_ANSWER, name
    assert textstat.wiener_sachtextformel(text, 1) <= MAX_WIENER_PER_ANSWER, name


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_active_voice(name: str) -> None:
    passive = [
        s for s in sentences(TEXTS[name])
        if PASSIVE_AUX.search(s) and PARTICIPLE.search(s.split(" ", 1)[-1])
    ]
    assert not passive, f"{name}: passive voice in {passive}"


def test_the_passive_check_finds_the_passive() -> None:
    for sentence in ("In der ersten Förderrunde wurden 161 Anträge bewilligt.",
                     "Das Integrationsmanagement wurde 2017 flächendeckend eingeführt."):
        assert PASSIVE_AUX.search(sentence) and PARTICIPLE.search(sentence)


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_a_hard_term_is_explained_once_where_it_is_used(name: str) -> None:
    text = TEXTS[name]
    for term, explanation in TERMS.items():
        if not re.search(rf"\b{re.escape(term)}\b", text):
            continue
        found = re.findall(explanation, text)
        assert len(found) == 1, f"{name}: {term} needs its explanation once ({explanation})"
