"""The report's figures, computed from the turns (`bot.report.turns`)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from bot.knowledge.curated import FAQ_RESPONSE_PREFIX, load_responses
from bot.report.turns import PATHS, QUOTE_RESPONSE, Turn

GAP_PATHS = ("declined", "unsure")
"""The answer paths whose questions the content team may want to answer next."""

MAX_GAP_QUESTIONS = 2000
"""Most declined or unsure questions grouped (the newest ones)."""


@dataclass
class DayCounts:
    """One day (UTC): conversations with a user message, user and bot messages."""

    day: datetime.date
    conversations: int = 0
    user_messages: int = 0
    bot_messages: int = 0


@dataclass
class TopicFeedback:
    """The ratings of one topic (or other answer) and their comments."""

    label: str
    helpful: int = 0
    not_helpful: int = 0
    comments: List[Tuple[str, str]] = field(default_factory=list)
    """(rating, comment) pairs, comments redacted."""


@dataclass
class QuestionGroup:
    """Declined or unsure questions that are alike."""

    questions: List[Tuple[str, int]]
    """(question as stored, how often), most frequent first."""
    paths: Dict[str, int]
    """How many of them were declined / unsure."""

    @property
    def size(self) -> int:
        """How many questions the group holds (repetitions counted)."""
        return sum(count for _, count in self.questions)


@dataclass
class Figures:
    """Everything the report shows."""

    conversations: int
    questions: int
    days: List[DayCounts]
    paths: Dict[str, int]
    topics: List[Tuple[str, int]]
    feedback: List[TopicFeedback]
    languages: List[Tuple[str, int]]
    groups: List[QuestionGroup]
    first: Optional[float]
    last: Optional[float]

    def share(self, path: str) -> float:
        """The share of questions answered by a path (0 without questions)."""
        return self.paths.get(path, 0) / self.questions if self.questions else 0.0


def topic_titles() -> Dict[str, str]:
    """Returns the title of each curated topic by response name (`utter_faq/<topic>`)."""
    titles = {}
    for name, variations in load_responses().items():
        if name.startswith(FAQ_RESPONSE_PREFIX) and variations:
            title = (variations[0].get("metadata") or {}).get("title")
            titles[name] = title or name[len(FAQ_RESPONSE_PREFIX):]
    return titles


RESPONSE_LABELS: Dict[str, str] = {
    QUOTE_RESPONSE: "Zitat aus den Quellen",
    "utter_handoff": "Verweis an Beratung",
    "utter_individual_advice": "Keine Einzelfallberatung",
    "utter_not_in_sources": "Nicht in den Quellen",
    "utter_out_of_scope": "Außerhalb des Themas",
    "utter_scope_current": "Hinweis: Quellen 2012–2024",
    "utter_scope_elsewhere": "Hinweis: nur Baden-Württemberg",
    "utter_fallback": "Unsicher, Themenvorschläge",
    "utter_emergency": "Notfallnummern",
}
"""Readable names of the answers that are no curated topic."""


def response_label(name: str, titles: Dict[str, str]) -> str:
    """A readable name of a rated response: the topic's title, or what kind of answer."""
    if name in titles:
        return titles[name]
    if name in RESPONSE_LABELS:
        return f"{RESPONSE_LABELS[name]} ({name})"
    return name or "(ohne Angabe der Antwort)"


def per_day(turns: Sequence[Turn]) -> List[DayCounts]:
    """Conversations and messages per day (UTC), every day from the first to the last."""
    days: Dict[datetime.date, DayCounts] = {}
    seen = defaultdict(set)
    for turn in turns:
        day = datetime.datetime.fromtimestamp(turn.timestamp, datetime.timezone.utc).date()
        counts = days.setdefault(day, DayCounts(day))
        counts.user_messages += 1
        counts.bot_messages += turn.bot_messages
        seen[day].add(turn.conversation)
    for day, conversations in seen.items():
        days[day].conversations = len(conversations)
    if not days:
        return []
    result, day = [], min(days)
    while day <= max(days):
        result.append(days.get(day, DayCounts(day)))
        day += datetime.timedelta(days=1)
    return result


def feedback_by_topic(turns: Sequence[Turn], titles: Dict[str, str]) -> List[TopicFeedback]:
    """Ratings per rated answer, the least helpful first."""
    topics: Dict[str, TopicFeedback] = {}
    for turn in turns:
        if turn.feedback is None:
            continue
        label = response_label(turn.feedback.response, titles)
        entry = topics.setdefault(label, TopicFeedback(label))
        if turn.feedback.rating == "helpful":
            entry.helpful += 1
        else:
            entry.not_helpful += 1
        if turn.feedback.comment:
            entry.comments.append((turn.feedback.rating, turn.feedback.comment))
    return sorted(topics.values(), key=lambda t: (-t.not_helpful, -t.helpful, t.label))


def group_questions(
    questions: Sequence[Tuple[str, str, str]], distance: float = 0.85
) -> List[QuestionGroup]:
    """Groups alike questions: TF-IDF over word and character n-grams, average linkage.

    Args:
        questions: (question as stored, German NLU text, path) triples.
        distance: Cosine distance under which questions join one group.

    Returns:
        The groups, largest first.
    """
    if not questions:
        return []
    by_text: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
    for text, german, path in questions:
        by_text[(german or text).strip().lower()].append((text, path))
    keys = list(by_text)
    if len(keys) == 1:
        labels = [0]
    else:
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        matrix = vectors.fit_transform(keys).toarray()
        clustering = AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance, affinity="cosine", linkage="average"
        )
        labels = clustering.fit_predict(matrix)
    groups: Dict[int, List[str]] = defaultdict(list)
    for key, label in zip(keys, labels, strict=True):
        groups[int(label)].append(key)
    result = []
    for members in groups.values():
        counts: Counter = Counter()
        paths: Counter = Counter()
        for key in members:
            for text, path in by_text[key]:
                counts[text] += 1
                paths[path] += 1
        result.append(QuestionGroup(counts.most_common(), dict(paths)))
    return sorted(result, key=lambda g: (-g.size, g.questions[0][0]))


def compute(turns: Sequence[Turn]) -> Figures:
    """Computes every figure of the report from the turns within retention."""
    titles = topic_titles()
    questions = [turn for turn in turns if not turn.is_feedback]
    paths = Counter(turn.path for turn in questions)
    topics: Counter = Counter()
    for turn in questions:
        for topic in dict.fromkeys(turn.topics):
            topics[titles.get(FAQ_RESPONSE_PREFIX + topic, topic)] += 1
        if turn.path == "quote":
            for short in turn.sources or ["?"]:
                topics[f"Zitat: {short}"] += 1
    languages = Counter(turn.language or "?" for turn in questions)
    gaps = [turn for turn in questions if turn.path in GAP_PATHS][-MAX_GAP_QUESTIONS:]
    timestamps = [turn.timestamp for turn in turns]
    return Figures(
        conversations=len({turn.conversation for turn in turns}),
        questions=len(questions),
        days=per_day(turns),
        paths={path: paths.get(path, 0) for path in PATHS},
        topics=topics.most_common(),
        feedback=feedback_by_topic(turns, titles),
        languages=languages.most_common(),
        groups=group_questions([(t.text, t.german, t.path) for t in gaps]),
        first=min(timestamps) if timestamps else None,
        last=max(timestamps) if timestamps else None,
    )
