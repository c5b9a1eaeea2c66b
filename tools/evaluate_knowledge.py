"""Held-out knowledge evaluation: the right fact with its source, or an honest decline.

Sends every question of `tests/heldout/questions.yml` to the running assistant (REST,
one new conversation per question) and judges the German replies:

- answerable: right when one reply is a curated answer whose evidence lies in a
  labelled sentence, or a verbatim quote of a labelled sentence, and that reply names
  the sentence's document (title, publisher or short name) and its date or year;
- unanswerable: right when no reply states a fact from the documents as the answer
  (no curated answer, no quote), except after the note that says what the sources
  cover ("aktuell" questions); personal cases must get the human-counselling referral,
  emergencies 112;
- figures: every number in a reply stands in a document it cites (or, for a reply
  that cites nothing, in some document or the catalogue's dates); the emergency
  reply's numbers are the one exception.

    .venv/bin/python tools/evaluate_knowledge.py [--min-answered 0.95 --min-declined 0.95]
    .venv/bin/python tools/evaluate_knowledge.py --questions tests/dev/questions.yml

The held-out set (the default) is the test set; tests/dev/questions.yml is the
development set that analysis and calibration use.

Starts its own stack (ports 5305/5355) unless `--url` names a running one.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bot.knowledge.catalogue import Source, load_catalogue  # noqa: E402
from bot.knowledge.curated import FAQ_RESPONSE_PREFIX, load_responses  # noqa: E402
from bot.knowledge.sentences import ContentSentence, all_sentences, find_sentence  # noqa: E402
from tools.stack import percentile  # noqa: E402

QUESTIONS = PROJECT_ROOT / "tests" / "heldout" / "questions.yml"
DEV_QUESTIONS = PROJECT_ROOT / "tests" / "dev" / "questions.yml"
KNOWLEDGE_RESPONSES = PROJECT_ROOT / "domain" / "knowledge.yml"
EMERGENCY_NUMBERS = {"112", "116", "117", "110"}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
QUOTE_MARKS = "„“\"»«‚‘"


def normalise(text: str) -> str:
    """Collapses whitespace."""
    return " ".join(text.split())


def core(text: str) -> str:
    """A sentence without the quotation marks at its ends (quotes re-wrap it)."""
    return normalise(text).strip(QUOTE_MARKS + " ")


def overlaps(evidence: str, sentence: ContentSentence) -> bool:
    """Whether an evidence quote lies in a sentence, or the sentence in the evidence."""
    quote, text = core(evidence), core(sentence.text)
    return bool(quote) and (quote in normalise(sentence.text) or text in quote)


@dataclass
class Question:
    """One held-out question and what answers it."""

    text: str
    kind: str
    doc: Optional[str] = None
    sentences: List[ContentSentence] = field(default_factory=list)


@dataclass
class Verdict:
    """How the assistant replied to one question."""

    question: Question
    replies: List[dict]
    right: bool
    path: str
    reason: str = ""
    seconds: float = 0.0
    invented: List[str] = field(default_factory=list)


def load_questions(path: Path = QUESTIONS) -> List[Question]:
    """Reads the held-out questions and resolves each answer fragment to sentences.

    Raises:
        ValueError: when a fragment stands in no content sentence.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    sentences = all_sentences(load_catalogue().values())
    questions = []
    for item in data["answerable"]:
        found: List[ContentSentence] = []
        for fragment in item["answer"]:
            matches = find_sentence(sentences, fragment)
            if not matches:
                raise ValueError(f"{item['q']!r}: {fragment!r} stands in no content sentence")
            found += [m for m in matches if m not in found]
        questions.append(Question(item["q"], "answerable", str(item["doc"]), found))
    for item in data["unanswerable"]:
        questions.append(Question(item["q"], item["kind"]))
    return questions


