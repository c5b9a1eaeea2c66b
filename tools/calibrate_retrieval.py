"""Calibrates the retrieval thresholds of bot.nlu.source_retriever on the development set.

Calibration uses tests/dev/questions.yml, never the held-out test set
(tests/heldout/questions.yml), so that the held-out figures stay an honest estimate
for unseen questions. Parses every question with the trained model once (the classifiers' output is
kept in a cache file), then replays the retrieval components (SourceRetriever,
ScopeGuard) on it for a grid of thresholds, and prints for each setting how many
answerable questions would get the right fact (a curated topic whose evidence holds a
labelled sentence, or a quote of one) and how many unanswerable ones would get a fact
(a guess). config.yml takes a setting with no guess and a margin around it, not the
single best point.

    .venv/bin/python tools/calibrate_retrieval.py [--model models] [--refresh] [--show]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import itertools
import json
import logging
import sys
from pathlib import Path
from typing import Any, Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.knowledge.curated import FAQ_RESPONSE_PREFIX, load_responses  # noqa: E402
from bot.nlu.scope_guard import ScopeGuard  # noqa: E402
from bot.nlu.source_retriever import QUOTE_ENTITY, SourceRetriever  # noqa: E402
from tools.evaluate_knowledge import DEV_QUESTIONS, Question, core, load_questions  # noqa: E402

CACHE_DIR = Path(__file__).resolve().parent.parent / "var"
CLASSIFIER_KEYS = ("text", "intent", "intent_ranking", "response_selector", "entities")


async def parse_all(model: str, texts: List[str]) -> List[Dict[str, Any]]:
    """Parses every text with the trained model; keeps what the classifiers said."""
    from rasa.core.agent import Agent
    from rasa.model import get_latest_model
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(get_latest_model(model))
    parsed = []
    for text in texts:
        data = await agent.parse_message(text)
        # The classifiers' view before our components changed it.
        data["entities"] = [e for e in data.get("entities") or []
                            if e.get("extractor") not in ("SourceRetriever", "ScopeGuard")]
        intent = (data.get("intent") or {}).get("name")
        if intent == "emergency" and data.get("intent_ranking"):
            ranking = [r for r in data["intent_ranking"] if r["name"] != "emergency"]
            if ranking and ranking[0].get("confidence", 0) > 0.5:
                data["intent"] = ranking[0]
        parsed.append({key: data.get(key) for key in CLASSIFIER_KEYS})
    return parsed


def outcome(question: Question, data: Dict[str, Any], config: Dict[str, Any]) -> str:
    """Replays the retrieval components; returns "right", "wrong", "declined" or "fact"."""
    message = Message(data=copy.deepcopy(data))
    RETRIEVER.component_config = {**SourceRetriever.get_default_config(), **config}
    RETRIEVER.process_message(message)
    GUARD.process_message(message)
    intent = (message.get("intent") or {}).get("name")
    entities = {e["entity"]: e["value"] for e in message.get("entities") or []}
    if QUOTE_ENTITY in entities:
        facts = ("quote", entities[QUOTE_ENTITY].split())
    elif "also_quote" in entities:
        facts = ("both", entities["also_quote"].split())
    elif intent == "faq" and "asks_elsewhere" not in entities:
        topic = SourceRetriever.selected_topic(message) or ""
        facts = ("curated", topic)
    else:
        facts = None
    if question.kind != "answerable":
        if question.kind == "emergency":
            return "declined" if intent == "emergency" else "fact"
        if question.kind == "current" and "asks_current" in entities:
            return "declined"
        return "fact" if facts else "declined"
    if facts is None:
        return "declined"
    wanted = {s.id for s in question.sentences}
    if facts[0] in ("quote", "both") and wanted & set(facts[1]):
        return "right"
    if facts[0] == "quote":
        return "wrong"
    topic = SourceRetriever.selected_topic(message) or ""
    evidence = [e for v in RESPONSES.get(f"utter_{topic}", [])
                for e in (v.get("metadata") or {}).get("evidence") or []]
    hit = any(core(e) and (core(e) in s.text or core(s.text) in core(e))
              for e in evidence for s in question.sentences)
    return "right" if hit else "wrong"


def current_config() -> Dict[str, Any]:
    """The SourceRetriever settings of config.yml."""
    import yaml

    pipeline = yaml.safe_load((Path(__file__).resolve().parent.parent / "config.yml")
                              .read_text())["pipeline"]
    component = next(c for c in pipeline if c["name"].endswith("SourceRetriever"))
    return {k: v for k, v in component.items() if k != "name"}


def explain(data: Dict[str, Any], config: Dict[str, Any]) -> str:
    """What the classifiers and the retrieval said about one message (for --show)."""
    message = Message(data=copy.deepcopy(data))
    RETRIEVER.component_config = {**SourceRetriever.get_default_config(), **config}
    RETRIEVER.process_message(message)
    found = message.get("source_retrieval") or {}
    selector = ((data.get("response_selector") or {}).get("default") or {}).get("response") or {}
    topic = (selector.get("intent_response_key") or "-").replace("faq/", "")
    hits = " ".join(f"{h['id']}({h['score']:.1f},{h['coverage']:.2f})"
                    for h in found.get("hits") or [])
    return (f"{(data.get('intent') or {}).get('name')} {topic}"
            f"({selector.get('confidence', 0):.2f},tc={found.get('topic_coverage', 0):.2f})"
            f" {found.get('decision', '-')} {hits}")


RETRIEVER = SourceRetriever(SourceRetriever.get_default_config())
GUARD = ScopeGuard(ScopeGuard.get_default_config())
RESPONSES = {name: variants for name, variants in load_responses().items()
             if name.startswith(FAQ_RESPONSE_PREFIX)}


def main() -> int:
    """Prints the calibration table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models")
    parser.add_argument("--refresh", action="store_true", help="parse again")
    parser.add_argument("--show", action="store_true", help="list the misses of the config")
    parser.add_argument("--questions", type=Path, default=DEV_QUESTIONS,
                        help="the question set (default: the development set)")
    parser.add_argument("--no-grid", action="store_true", help="only the config's figures")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    cache = CACHE_DIR / f"calibration-parses-{args.questions.parent.name}.json"
    if args.refresh or not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        parsed = asyncio.run(parse_all(args.model, [q.text for q in questions]))
        cache.write_text(json.dumps(parsed, ensure_ascii=False))
    parsed = json.loads(cache.read_text())
    answerable = sum(q.kind == "answerable" for q in questions)
    other = len(questions) - answerable
    current = current_config()

    def summary(config: Dict[str, Any]) -> str:
        results = [outcome(q, d, config) for q, d in zip(questions, parsed, strict=True)]
        right = sum(r == "right" for r in results)
        guesses = sum(r == "fact" for r in results)
        return f"answered {right / answerable:.3f}, declined {1 - guesses / other:.3f}"

    print(f"{args.questions}: {answerable} answerable, {other} unanswerable")
    print(f"  config.yml: {summary(current)}")
    if not args.no_grid:
        grid = {
            "fallback_min_score": (2.5, 3.0),
            "fallback_min_coverage": (0.5, 0.6),
            "agreement_min_coverage": (0.4, 0.5),
            "aspect_min_coverage": (0.5, 0.6),
            "aspect_min_margin": (0.2, 0.3),
            "both_min_coverage": (0.3, 0.4, 0.5),
            "both_min_score": (1.5, 2.0, 3.0),
            "residual_min_coverage": (0.25, 0.4),
            "residual_min_score": (1.0, 2.0),
        }
        for values in itertools.product(*grid.values()):
            config = {**current, **dict(zip(grid, values, strict=True))}
            print("  " + " ".join(f"{k.split('_', 1)[0][:3]}-{k.split('_')[-1][:3]}={v}"
                                  for k, v in zip(grid, values, strict=True))
                  + f": {summary(config)}")
    if args.show:
        for question, data in zip(questions, parsed, strict=True):
            result = outcome(question, data, current)
            if result in ("wrong", "fact") or (result == "declined"
                                               and question.kind == "answerable"):
                print(f"  {result:8s} {question.kind[:6]:6s} {explain(data, current)}: "
                      f"{question.text}  [want {' '.join(s.id for s in question.sentences)}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
