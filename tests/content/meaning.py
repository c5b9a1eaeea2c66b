"""Meaning-level checks of the curated answers against their own evidence sentences.

Test-only code (used by tests/content/test_knowledge.py and test_mutations.py). Each
sentence of an answer that cites sources must rest on ONE of its evidence sentences:

- every noun and name in it (capitalised words, the first word of a sentence too,
  unless that is a function word), every figure (digits and number words) and every
  claim word (nicht, kein, alle, jeder, kostenlos, immer, heute, aktuell, weil, um … zu,
  …) stands in that one evidence sentence (lemma, stem or part of a compound);
- a year may also be the year of the document the evidence comes from;
- a figure keeps its qualifier ("mehr als", "rund", "fast");
- where the evidence states an aim, a possibility or a hedge ("möchte", "kann",
  "häufig"), the answer keeps it; where the evidence is a quote or someone's view
  („…“, "aus Sicht", "hob hervor", reported speech), the answer says who said it;
- words inside „…“ are quoted verbatim;
- a sentence with a figure, an office, a programme or a statement carries its year
  (or says "damals" after a sentence that has it).

Sentences in which the assistant speaks about itself or advises ("Dazu habe ich keine
Informationen", "Fragen Sie …") state no fact of the sources: they may not contain
figures or claim words other than a negation, and their words must stand somewhere in
the cited documents or in the reviewed list of plain words.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import simplemma
import Stemmer
import stopwordsiso

from bot.knowledge.catalogue import Source, load_catalogue

PLAIN_WORDS_FILE = Path(__file__).with_name("plain_words.txt")

STEMMER = Stemmer.Stemmer("german")
NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
YEAR = re.compile(r"^(?:19|20)\d\d$")
QUOTE = re.compile(r"„([^“”]+)[“”]")
WORD = re.compile(r"\w", re.UNICODE)

NUMBER_WORDS = frozenset(
    "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig vierzig "
    "fünfzig hundert tausend dutzend hälfte drittel viertel doppelt dreifach".split()
)
"""Number words: figures written out ("zehn Millionen") are figures too."""

CLAIM_GROUPS: Dict[str, frozenset] = {
    "negation": frozenset("nicht kein keine keinen keinem keiner nie niemals nichts "
                          "niemand".split()),
    "all": frozenset("all alle allen aller alles jeder jede jedes jedem jeden immer stets "
                     "überall jederzeit ausnahmslos sämtlich flächendeckend".split()),
    "only": frozenset("nur ausschließlich".split()),
    "now": frozenset("heute heutig heutige heutigen aktuell aktuelle aktuellen jetzt derzeit "
                     "zurzeit gegenwärtig momentan".split()),
    "free": frozenset("kostenlos gratis umsonst kostenfrei gebührenfrei".split()),
    "right": frozenset("anspruch rechtsanspruch garantiert garantieren pflicht verpflichtet "
                       "muss müssen".split()),
    "pay": frozenset("zahlen zahlt zahlte bezahlen bezahlt bezahlte".split()),
    "receive": frozenset("bekommen bekommt bekam bekamen erhalten erhält erhielt erhielten "
                         "kriegen kriegt".split()),
    "cause": frozenset("weil denn deshalb daher darum deswegen dadurch folglich grund".split()),
    "purpose": frozenset("damit".split()),
}
"""Words that make a claim; each must be supported by the evidence (same group)."""

CAUSE_PHRASES = (re.compile(r"\bführ\w*\b.*\bdazu\b"), re.compile(r"\bangesichts\b"))
PURPOSE = re.compile(r"\bum\b[^,.;:]*(?:\bzu \w+en\b|\b\w+zu\w+en\b)")
"""`um … zu` states a purpose; "führt … dazu" and "angesichts" state a cause."""

MODALITY_GROUPS: Dict[str, frozenset] = {
    "aim": frozenset("möchte möchten mögen wollen will wollte wollten soll sollen sollte "
                     "sollten ziel ziele plan pläne planen plant geplant wünschen wünschte "
                     "wunsch notwendig notwendigkeit fordern forderte forderung".split()),
    "possible": frozenset("kann können könnte könnten möglicherweise vielleicht eventuell "
                          "womöglich möglich".split()),
    "hedge": frozenset("häufig oft eingeschränkt teilweise manchmal meist meistens "
                       "mehrheitlich".split()),
}
"""Where the evidence's clause has one of these, the answer's sentence keeps the group."""

OPINION_MARKERS = re.compile(
    r"\b(?:aus sicht|der ansicht|nach ansicht|hob\b.*\bhervor|betont\w*|kritisiert\w*|"
    r"wünscht\w* sich|forderte|meinte|lobte|bestätigte|stellte klar)\b"
)
"""Marks, in the evidence itself, that it gives someone's view."""

