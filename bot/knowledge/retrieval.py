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
"""`compound-split` scores below this are not trusted as a split ..."""
KNOWN_COMPOUND_SCORE = -0.6
"""... unless both parts are words of the sources ("Flüchtlings|beauftragte")."""
PART_SHARE = 0.8
"""How much of a compound's weight its parts cover when the whole word is missing."""
VARIANT_LENGTH = 5
"""Stems at least this long also match a stem of the sources that extends or
shortens them by a few letters ("koordiniert" / "koordini(eren)"), a light lemmatiser."""
VARIANT_DIFFERENCE = 3
RERANK_DEPTH = 5
"""The best BM25 hits are ranked again by score times coverage squared: of two
sentences that score alike, the one holding more of what was asked comes first
(recall@1 on tests/dev 0.852 -> 0.861)."""
TYPO_CUTOFF = 0.82
"""How close (difflib ratio) an unknown word must be to a word of the sources."""

QUESTION_WORDS = frozenset(
    """was wer wie wo wann warum wieso weshalb wofür wozu woher wohin welche welcher
    welches welchen viele viel gibt gab geben bitte hallo hi danke ich mir mich mein
    meine meinen wir uns du dir ihr sie ihnen man kann könnte können kannst möchte
    will wollen sagen sag erklär erklären eigentlich genau denn mal so etwas jemand
    ja nein ok okay hier da dort stimmt richtig laut text quelle quellen sagt sagte
    gesagt sagen meint meinte gemeint aussage erzählt wen wem wessen bedeutet bedeuten""".split()
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
    "lernen": "sprachförderung integrationskurs",
    "sprache": "sprachförderung",
    "chef": "leiter leitet",
    "chefin": "leiterin leitet",
    "rathaus": "kommunen gemeinden",
    "gemeinde": "gemeinden kommunen",
    "stadt": "städte kommunen",
    "landkreis": "kreise kommunen",
}
"""Everyday words and short names, with the words the sources use for them."""


DATE_TOKEN = "_datum"
"""Stands for a date or year in a sentence, and for "wann" in a question."""
NUMBER_TOKEN = "_zahl"
"""Stands for a figure in a sentence, and for "wie viele" in a question."""
SPEECH_TOKEN = "_aussage"
"""Stands for what someone said or demanded: a quotation or a verb of saying in a
sentence, "was hat … gesagt / gefordert" in a question."""
_DATE = re.compile(r"\b(?:1[89]|20)\d{2}\b|\b\d{1,2}\.\s?(?:\d{1,2}\.|[A-ZÄÖÜ][a-zä]+)")
_FIGURE = re.compile(
    r"\b\d+(?:[.,]\d+)*\b(?!\.\s?[A-ZÄÖÜ])|\b(?:zwei|drei|vier|fünf|zehn|hundert|tausend)\b"
    r"|\bMillionen\b|\bProzent\b|\bDrittel\b|\bViertel\b"
)
_ASKS_DATE = re.compile(r"\b(wann|seit wann|datum|welche[mn]? jahr|in welchem jahr)\b", re.I)
_ASKS_FIGURE = re.compile(
    r"\b(wie ?viele?|wieviele?|anzahl|zahl|wie hoch|wie groß|wie lange|prozent|summe)\b", re.I
)


_SPEECH = re.compile(
    r"[„“\"]|\b(?:sagte|betonte|forderte|fordert|erklärte|verwies|lobte|appellierte|"
    r"unterstrich|hob|mahnte|warb|machte|kündigte|stellte klar|so (?:die|der))\b", re.I
)
_ASKS_SPEECH = re.compile(
    r"\b(?:ge|)(?:sagt|fordert|betont|meint|erklärt)e?\b|\b(?:gefordert|gesagt|betont|"
    r"gemeint|erklärt|gelobt|appelliert|verlangt|aussage|zitat|meinung|laut)\b", re.I
)