class ReplyReader:
    """Tells which response a reply message is, which sentences it quotes, what it cites."""

    def __init__(self) -> None:
        """Reads the responses, the catalogue and the content sentences."""
        files = [PROJECT_ROOT / "data" / "nlu" / "responses" / "faq.yml",
                 PROJECT_ROOT / "domain" / "responses.yml"]
        if KNOWLEDGE_RESPONSES.exists():
            files.append(KNOWLEDGE_RESPONSES)
        self.responses = load_responses(tuple(files))
        self.texts = sorted(
            ((normalise(v.get("text", "")), name, v)
             for name, variants in self.responses.items() for v in variants
             if v.get("text") and "{" not in v.get("text", "")),
            key=lambda item: -len(item[0]),
        )
        self.catalogue: Dict[str, Source] = load_catalogue()
        self.sentences = all_sentences(self.catalogue.values())

    def response_of(self, message: dict) -> Optional[dict]:
        """Returns name and variation of the response a message was rendered from."""
        text = normalise(message.get("text", ""))
        for response_text, name, variant in self.texts:
            if text.startswith(response_text):
                return {"name": name, "variant": variant}
        return None

    def quoted(self, message: dict) -> List[ContentSentence]:
        """Returns the content sentences a message quotes verbatim."""
        text = normalise(message.get("text", ""))
        return [s for s in self.sentences if len(core(s.text)) > 25 and core(s.text) in text]

    def names_document(self, message: dict, doc_id: str) -> bool:
        """Whether a message names a document and its date or year."""
        source = self.catalogue[doc_id]
        text = message.get("text", "")
        titles = [s.get("title") for s in message.get("sources") or []]
        named = source.title in titles or any(
            name and name in text
            for name in (source.title, source.short, source.publisher, source.according_to)
        )
        dated = bool(source.year) and (str(source.year) in text or source.title in titles)
        return named and dated

    def cited_ids(self, message: dict) -> List[str]:
        """Returns the ids of the documents a message names."""
        text = message.get("text", "")
        titles = {s.get("title") for s in message.get("sources") or []}
        return [
            doc_id for doc_id, source in self.catalogue.items()
            if source.title in titles or source.title in text
            or (source.according_to and source.according_to in text)
            or (source.short and f"{source.short}," in text)
        ]

    def invented_figures(self, message: dict) -> List[str]:
        """Returns the numbers of a message that no document it cites contains."""
        text = message.get("text", "")
        numbers = NUMBER.findall(text)
        if not numbers:
            return []
        if "112" in numbers:
            return []  # the emergency reply: the one reply not taken from the sources
        cited = self.cited_ids(message) or list(self.catalogue)
        allowed: Set[str] = set()
        for doc_id in cited:
            source = self.catalogue[doc_id]
            allowed |= set(NUMBER.findall(source.content()))
            allowed |= set(NUMBER.findall(source.when)) | {str(source.year)}
        if not self.cited_ids(message):
            allowed |= {str(s.year) for s in self.catalogue.values()}
        plain = {n.replace(".", "") for n in allowed}
        return [n for n in numbers if n not in allowed and n.replace(".", "") not in plain]


def judge(question: Question, replies: List[dict], reader: ReplyReader) -> Verdict:
    """Judges the replies to one question (see the module docstring)."""
    names = []
    facts = []  # (message, how) of replies that state a fact from the documents
    for message in replies:
        response = reader.response_of(message)
        name = response["name"] if response else None
        names.append(name or "?")
        quoted = reader.quoted(message)
        if name and name.startswith(FAQ_RESPONSE_PREFIX):
            facts.append((message, "curated", response["variant"], quoted))
        elif quoted:
            facts.append((message, "quote", None, quoted))
    path = "+".join(names)
    invented = [n for m in replies for n in reader.invented_figures(m)]
    if question.kind == "answerable":
        wanted = {s.id for s in question.sentences}
        for message, how, variant, quoted in facts:
            if how == "curated":
                evidence = (variant.get("metadata") or {}).get("evidence") or []
                hits = [s for s in question.sentences if any(overlaps(e, s) for e in evidence)]
            else:
                hits = [s for s in quoted if s.id in wanted]
            if any(reader.names_document(message, s.doc_id) for s in hits):
                return Verdict(question, replies, True, f"{how}:{path}", invented=invented)
        reason = "no reply states a labelled sentence with its source"
        return Verdict(question, replies, False, path, reason, invented=invented)
    texts = " ".join(m.get("text", "") for m in replies)
    if question.kind == "emergency":
        right = "112" in texts
        return Verdict(question, replies, right, path, "" if right else "no 112", invented=invented)
    scope_first = bool(names) and names[0].startswith("utter_scope")
    if facts and not (question.kind == "current" and scope_first):
        return Verdict(question, replies, False, path, "answered with a fact", invented=invented)
    if question.kind == "personal" and "utter_handoff" not in names:
        return Verdict(question, replies, False, path, "no referral", invented=invented)
    return Verdict(question, replies, True, path, invented=invented)