OPINION_BEFORE = re.compile(
    r"\b(?:aus sicht|der ansicht|nach ansicht)\b|"
    r"\b(?:hervor|betont\w*|kritisiert\w*|forderte|meinte|bestätigte|stellte klar),? "
    r"(?:dass|:)"
)
"""Marks, earlier in the document's sentence, that the evidence is the content of a view
("Aus Sicht des Landes …", "Sie hob hervor, dass …"); a date or place after "betonte"
("Leidig betonte bei ihrer Präsentation am 14. Februar 2024 …") is not."""

REPORTED_SPEECH = frozenset(
    "sei seien habe beginne funktioniere stärke sorge komme hänge finde könne wolle "
    "dürfe müsse gebe".split()
)
"""Forms of reported speech (Konjunktiv I): the evidence gives what someone said."""

ATTRIBUTION = frozenset(
    "sagen sagte sagten sagt betonen betonte betonten erklären erklärte meinen meinte "
    "meint finden fand findet wünschen wünschte kritisieren kritisierte loben lobte "
    "bestätigen bestätigte fordern forderte nennen nannte laut zufolge sicht ansicht "
    "meinung schreiben schrieb berichtet berichtete hervorheben einig".split()
)
"""Words by which an answer says whose statement or view it gives."""

QUALIFIERS: Tuple[Tuple[str, re.Pattern], ...] = (
    ("more", re.compile(r"(?:mehr als|über|weit über|mindestens)$")),
    ("about", re.compile(r"(?:rund|etwa|ungefähr|circa|ca\.)$")),
    ("almost", re.compile(r"(?:fast|knapp|beinahe|nahezu)$")),
)
"""The words before a figure that say how exact it is."""

TIME_BOUND = (
    "minister", "staatssekretär", "präsident", "beauftragt", "vorsitz", "leiter",
    "leitet", "referent", "ministerium", "regierung", "programm", "förder", "soforthilfe",
    "pakt", "stelle", "integrationsmanag", "haushalt", "fonds", "amif", "investier",
    "mbe", "migrationsberatung", "app", "chat", "webgis", "verzeichnis", "studie",
)
"""Stems of offices, bodies, programmes and services: true at a time, so dated."""

THEN = frozenset("damals damalige damaligen damaliger damaliges".split())
""""damals" dates a sentence by the year of an earlier sentence of the answer."""

UNKNOWN = re.compile(
    r"\b(?:weiß ich nicht|habe ich (?:leider )?(?:keine|nicht)|steht nicht in meinen "
    r"Quellen|kann ich (?:leider )?nicht)\b"
)
ADVICE = re.compile(
    r"^(?:Bitte )?(?:Fragen|Gehen|Wenden|Rufen|Schreiben|Suchen|Wählen|Klären) Sie\b|"
    r"^(?:Wenn|Falls) [^,]+, (?:fragen|gehen|wenden|rufen|schreiben|suchen) Sie\b|"
    r"^Bei einem \w+ (?:fragen|gehen|wenden|rufen|schreiben) Sie\b"
)
"""The assistant says what it does not know ("Ob es WebGis noch gibt, weiß ich
nicht."), or advises ("Fragen Sie …", "Wenn Sie krank sind, gehen Sie …")."""
DEFINITION = re.compile(r"^[\w-]+ heißt\b")
""""AMIF heißt …" names a term: true without a year, and not someone's view."""
"""The assistant says what it does not know, or advises: no fact of the sources."""

