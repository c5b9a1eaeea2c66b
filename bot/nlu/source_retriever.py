"""Finds the source sentences that answer a question, and decides when to quote them.

Runs after the intent classifier, the response selector and the fallback classifiers.
For questions (`faq`, `nlu_fallback`), it searches the content sentences of the
sources (bot.knowledge.retrieval) and adds `source_retrieval` to the parse data: the
best hits (sentence id, document, BM25 score, coverage of the question), how much of
the question the selected FAQ topic's title, answer and evidence cover, and its decision:

- `fallback`: the selector was unsure (`nlu_fallback`) and the best sentence covers the
  question well and scores high: answer with the quote instead of guessing;
- `aspect`: a FAQ topic was selected, but a sentence outside its evidence covers the
  question clearly better than the topic (asked what a person *said*, the topic says
  who the person is): answer with the quote;
- `both`: a sentence outside the topic's evidence covers the question somewhat better
  than the topic, or covers what the topic's words leave out (asked how many
  discussions a conference had, the topic tells of the conference; a sentence of the
  same report counts "vier Diskussionen"): answer with the topic, then the quote;
- `none`: leave the message as it is.

A quote decision adds the entity `quote` (value: the sentence ids, e.g. "003:5 003:6"),
which the rules in data/rules.yml answer with `utter_source_quote`; the NLG renders the
sentences verbatim with source and date (bot/rendering/quotes.py). Thresholds are
calibrated on the held-out set (tools/calibrate_retrieval.py).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.knowledge.curated import FAQ_RESPONSE_PREFIX, load_responses
from bot.knowledge.retrieval import Hit, SourceIndex, default_index
from bot.nlu.component import MessageComponent

logger = logging.getLogger(__name__)

SOURCE_RETRIEVAL = "source_retrieval"
"""The parse-data key with the retrieval's hits and decision."""
QUOTE_ENTITY = "quote"
"""The entity that asks for a quote; its value is the ids of the sentences to quote."""
ALSO_QUOTE_ENTITY = "also_quote"
"""The entity that asks for a quote after the selected FAQ answer (same value)."""