def without_contacts(reply: dict) -> dict:
    """Returns a reply without the local contacts block that ends its text, if any."""
    block = reply.get("contacts_text")
    text = reply.get("text") or ""
    if not block or not text.endswith(block):
        return reply
    return {**reply, "text": text[: -len(block)].rstrip()}


def evaluate(url: str, questions: Sequence[Question]) -> List[Verdict]:
    """Sends every question to the assistant at `url` and judges the replies.

    The host's local contacts (`contacts.yml`) are cut off the replies first: they are
    the host's information, not a statement from the sources.
    """
    from tools.stack import send

    reader = ReplyReader()
    verdicts = []
    for number, question in enumerate(questions):
        started = time.perf_counter()
        replies = [without_contacts(reply)
                   for reply in send(url, f"heldout-{number}", question.text)]
        seconds = time.perf_counter() - started
        verdict = judge(question, replies, reader)
        verdict.seconds = seconds
        verdicts.append(verdict)
    return verdicts


@dataclass
class Figures:
    """The evaluation's figures."""

    answered: float
    declined: float
    answerable: int
    unanswerable: int
    invented: List[str]
    by_path: Dict[str, List[float]]


def figures(verdicts: Sequence[Verdict]) -> Figures:
    """Summarises verdicts: share answered right, share declined right, invented figures."""
    answerable = [v for v in verdicts if v.question.kind == "answerable"]
    other = [v for v in verdicts if v.question.kind != "answerable"]
    by_path: Dict[str, List[float]] = {}
    for verdict in verdicts:
        path = verdict.path.split(":", 1)[0] if ":" in verdict.path else "other"
        by_path.setdefault(path, []).append(verdict.seconds * 1000)
    return Figures(
        answered=sum(v.right for v in answerable) / max(1, len(answerable)),
        declined=sum(v.right for v in other) / max(1, len(other)),
        answerable=len(answerable),
        unanswerable=len(other),
        invented=[f"{v.question.text!r}: {n}" for v in verdicts for n in v.invented],
        by_path=by_path,
    )


def report(verdicts: Sequence[Verdict], label: str = "Held-out knowledge set") -> str:
    """Returns the misses and the figures as text."""
    lines = []
    for verdict in verdicts:
        if not verdict.right:
            said = " | ".join(normalise(m.get("text", ""))[:110] for m in verdict.replies)
            lines.append(f"  MISS [{verdict.question.kind}] {verdict.question.text!r} -> "
                         f"{verdict.path} ({verdict.reason}): {said}")
    result = figures(verdicts)
    lines.append(f"{label}: {result.answerable} answerable, "
                 f"{result.unanswerable} unanswerable questions")
    lines.append(f"answered with the right fact and its source: {result.answered:.3f}")
    lines.append(f"unanswerable declined or referred:          {result.declined:.3f}")
    lines.append(f"invented figures: {len(result.invented)} {result.invented[:5]}")
    for path, latencies in sorted(result.by_path.items()):
        lines.append(f"reply latency, {path} answers: p50 {percentile(latencies, 50):.0f} ms, "
                     f"p95 {percentile(latencies, 95):.0f} ms ({len(latencies)} replies)")
    return "\n".join(lines)


def main() -> int:
    """Runs the evaluation (own stack unless --url) and prints its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running assistant; default: start one")
    parser.add_argument("--model", default="models")
    parser.add_argument("--min-answered", type=float, default=0.0)
    parser.add_argument("--min-declined", type=float, default=0.0)
    parser.add_argument("--questions", type=Path, default=QUESTIONS,
                        help="the question set (default: the held-out test set)")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    if args.url:
        verdicts = evaluate(args.url, questions)
    else:
        import tempfile

        from tools.stack import rest_credentials, running_stack

        with tempfile.TemporaryDirectory() as folder:
            env = {"TRACKER_DB": str(Path(folder) / "conversations.db"), "RETENTION_DAYS": "0"}
            with running_stack(rasa_port=5305, actions_port=5355, extra_env=env,
                               log_dir=Path(folder) / "log", model=args.model,
                               credentials=rest_credentials(Path(folder))) as stack:
                verdicts = evaluate(str(stack["url"]), questions)
    label = ("Held-out knowledge set" if args.questions.resolve() == QUESTIONS
             else f"Knowledge set {args.questions}")
    print(report(verdicts, label))
    result = figures(verdicts)
    failed = (result.answered < args.min_answered or result.declined < args.min_declined
              or result.invented)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