FUNCTION_NOUNS = frozenset(
    "jahr jahre jahren mensch menschen mann gott sache tag tage tagen teil mittel ordnung "
    "zeit uhr ende recht rechte startseite beispiel schluss".split()
)
"""Nouns that the stop-word list contains: never treated as function words."""


@cache
def stop_words() -> frozenset:
    """German function words (stopwords-iso), without nouns, figures and claim words."""
    claims = set().union(*CLAIM_GROUPS.values(), *MODALITY_GROUPS.values())
    return frozenset(
        word for word in stopwordsiso.stopwords("de")
        if word not in FUNCTION_NOUNS and word not in NUMBER_WORDS and word not in claims
    )


@cache
def plain_words() -> frozenset:
    """Generic words an answer may use without a source (tests/content/plain_words.txt)."""
    lines = PLAIN_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_plain(token: str) -> bool:
    """Whether a word (or its lemma) is in the reviewed list of plain words."""
    return token in plain_words() or simplemma.lemmatize(token, lang="de") in plain_words()


def normalise(text: str) -> str:
    """Collapses whitespace so that line breaks do not matter."""
    return " ".join(text.split())


def sentences(text: str) -> List[str]:
    """Splits German text into sentences (simplemma), also after a closing „…“ quote."""
    found: List[str] = []
    for sentence in simplemma.split_sentences(normalise(text), lang="de"):
        found += [part for part in re.split(r"(?<=[.!?]“)\s+", sentence) if part]
    return found


def words(text: str) -> List[str]:
    """The word tokens of a text (simplemma), hyphens at the edges removed."""
    found = []
    for token in simplemma.simple_tokenizer(text):
        token = token.strip("-–")
        if WORD.search(token):
            found.append(token)
    return found


@cache
def lemma(word: str) -> str:
    """The lower-case lemma of a German word."""
    return simplemma.lemmatize(word, lang="de").lower()


def stem(word: str) -> str:
    """The Snowball stem of a German word."""
    return STEMMER.stemWord(word.lower())


def figure_value(token: str) -> str:
    """A figure as compared: "1.200" and "1200" are the same figure."""
    return token.replace(".", "") if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token) else token


def is_figure(token: str) -> bool:
    """Digits or a number word."""
    return bool(NUMBER.match(token)) or token.lower() in NUMBER_WORDS


def claim_group(token: str) -> Optional[str]:
    """The claim group of a word, or None ("Zahlen" the noun is no payment)."""
    lower, base = token.lower(), lemma(token)
    for group, members in CLAIM_GROUPS.items():
        if group == "pay" and not token.islower():
            continue
        if lower in members or base in members:
            return group
    return None


def groups_in(text: str, table: Dict[str, frozenset]) -> Set[str]:
    """The groups of `table` that have a word in the text."""
    found = set()
    for token in words(text):
        lower, base = token.lower(), lemma(token)
        for group, members in table.items():
            if group == "pay" and not token.islower():
                continue
            if lower in members or base in members:
                found.add(group)
    return found


def claims_in(text: str) -> Set[str]:
    """The claim groups of a text, phrases ("um … zu", "führt … dazu") included."""
    found = groups_in(text, CLAIM_GROUPS)
    lower = text.lower()
    if PURPOSE.search(lower):
        found.add("purpose")
    if any(phrase.search(lower) for phrase in CAUSE_PHRASES):
        found.add("cause")
    return found


def content_words(sentence: str) -> List[str]:
    """Nouns and names (capitalised words), the sentence's first word unless a function word."""
    tokens = words(sentence)
    found = []
    for index, token in enumerate(tokens):
        if not any(ch.isupper() for ch in token) or is_figure(token):
            continue
        if index == 0 and token.lower() in stop_words():
            continue
        if is_plain(token) or claim_group(token) or modality_group(token) or \
                attributes(token):
            continue  # claim, modality and attribution words are checked as such
        found.append(token)
    return found


def modality_group(token: str) -> Optional[str]:
    """The modality group (aim, possible, hedge) of a word, or None."""
    lower, base = token.lower(), lemma(token)
    for group, members in MODALITY_GROUPS.items():
        if lower in members or base in members:
            return group
    return None