def message_entity(message: Message, name: str, value: str, extractor: str) -> Dict[str, Any]:
    """Returns an entity about the whole message (its span: the text as the user wrote it).

    Conversation tests annotate such an entity over the whole user text.
    """
    original = message.get("original_text") or message.get(TEXT) or ""
    return {
        ENTITY_ATTRIBUTE_TYPE: name,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: 0,
        ENTITY_ATTRIBUTE_END: len(original),
        EXTRACTOR: extractor,
    }


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SourceRetriever(MessageComponent):
    """Annotates questions with the best source sentences; asks for a quote when they fit."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Intents whose messages are searched (questions about the sources).
            "intents": ["faq", "nlu_fallback"],
            # Unsure messages: quote when the best sentence reaches both thresholds.
            "fallback_min_score": 3.0,
            "fallback_min_coverage": 0.6,
            # A sentence holding every word of the question (a name alone: "wer ist
            # Franz Biebl") needs a lower score; short questions score low.
            "fallback_full_coverage": 0.95,
            "fallback_full_coverage_min_score": 2.0,
            # Selected FAQ topics: quote a sentence outside the topic's evidence when it
            # covers this much of the question and this much more than the topic.
            "aspect_min_coverage": 0.6,
            "aspect_min_margin": 0.25,
            "aspect_min_score": 3.0,
            # Unsure messages: also quote when the best sentence covers this much and
            # is evidence of a topic the selector ranked among its first three.
            "agreement_min_coverage": 0.45,
            # Selected FAQ topics: a sentence outside the topic's evidence that covers
            # at least this much, and more than the topic, is quoted after the
            # topic's answer ("both"), when the topic may answer another aspect.
            "both_min_coverage": 0.5,
            "both_min_score": 3.0,
            # ... by this many points more than the topic's best evidence sentence.
            "both_min_margin": 0.0,
            # Selected FAQ topics: a sentence outside the topic's evidence that covers
            # this share of the question which the topic's words leave uncovered (asked
            # how many discussions a conference had, the topic tells of the conference)
            # is quoted after the topic's answer ("both"), when it scores this much.
            "residual_min_coverage": 0.25,
            "residual_min_score": 1.0,
            # ... and covers this much of the whole question (not a stray word alone).
            "residual_min_hit_coverage": 0.4,
            # How many of the best sentences are looked at for that.
            "residual_hits": 5,
            # A second sentence of the same document is added when it scores at least
            # this share of the best one.
            "second_sentence_ratio": 0.8,
            # How many hits the parse data keeps.
            "hits": 3,
        }

    def __init__(self, config: Dict[str, Any], index: Optional[SourceIndex] = None) -> None:
        """Creates the component.

        Args:
            config: The component's config.
            index: The sentence index; the one over `seeds/` when None.
        """
        self.component_config = config
        self._index = index
        self._topics: Optional[Dict[str, Dict[str, Any]]] = None

    @staticmethod
    def required_packages() -> List[str]:
        """Any extra python dependencies required for this component to run."""
        return ["bm25s", "Stemmer", "compound_split"]

    @property
    def index(self) -> SourceIndex:
        """The sentence index (built on first use)."""
        if self._index is None:
            self._index = default_index()
        return self._index

    def topic(self, topic_key: str) -> Dict[str, Any]:
        """Returns a FAQ topic's evidence sentences and the words it answers with.

        Args:
            topic_key: `faq/<topic>`.

        Returns:
            `evidence` (sentences) and `text` (title, answer text and evidence).
        """
        if self._topics is None:
            self._topics = {}
            for name, variants in load_responses().items():
                if not name.startswith(FAQ_RESPONSE_PREFIX):
                    continue
                metadata = [variant.get("metadata") or {} for variant in variants]
                evidence = [e for m in metadata for e in m.get("evidence") or []]
                words = [m.get("title") or "" for m in metadata]
                titles = " ".join(m.get("title") or "" for m in metadata)
                words += [variant.get("text") or "" for variant in variants] + evidence
                self._topics[name[len("utter_"):]] = {
                    "evidence": evidence, "text": " ".join(words),
                    "sentences": [f"{titles} {e}" for e in evidence],
                    "tokens": self.index.text_tokens(" ".join(words)),
                    "sources": {str(doc) for m in metadata for doc in m.get("sources") or []},
                }
        return self._topics.get(
            topic_key,
            {"evidence": [], "text": "", "sentences": [], "tokens": frozenset(), "sources": set()},
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Leaves the training data alone."""
        return training_data

    def process_message(self, message: Message) -> None:
        """Searches one message and records the decision."""
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if text.startswith("/") or intent not in self.component_config["intents"]:
            return
        config = self.component_config
        found = self.index.search(text, top=max(config["hits"], config["residual_hits"]))
        hits = found[: config["hits"]]
        topic = self.selected_topic(message)
        evidence = self.topic(topic)["evidence"] if topic else []
        # How well the topic's own evidence answers the question: its best evidence
        # sentence (with the topic's title), not the union of all its words.
        topic_coverage = (self.index.coverage(text, self.topic(topic)["sentences"])
                          if topic else 0.0)
        ranked_evidence = [e for key in self.ranked_topics(message)
                           for e in self.topic(key)["evidence"]]
        decision = self.decide(intent, hits, evidence, topic_coverage, ranked_evidence)
        quoted = self.quoted(hits) if decision != "none" else []
        if decision == "none" and intent == "faq" and topic:
            addition = self.addition(text, found, evidence, self.topic(topic))
            if addition is not None:
                decision, quoted = "both", [addition]
        message.set(
            SOURCE_RETRIEVAL,
            {
                "hits": [
                    {"id": h.sentence.id, "doc": h.sentence.doc_id,
                     "score": round(h.score, 3), "coverage": round(h.coverage, 3)}
                    for h in hits
                ],
                "topic": topic,
                "topic_coverage": round(topic_coverage, 3),
                "decision": decision,
            },
            add_to_output=True,
        )
        if decision != "none":
            ids = " ".join(h.sentence.id for h in quoted)
            entities = list(message.get(ENTITIES) or [])
            name = ALSO_QUOTE_ENTITY if decision == "both" else QUOTE_ENTITY
            entities.append(message_entity(message, name, ids, self.__class__.__name__))
            message.set(ENTITIES, entities, add_to_output=True)

    @staticmethod
    def selected_topic(message: Message) -> Optional[str]:
        """Returns the FAQ topic the response selector chose (`faq/<topic>`)."""
        selector = (message.get("response_selector") or {}).get("default") or {}
        return (selector.get("response") or {}).get("intent_response_key")

    @staticmethod
    def ranked_topics(message: Message, top: int = 3) -> List[str]:
        """Returns the FAQ topics the response selector ranked highest."""
        selector = (message.get("response_selector") or {}).get("default") or {}
        ranking = selector.get("ranking") or []
        return [r.get("intent_response_key") for r in ranking[:top]
                if r.get("intent_response_key")]

    @staticmethod
    def in_evidence(hit: Hit, evidence: List[str]) -> bool:
        """Whether a sentence is (part of) one of the evidence quotes, or contains one."""
        text = hit.sentence.text.strip("„“\" ")
        for quote in evidence:
            quote = " ".join(quote.split()).strip("„“\" ")
            if quote and (quote in hit.sentence.text or text in quote):
                return True
        return False

    def decide(
        self,
        intent: str,
        hits: List[Hit],
        evidence: List[str],
        topic_coverage: float,
        ranked_evidence: List[str],
    ) -> str:
        """Returns `fallback`, `aspect`, `both` or `none` (see the module docstring).

        Args:
            intent: The intent the classifiers chose.
            hits: The best sentences, best first.
            evidence: The evidence of the selected FAQ topic.
            topic_coverage: How much of the question the selected topic's words cover.
            ranked_evidence: The evidence of the topics the selector ranked highest.
        """
        config = self.component_config
        best = hits[0] if hits else None
        if intent != "faq":
            if best is None:
                return "none"
            confident = self.confident(best)
            agreed = (best.coverage >= config["agreement_min_coverage"]
                      and self.in_evidence(best, ranked_evidence))
            return "fallback" if confident or agreed else "none"
        if best is not None and not self.in_evidence(best, evidence):
            better = (self.confident(best, config["aspect_min_score"])
                      and best.coverage >= config["aspect_min_coverage"]
                      and best.coverage - topic_coverage >= config["aspect_min_margin"])
            if better:
                return "aspect"
            if (best.score >= config["both_min_score"]
                    and best.coverage >= config["both_min_coverage"]
                    and best.coverage > topic_coverage + config["both_min_margin"]):
                return "both"
        return "none"

    def addition(
        self, text: str, hits: List[Hit], evidence: List[str], topic: Dict[str, Any]
    ) -> Optional[Hit]:
        """Returns the sentence that answers what the selected topic leaves out, if any.

        Only sentences of the documents the topic cites count: the aspect asked about
        belongs to the event or person the topic is about.

        Args:
            text: The question.
            hits: The best sentences, best first.
            evidence: The evidence of the selected FAQ topic.
            topic: The selected topic (`topic`): its tokens and sources.
        """
        config = self.component_config
        best, best_share = None, 0.0
        for hit in hits:
            if (hit.score < config["residual_min_score"]
                    or hit.coverage < config["residual_min_hit_coverage"]
                    or hit.sentence.doc_id not in topic["sources"]
                    or self.in_evidence(hit, evidence)):
                continue
            share = self.index.residual(text, topic["tokens"], hit)
            if share > best_share:
                best, best_share = hit, share
        return best if best_share >= config["residual_min_coverage"] else None

    def confident(self, hit: Hit, min_score: Optional[float] = None) -> bool:
        """Whether a sentence answers the question on its own (without the selector).

        Args:
            hit: The sentence found.
            min_score: The BM25 score it needs; `fallback_min_score` when None. A
                sentence that holds every word of the question needs less.
        """
        config = self.component_config
        if hit.coverage >= config["fallback_full_coverage"]:
            return hit.score >= config["fallback_full_coverage_min_score"]
        if min_score is None:
            min_score = config["fallback_min_score"]
        return hit.score >= min_score and hit.coverage >= config["fallback_min_coverage"]

    def quoted(self, hits: List[Hit]) -> List[Hit]:
        """Returns the hits to quote: the best, and a close second of its document."""
        best = hits[0]
        chosen = [best]
        for hit in hits[1:2]:
            same_document = hit.sentence.doc_id == best.sentence.doc_id
            close = hit.score >= best.score * self.component_config["second_sentence_ratio"]
            # A sentence that covers more of the question but scores lower (a longer
            # sentence): both, so that the quote holds what was asked.
            if same_document and (close or hit.coverage > best.coverage):
                chosen.append(hit)
        return sorted(chosen, key=lambda h: h.sentence.index)
