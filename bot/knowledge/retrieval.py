"""Retrieval over the content sentences of the sources (BM25, German stems, compounds).

The index is built when first needed from `seeds/` and the catalogue, so a new
document (its `.txt` and its catalogue entry) is searchable without NLU data or
training. Scoring is BM25 (`bm25s`) over German Snowball stems (`PyStemmer`), with the
parts of German compounds added (`compound-split`: "Beratungsgespräche" also counts
as "Beratung" and "Gespräch") and the acronyms the documents define ("Migrationsberatung
für Erwachsene (MBE)") expanded. A query word that no sentence has is matched to the
closest word of the sources when it is a likely typo (`difflib`).

Besides BM25's score, each hit says how much of the question it covers: the share of
the question's weight (BM25's inverse document frequencies; words the sources never
use weigh most) that stands in the sentence. A question about something the sources
do not mention ("Bayern", "Wetter") therefore covers little, whatever its score.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_GERMAN

from bot.knowledge.catalogue import Source, load_catalogue
from bot.knowledge.sentences import ContentSentence, all_sentences
from bot.paths import SEEDS_DIR

WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+(?:-[^\W\d_]+)*")
ACRONYM = re.compile(
    r"((?:[A-ZÄÖÜ][\w-]*,?\s(?:(?:für|und|der|des|von)\s)?){1,6})\(([A-Z][A-Za-z]{1,6})\)"
)
MIN_COMPOUND = 9
"""Words at least this long are split into their parts (German compounds)."""
MIN_PART = 4
"""Shorter parts ("komm|den", "Mill|ion") are no words of their own."""
COMPOUND_SCORE = 0.3
"""`compound-split` scores below this are not trusted as a split."""
TYPO_CUTOFF = 0.82
"""How close (difflib ratio) an unknown word must be to a word of the sources."""

QUESTION_WORDS = frozenset(
    """was wer wie wo wann warum wieso weshalb wofür wozu woher wohin welche welcher
    welches welchen viele viel gibt gab geben bitte hallo hi danke ich mir mich mein
    meine meinen wir uns du dir ihr sie ihnen man kann könnte können kannst möchte
    will wollen sagen sag erklär erklären eigentlich genau denn mal so etwas jemand
    ja nein ok okay hier da dort stimmt richtig laut text quelle quellen sagt sagte
    gesagt sagen meint meinte gemeint aussage erzählt wen wem wessen""".split()
)
"""Words of a question that say nothing about its subject."""

ALIASES: Dict[str, str] = {
    "bw": "baden-württemberg",
    "bamf": "bundesamt migration flüchtlinge",
    "ukrainer": "ukraine",
    "deutschkurs": "sprachförderung kurs integrationskurs",
    "sprachkurs": "sprachförderung kurs integrationskurs",
    "flüchtling": "geflüchtete flüchtling",
    "flüchtlinge": "geflüchtete flüchtlinge",
    "geflüchtete": "geflüchtete flüchtlinge",
    "job": "arbeitsmarkt arbeit",
    "arbeit": "arbeitsmarkt arbeit",
    "geld": "millionen euro finanzierung",
}
"""Everyday words and short names, with the words the sources use for them."""


DATE_TOKEN = "_datum"
"""Stands for a date or year in a sentence, and for "wann" in a question."""
NUMBER_TOKEN = "_zahl"
"""Stands for a figure in a sentence, and for "wie viele" in a question."""
_DATE = re.compile(r"\b(?:1[89]|20)\d{2}\b|\b\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)")
_FIGURE = re.compile(
    r"\b\d+(?:[.,]\d+)*\b(?!\.\s?[A-ZÄÖÜ])|\b(?:zwei|drei|vier|fünf|zehn|hundert|tausend)\b"
    r"|\bMillionen\b|\bProzent\b|\bDrittel\b|\bViertel\b"
)
_ASKS_DATE = re.compile(r"\b(wann|seit wann|datum|welche[mn]? jahr|in welchem jahr)\b", re.I)
_ASKS_FIGURE = re.compile(
    r"\b(wie ?viele?|wieviele?|anzahl|zahl|wie hoch|wie groß|wie lange|prozent|summe)\b", re.I
)


def typed_tokens(text: str, question: bool) -> List[str]:
    """Returns the tokens that stand for a date or a figure in a sentence or a question.

    A "wann" question then prefers sentences with a date, a "wie viele" question
    sentences with a figure, and a sentence without one covers less of the question.
    """
    asks_date, asks_figure = (_ASKS_DATE, _ASKS_FIGURE) if question else (_DATE, _FIGURE)
    tokens = []
    if asks_date.search(text):
        tokens.append(DATE_TOKEN)
    if asks_figure.search(text):
        tokens.append(NUMBER_TOKEN)
    return tokens


@dataclass(frozen=True)
class Hit:
    """One sentence found for a question.

    Attributes:
        sentence: The content sentence.
        score: Its BM25 score.
        coverage: The share of the question's weight that the sentence covers (0-1).
    """

    sentence: ContentSentence
    score: float
    coverage: float


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


@lru_cache(maxsize=8192)
def _compound_parts(word: str) -> Tuple[str, ...]:
    """Returns the parts of a German compound, or () when it is none."""
    from compound_split import char_split

    if len(word) < MIN_COMPOUND or "-" in word or not word.isalpha():
        return ()
    score, head, tail = char_split.split_compound(word.capitalize())[0]
    if score < COMPOUND_SCORE or len(head) < MIN_PART or len(tail) < MIN_PART:
        return ()
    if head.lower() in STOPWORDS or tail.lower() in STOPWORDS:
        return ()
    return (head.lower(), tail.lower()) + _compound_parts(tail.lower())


STOPWORDS = frozenset(STOPWORDS_GERMAN) | QUESTION_WORDS


_ACCENTS = str.maketrans("éèêáàâíìóòúùç", "eeeaaaiioouuc")


@lru_cache(maxsize=1)
def _alias_stems() -> Dict[str, str]:
    """`ALIASES` keyed by stem, so that "fluechtlinge" finds "flüchtlinge"."""
    return {_stemmer().stemWord(word): words for word, words in ALIASES.items()}


def words(text: str) -> List[str]:
    """Returns the lower-cased words of a text (accents other than umlauts folded), no stopwords."""
    found = []
    for match in WORD.finditer(text.lower().translate(_ACCENTS)):
        word = match.group()
        if word not in STOPWORDS:
            found.append(word)
    return found


def stems(text: str, expand: bool = True) -> List[str]:
    """Returns the stems of a text's words, with compound parts and aliases.

    Args:
        text: German text.
        expand: Whether to add the words of `ALIASES` for everyday words.
    """
    stemmer = _stemmer()
    result: List[str] = []
    aliases = _alias_stems() if expand else {}
    for word in words(text):
        alias = aliases.get(stemmer.stemWord(word))
        if alias:
            result += [stemmer.stemWord(w) for w in words(alias)]
        parts = word.split("-") if "-" in word else [word]
        for part in parts:
            result.append(stemmer.stemWord(part))
            result += [stemmer.stemWord(p) for p in _compound_parts(part)]
        if len(parts) > 1:
            result.append(stemmer.stemWord(word))
    return result


def defined_acronyms(texts: Iterable[str]) -> Dict[str, str]:
    """Returns the acronyms the texts define, e.g. {"mbe": "Migrationsberatung für Erwachsene"}."""
    found: Dict[str, str] = {}
    for text in texts:
        for match in ACRONYM.finditer(text):
            found[match.group(2).lower()] = match.group(1).strip(" ,")
    return found


class SourceIndex:
    """BM25 over the content sentences of the source documents."""

    def __init__(self, sentences: Sequence[ContentSentence], k1: float = 1.2, b: float = 0.5):
        """Indexes the sentences.

        Args:
            sentences: The content sentences (`bot.knowledge.sentences`).
            k1: BM25's term-frequency saturation.
            b: BM25's length normalisation (sentences differ a lot in length).
        """
        self.sentences = list(sentences)
        self.acronyms = defined_acronyms(s.text for s in self.sentences)
        corpus = [
            stems(self.document_text(s), expand=False) + typed_tokens(s.text, question=False)
            for s in self.sentences
        ]
        self.vocabulary = sorted({token for tokens in corpus for token in tokens})
        self._vocabulary_set = frozenset(self.vocabulary)
        ids = {token: i for i, token in enumerate(self.vocabulary)}
        self.retriever = bm25s.BM25(k1=k1, b=b)
        self.retriever.index(
            bm25s.tokenization.Tokenized(
                ids=[[ids[t] for t in tokens] for tokens in corpus], vocab=ids
            ),
            show_progress=False,
        )
        document_frequency = {token: 0 for token in self.vocabulary}
        for tokens in corpus:
            for token in set(tokens):
                document_frequency[token] += 1
        n = len(corpus)
        self.idf = {
            t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in document_frequency.items()
        }
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self._tokens = [frozenset(tokens) for tokens in corpus]

    def document_text(self, sentence: ContentSentence) -> str:
        """The text a sentence is found by: itself, with defined acronyms spelled out."""
        text = sentence.text
        for acronym, long in getattr(self, "acronyms", {}).items():
            if long in text:
                text = f"{text} {acronym}"
        return text

    @classmethod
    def from_catalogue(
        cls, catalogue: Optional[Dict[str, Source]] = None, seeds_dir: Path = SEEDS_DIR
    ) -> SourceIndex:
        """Builds the index over every document of the catalogue."""
        catalogue = catalogue if catalogue is not None else load_catalogue()
        return cls(all_sentences(catalogue.values(), seeds_dir))

    def query_stems(self, question: str) -> List[str]:
        """Returns the question's stems; unknown ones replaced by a close known stem."""
        result = []
        text = question
        for acronym, long in self.acronyms.items():
            if re.search(rf"\b{re.escape(acronym)}\b", question.lower()):
                text = f"{text} {long}"
        for stem in stems(text):
            if stem not in self._vocabulary_set and len(stem) >= 5:
                close = difflib.get_close_matches(stem, self.vocabulary, n=1, cutoff=TYPO_CUTOFF)
                if close:
                    stem = close[0]
            result.append(stem)
        return result + typed_tokens(question, question=True)

    def search(self, question: str, top: int = 3) -> List[Hit]:
        """Returns the best sentences for a question, best first.

        Args:
            question: The user's question (German).
            top: How many hits to return at most.
        """
        query = list(dict.fromkeys(self.query_stems(question)))
        known = [token for token in query if token in self._vocabulary_set]
        if not known:
            return []
        scores = self.retriever.get_scores(known)
        weight = {t: self.idf.get(t, self.unknown_idf) for t in query}
        total = sum(weight.values()) or 1.0
        order = np.argsort(-scores)[:top]
        hits = []
        for i in order:
            if scores[i] <= 0:
                break
            covered = sum(weight[t] for t in query if t in self._tokens[i])
            hits.append(Hit(self.sentences[i], float(scores[i]), covered / total))
        return hits

    def coverage(self, question: str, texts: Iterable[str]) -> float:
        """Returns how much of the question's weight some text covers (best text)."""
        query = list(dict.fromkeys(self.query_stems(question)))
        weight = {t: self.idf.get(t, self.unknown_idf) for t in query}
        total = sum(weight.values()) or 1.0
        best = 0.0
        for text in texts:
            tokens = set(stems(text, expand=False)) | set(typed_tokens(text, question=False))
            best = max(best, sum(weight[t] for t in query if t in tokens) / total)
        return best


@lru_cache(maxsize=1)
def default_index() -> SourceIndex:
    """The index over `seeds/` (built once per process)."""
    return SourceIndex.from_catalogue()