def lowercase_words(sentence: str) -> List[str]:
    """Verbs, adjectives and adverbs of a sentence (lower-case, not function words)."""
    return [
        t for t in words(sentence)
        if t.islower() and len(t) >= 4 and t not in stop_words() and not is_figure(t)
    ]


def without_titles(text: str) -> str:
    """The text without short quoted names („Integration aus einem Guss“): not speech."""
    return re.sub(r"„[^„“.!?,:]{1,60}“", "", text)


class Evidence:
    """One evidence sentence with its words prepared for matching."""

    def __init__(self, text: str, source: Optional[Source]) -> None:
        self.text = normalise(text)
        self.source = source
        tokens = words(self.text)
        self.lower = {t.lower() for t in tokens}
        parts = {p.lower() for t in tokens for p in re.split(r"[-–]", t) if p}
        self.forms = self.lower | parts | {lemma(t) for t in tokens}
        self.stems = {stem(t) for t in self.forms}
        self.figures = [figure_value(t) for t in tokens if NUMBER.match(t)]
        self.figures += [t.lower() for t in tokens if t.lower() in NUMBER_WORDS]
        self.claims = claims_in(self.text)

    def supports_word(self, word: str) -> bool:
        """Whether a noun or name stands here: lemma, stem, or part of a compound."""
        if self._matches(word):
            return True
        lower = word.lower()
        for cut in range(4, len(lower) - 3):  # a compound of two supported parts
            left, right = lower[:cut], lower[cut:]
            left = left[:-1] if left.endswith("s") and len(left) > 4 else left
            if self._matches(left) and self._matches(right):
                return True
        return False

    def _matches(self, word: str) -> bool:
        lower, base, root = word.lower(), lemma(word), stem(word)
        if lower in self.forms or base in self.forms or root in self.stems:
            return True
        for form in self.forms:
            if len(os.path.commonprefix([lower, form])) >= max(6, len(lower) - 2, len(form) - 2):
                return True  # the same word, inflected ("-beauftragte" / "-beauftragen")
            if len(lower) >= 4 and (form.startswith(lower) or form.endswith(lower)):
                return True
            if len(base) >= 4 and (form.startswith(base) or form.endswith(base)):
                return True
            if len(root) >= 5 and form.startswith(root):
                return True
            if len(form) >= 5 and lower.startswith(form) and len(lower) - len(form) <= 5:
                return True
        return False

    def clauses(self) -> List[str]:
        """The evidence split at punctuation into clauses."""
        text = self.text.replace("-, ", "- ")  # "Asyl-, Migrations- und …" is one phrase
        pattern = r"[,;:–—„“]|\bund\b(?= (?:möglicherweise|vielleicht|eventuell)\b)"
        return [c for c in re.split(pattern, text) if c.strip()]


@dataclass
class Problem:
    """One thing an answer sentence says that its evidence does not support."""

    sentence: str
    reason: str

    def __str__(self) -> str:
        return f"{self.reason} — in: {self.sentence}"


def source_of(evidence: str, sources: Sequence[Source]) -> Optional[Source]:
    """The cited document whose content holds the evidence sentence."""
    text = normalise(evidence)
    for source in sources:
        if text in normalise(source.content()):
            return source
    return None


def is_attributed(evidence: Evidence) -> bool:
    """Whether the evidence is a quote, reported speech, or follows an opinion marker."""
    text = without_titles(evidence.text)
    if "„" in text or "“" in text:
        return True
    if {t.lower() for t in words(text)} & REPORTED_SPEECH:
        return True
    if OPINION_MARKERS.search(text.lower()):
        return True
    if evidence.source is None:
        return False
    content = normalise(evidence.source.content())
    before = without_titles(content[: content.find(evidence.text)])
    if before.count("„") > before.count("“"):
        return True  # inside a quotation
    sentence_start = max(before.rfind(". "), before.rfind("“ "), 0)
    return bool(OPINION_BEFORE.search(before[sentence_start:].lower()))