def typed_tokens(text: str, question: bool) -> List[str]:
    """Returns the tokens that stand for a date, a figure or a statement.

    A "wann" question then prefers sentences with a date, a "wie viele" question
    sentences with a figure, a "was hat sie gefordert" question sentences that report
    what someone said; a sentence without one covers less of the question.
    """
    if question:
        patterns = ((DATE_TOKEN, _ASKS_DATE), (NUMBER_TOKEN, _ASKS_FIGURE),
                    (SPEECH_TOKEN, _ASKS_SPEECH))
    else:
        patterns = ((DATE_TOKEN, _DATE), (NUMBER_TOKEN, _FIGURE), (SPEECH_TOKEN, _SPEECH))
    return [token for token, pattern in patterns if pattern.search(text)]


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
    """Returns the parts of a German compound, or () when it is none.

    A split `compound-split` is unsure of counts when both parts are words of the
    sources (`source_words`).
    """
    from compound_split import char_split

    if len(word) < MIN_COMPOUND or "-" in word or not word.isalpha():
        return ()
    score, head, tail = char_split.split_compound(word.capitalize())[0]
    if len(head) < MIN_PART or len(tail) < MIN_PART:
        return ()
    if head.lower() in STOPWORDS or tail.lower() in STOPWORDS:
        return ()
    if score < COMPOUND_SCORE:
        known = source_words()
        stem = _stemmer().stemWord
        sure = (score >= KNOWN_COMPOUND_SCORE and stem(head.lower().rstrip("s")) in known
                and stem(tail.lower()) in known)
        if not sure:
            return ()
    return (head.lower(), tail.lower()) + _compound_parts(tail.lower())


def base_forms(word: str) -> List[str]:
    """Returns a word's forms without the feminine ending ("Managerinnen" -> "Manager")."""
    forms = [word]
    if len(word) >= 8 and word.endswith("innen"):
        forms.append(word[:-5])
    elif len(word) >= 7 and word.endswith(("erin", "ärin", "entin", "antin", "istin")):
        forms.append(word[:-2])
    return forms


_COORDINATED = re.compile(
    r"\b([^\W\d_]{3,})-,?\s+(?:(?:[^\W\d_]+-,?\s+)*)(?:und|oder|sowie|bzw\.)\s+([^\W\d_]{3,})"
)
_SUFFIX_COORDINATED = re.compile(r"\b([^\W\d_]{6,}?)(?:innen)?\s+(?:und|oder)\s+-([^\W\d_]{3,})")


def coordinated_compounds(text: str) -> List[str]:
    """Returns the compounds a coordination leaves out.

    "Integrations- und Flüchtlingsbeauftragte" means "Integrationsbeauftragte" too,
    "Integrationsmanagerinnen und -manager" means "Integrationsmanager".
    """
    found = []
    for match in _COORDINATED.finditer(text):
        parts = _compound_parts(match.group(2).lower())
        if parts:
            found.append(match.group(1) + parts[-1])
    for match in _SUFFIX_COORDINATED.finditer(text):
        head = match.group(1).lower()
        for part in _compound_parts(head) or ():
            if match.group(2).lower().startswith(part[:4]):
                found.append(head[: len(head) - len(part)] + match.group(2).lower())
                break
    return found


@lru_cache(maxsize=1)
def source_words() -> frozenset:
    """The stems of the words of the sources (whole words, no compound parts)."""
    from bot.knowledge.catalogue import load_catalogue

    stem = _stemmer().stemWord
    found = set()
    for source in load_catalogue().values():
        found |= {stem(w) for w in WORD.findall(source.content().lower())}
    return frozenset(found)


FUNCTION_WORDS = frozenset(
    """beim pro wieviel wieviele worauf worüber wovon womit woran wodurch ungefähr etwa
    extra bzw usw""".split()
)
"""More words of a question that say nothing about its subject."""