def qualifier(text_before: str) -> Optional[str]:
    """The qualifier group of the words just before a figure."""
    tail = normalise(text_before).lower()[-20:]
    for group, pattern in QUALIFIERS:
        if pattern.search(tail):
            return group
    return None


def figure_qualifiers(text: str) -> Dict[str, Optional[str]]:
    """Each non-year figure of a text with its qualifier group."""
    found: Dict[str, Optional[str]] = {}
    for match in re.finditer(r"\b\d+(?:[.,]\d+)*\b|\b\w+\b", text):
        token = match.group()
        if is_figure(token) and not YEAR.match(token):
            found.setdefault(figure_value(token).lower(), qualifier(text[: match.start()]))
    return found


def speaker_context(evidence: Evidence) -> Evidence:
    """Where the document says who speaks: the evidence's paragraph, the three before
    it (headings count), and the document's publisher ("Das Sozialministerium schrieb")."""
    if evidence.source is None:
        return Evidence("", None)
    source = evidence.source
    paragraphs = [normalise(p) for p in re.split(r"\n\s*\n", source.content()) if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        if evidence.text in paragraph:
            context = paragraphs[max(index - 3, 0) : index + 1]
            break
    else:
        context = []
    names = [source.publisher, source.short or "", source.according_to or ""]
    return Evidence(" ".join(context + names), None)


def attributes(text: str) -> bool:
    """Whether a text says whose statement or view it gives ("sagte", "laut", …)."""
    tokens = words(text)
    return bool(({lemma(t) for t in tokens} | {t.lower() for t in tokens}) & ATTRIBUTION)


def split_attribution(sentence: str) -> Tuple[str, str]:
    """"Minister Lucha sagte 2017: …" → ("Minister Lucha sagte 2017", "…"); else ("", sentence)."""
    head, colon, tail = sentence.partition(": ")
    if colon and attributes(head):
        return head, tail
    return "", sentence


def unsupported(sentence: str, evidence: Evidence) -> List[str]:
    """What a fact sentence says that one evidence sentence does not.

    In "<who> sagte <year>: <what>", <who> may be named from the document's context
    (speaker_context); <what> must stand in the evidence sentence.
    """
    head, sentence = split_attribution(sentence)
    missing: List[str] = []
    if head:
        context = speaker_context(evidence)
        missing += [w for w in content_words(head)
                    if not (evidence.supports_word(w) or context.supports_word(w))]
        missing += [t for t in words(head) if is_figure(t) and not (
            YEAR.match(t) and evidence.source and str(evidence.source.year) == t)]
        missing += [f"<{group}>" for group in claims_in(head) - evidence.claims]
    year = evidence.source.year if evidence.source else None
    for token in words(sentence):
        if is_figure(token):
            value = figure_value(token).lower()
            if value in evidence.figures or (YEAR.match(token) and str(year) == token):
                continue
            missing.append(token)
    missing += [w for w in content_words(sentence) if not evidence.supports_word(w)]
    missing += [f"<{group}>" for group in claims_in(sentence) - evidence.claims]
    return missing


def meaning_problems(sentence: str, evidence: Evidence) -> List[str]:
    """Figure qualifiers, aims/possibilities/hedges and attribution the answer dropped."""
    problems = []
    said = figure_qualifiers(sentence)
    given = figure_qualifiers(evidence.text)
    for figure, group in said.items():
        if figure in given and given[figure] != group:
            problems.append(f"{figure}: qualifier {group!r}, evidence has {given[figure]!r}")
    kept = groups_in(sentence, MODALITY_GROUPS)
    shared = lowercase_words(sentence) + [t for t in words(sentence) if claim_group(t)]
    for clause in evidence.clauses():
        part = Evidence(clause, None)
        if not any(part.supports_word(word) for word in shared):
            continue  # the sentence does not say what this clause says
        for group in groups_in(clause, MODALITY_GROUPS) - kept:
            problems.append(f"drops the evidence's {group} ({clause.strip()!r})")
    if is_attributed(evidence) and not attributes(sentence) and not DEFINITION.match(sentence):
        problems.append("gives a quote or someone's view without saying whose")
    return problems


def quote_problems(text: str, evidence: Iterable[str]) -> List[str]:
    """Words inside „…“ must be quoted verbatim from an evidence sentence."""
    pool = " ".join(normalise(e) for e in evidence)
    return [
        f"quote not verbatim: „{quoted}“"
        for quoted in QUOTE.findall(normalise(text))
        if normalise(quoted).rstrip(".") not in pool
    ]


def is_meta(sentence: str) -> bool:
    """Whether the assistant advises, or says what it (or its sources) do not say."""
    if ADVICE.match(sentence):
        return True
    negations = [t for t in words(sentence) if claim_group(t) == "negation"]
    return bool(UNKNOWN.search(sentence)) and len(negations) == 1


def needs_year(sentence: str) -> Optional[str]:
    """Why a sentence is true only at a time: "fact" (a figure, an office, a programme)
    or "said" (a statement, dated by the answer's earlier year); None if timeless."""
    if DEFINITION.match(sentence):
        return None
    tokens = words(sentence)
    if any(is_figure(t) and not YEAR.match(t) for t in tokens):
        return "fact"
    lowered = [t.lower() for t in tokens]
    if any(bound in word for word in lowered for bound in TIME_BOUND):
        return "fact"
    return "said" if attributes(sentence) else None


def has_year(tokens: Sequence[str]) -> bool:
    """Whether the tokens hold a year."""
    return any(YEAR.match(t) for t in tokens)


def check_answer(text: str, source_ids: Sequence[str], evidence: Sequence[str]) -> List[Problem]:
    """Returns every meaning problem of an answer that cites documents.

    Args:
        text: The answer's text (German).
        source_ids: The ids of the documents it cites.
        evidence: Its evidence sentences (verbatim from those documents).
    """
    catalogue = load_catalogue()
    sources = [catalogue[str(i)] for i in source_ids]
    items = [Evidence(e, source_of(e, sources)) for e in evidence]
    cited = Evidence(" ".join(s.content() for s in sources), None)
    problems = [Problem(text, reason) for reason in quote_problems(text, evidence)]
    dated = False
    for sentence in sentences(text):
        tokens = words(sentence)
        if is_meta(sentence):
            problems += meta_problems(sentence, cited)
            continue
        reason = needs_year(sentence)
        if reason and not has_year(tokens):
            then = THEN & {t.lower() for t in tokens} or reason == "said"
            if not (dated and then):
                problems.append(Problem(sentence, "time-bound statement without its year"))
        dated = dated or has_year(tokens)
        problems += sentence_problems(sentence, items)
    return problems


def sentence_problems(sentence: str, items: Sequence[Evidence]) -> List[Problem]:
    """A fact sentence must rest on one evidence sentence, with its meaning kept."""
    best_missing: Optional[List[str]] = None
    best_meaning: Optional[List[str]] = None
    for item in items:
        missing = unsupported(sentence, item)
        if missing:
            if best_missing is None or len(missing) < len(best_missing):
                best_missing = missing
            continue
        meaning = meaning_problems(sentence, item)
        if not meaning:
            return []
        if best_meaning is None or len(meaning) < len(best_meaning):
            best_meaning = meaning
    if best_meaning is not None:
        return [Problem(sentence, reason) for reason in best_meaning]
    return [Problem(sentence, f"not in any one evidence sentence: {best_missing or 'no evidence'}")]


def meta_problems(sentence: str, cited: Evidence) -> List[Problem]:
    """About itself or advice: no figures, no claims (but "nicht" and the "bekommen" of
    an open question), and only words that stand in the cited documents."""
    problems = []
    tokens = words(sentence)
    figures = [t for t in tokens if is_figure(t)]
    if figures:
        problems.append(Problem(sentence, f"figures in a sentence that is not a fact: {figures}"))
    claims = claims_in(sentence) - {"negation", "receive"}  # "Ob … Geld bekommen, weiß ich nicht"
    if claims:
        problems.append(Problem(sentence, f"claims in a sentence that is not a fact: {claims}"))
    unknown = [w for w in content_words(sentence) if not cited.supports_word(w)]
    if unknown:
        problems.append(Problem(sentence, f"words not in the cited documents: {unknown}"))
    return problems