def _folded(word: str) -> set:
    """A word as people type it without umlauts: "für" -> "fur", "fuer"; "heißt" -> "heisst"."""
    plain = word.replace("ß", "ss")
    return {plain.translate(str.maketrans("äöü", "aou")),
            plain.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")}


# "heißt" stays a word: "wie heißt die App" asks for a detail the sources may lack.
_STOPWORDS = frozenset(STOPWORDS_GERMAN) | QUESTION_WORDS | FUNCTION_WORDS
STOPWORDS = _STOPWORDS | frozenset(f for word in _STOPWORDS for f in _folded(word))


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


@dataclass(frozen=True)
class WordGroup:
    """The stems one word of a text stands for.

    Attributes:
        whole: Stems of the whole word: itself, without a feminine ending, and the
            words `ALIASES` gives for it; any of them covers the word.
        parts: Stems of its compound parts; they cover it in part.
    """

    whole: Tuple[str, ...]
    parts: Tuple[str, ...]


def word_groups(text: str, expand: bool = True) -> List[WordGroup]:
    """Returns a group of stems for each word of a text (see `WordGroup`).

    Args:
        text: German text.
        expand: Whether to add the words of `ALIASES` for everyday words.
    """
    stemmer = _stemmer()
    groups: List[WordGroup] = []
    aliases = _alias_stems() if expand else {}
    for word in words(text):
        whole: List[str] = []
        parts: List[str] = []
        alias = aliases.get(stemmer.stemWord(word))
        if alias:
            whole += [stemmer.stemWord(w) for w in words(alias)]
        pieces = word.split("-") if "-" in word else [word]
        if len(pieces) > 1:
            whole.append(stemmer.stemWord(word))
        for piece in pieces:
            target = whole if len(pieces) == 1 else parts
            for form in base_forms(piece):
                target.append(stemmer.stemWord(form))
                parts += [stemmer.stemWord(p) for p in _compound_parts(form)]
        groups.append(WordGroup(tuple(dict.fromkeys(whole)),
                                tuple(p for p in dict.fromkeys(parts) if p not in whole)))
    return groups


def stems(text: str, expand: bool = True) -> List[str]:
    """Returns the stems of a text's words, with compound parts and aliases.

    Args:
        text: German text.
        expand: Whether to add the words of `ALIASES` for everyday words.
    """
    return [stem for group in word_groups(text, expand) for stem in group.whole + group.parts]


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
        self._position = {s.id: i for i, s in enumerate(self.sentences)}

    def document_text(self, sentence: ContentSentence) -> str:
        """The text a sentence is found by: itself, with defined acronyms spelled out."""
        text = " ".join([sentence.text] + coordinated_compounds(sentence.text))
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

    @lru_cache(maxsize=4096)  # noqa: B019 - one index per process
    def _known(self, stem: str) -> Tuple[str, ...]:
        """The stems of the sources a question's stem stands for.

        Itself, a close variant ("koordiniert" / "koordini"), or the nearest word when
        it is a typo.
        """
        if stem in self._vocabulary_set:
            found = [stem]
        elif len(stem) >= VARIANT_LENGTH:
            found = difflib.get_close_matches(stem, self.vocabulary, n=1, cutoff=TYPO_CUTOFF)
        else:
            found = []
        return tuple(found + [v for v in self._variants(stem) if v not in found])

    @lru_cache(maxsize=4096)  # noqa: B019 - one index per process
    def _variants(self, stem: str) -> Tuple[str, ...]:
        if len(stem) < VARIANT_LENGTH:
            return ()
        return tuple(
            v for v in self.vocabulary
            if len(v) >= VARIANT_LENGTH and v != stem
            and abs(len(v) - len(stem)) <= VARIANT_DIFFERENCE
            and (v.startswith(stem) or stem.startswith(v))
        )

    @lru_cache(maxsize=256)  # noqa: B019 - one index per process
    def query_groups(self, question: str) -> Tuple[Tuple[float, frozenset, frozenset], ...]:
        """Returns the question's words as (weight, whole stems, part stems) of the sources.

        A word's weight is the inverse document frequency of its rarest whole form the
        sources have, or of a part when they have no whole form, or the weight of an
        unknown word; "wann" and "wie viele" add the date and figure tokens.
        """
        text = question
        for acronym, long in self.acronyms.items():
            if re.search(rf"\b{re.escape(acronym)}\b", question.lower()):
                text = f"{text} {long}"
        result = []
        extra = coordinated_compounds(text)
        for group in word_groups(" ".join([text] + extra)):
            whole = {k for stem in group.whole for k in self._known(stem)}
            parts = {k for stem in group.parts for k in self._known(stem)} - whole
            if whole:
                weight = max(self.idf[t] for t in whole)
            elif parts and len(parts) >= len(group.parts):
                weight = max(self.idf[t] for t in parts)
            else:
                weight = self.unknown_idf
            result.append((weight, frozenset(whole), frozenset(parts)))
        for token in typed_tokens(question, question=True):
            result.append((self.idf.get(token, self.unknown_idf), frozenset({token}), frozenset()))
        return tuple(result)

    def query_stems(self, question: str) -> List[str]:
        """Returns the stems of the sources that a question's words stand for."""
        return list(dict.fromkeys(
            t for _, whole, parts in self.query_groups(question) for t in sorted(whole | parts)
        ))

    @staticmethod
    def _covered(groups: List[Tuple[float, frozenset, frozenset]], tokens: frozenset) -> float:
        total = sum(weight for weight, _, _ in groups) or 1.0
        covered = 0.0
        for weight, whole, parts in groups:
            if whole & tokens:
                covered += weight
            elif parts:
                covered += weight * PART_SHARE * len(parts & tokens) / len(parts)
        return covered / total

    def search(self, question: str, top: int = 3) -> List[Hit]:
        """Returns the best sentences for a question, best first.

        Args:
            question: The user's question (German).
            top: How many hits to return at most.
        """
        groups = self.query_groups(question)
        known = list(dict.fromkeys(t for _, whole, parts in groups for t in sorted(whole | parts)))
        if not known:
            return []
        scores = self.retriever.get_scores(known)
        order = np.argsort(-scores, kind="stable")[: max(top, RERANK_DEPTH)]
        hits = []
        for i in order:
            if scores[i] <= 0:
                break
            hits.append(Hit(self.sentences[i], float(scores[i]),
                            self._covered(groups, self._tokens[i])))
        hits.sort(key=lambda hit: -hit.score * hit.coverage ** 2)
        return hits[:top]

    def text_tokens(self, text: str) -> frozenset:
        """The tokens a text (a FAQ answer, a title) is matched by, like a sentence's."""
        return (frozenset(stems(" ".join([text] + coordinated_compounds(text)), expand=False))
                | frozenset(typed_tokens(text, question=False)))

    def residual(self, question: str, known: frozenset, hit: Hit) -> float:
        """Returns the share of the question a sentence covers that `known` does not.

        With `known` the tokens of a selected FAQ topic, this is what the sentence adds
        to the topic: asked how many discussions a conference had, the topic covers the
        conference, the sentence "in einer der vier Diskussionen" the discussions.

        Args:
            question: The user's question (German).
            known: Tokens already covered (`text_tokens` of the topic's texts).
            hit: A sentence found for the question.
        """
        groups = self.query_groups(question)
        uncovered = [(w, whole, parts) for w, whole, parts in groups
                     if not (whole & known) and not (parts and parts <= known)]
        total = sum(weight for weight, _, _ in groups) or 1.0
        share = self._covered(uncovered, self._tokens[self._position[hit.sentence.id]])
        return share * (sum(weight for weight, _, _ in uncovered) or 1.0) / total

    def coverage(self, question: str, texts: Iterable[str]) -> float:
        """Returns how much of the question's weight some text covers (best text)."""
        groups = self.query_groups(question)
        best = 0.0
        for text in texts:
            best = max(best, self._covered(groups, self.text_tokens(text)))
        return best


@lru_cache(maxsize=1)
def default_index() -> SourceIndex:
    """The index over `seeds/` (built once per process)."""
    return SourceIndex.from_catalogue()
