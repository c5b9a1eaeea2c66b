"""Evaluates the trained model on the held-out NLU test set (tests/nlu/).

Labels are full intents: `faq/<topic>` for FAQ questions (intent classifier plus
response selector), the plain intent otherwise, `nlu_fallback` when the model declines.
Prints accuracy, macro-F1 and the misclassified messages; exits non-zero when the
accuracy is below --min-accuracy.

    .venv/bin/python tools/evaluate_nlu.py --model models --data tests/nlu --min-accuracy 0.85
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

from sklearn.metrics import accuracy_score, f1_score

# The model refers to the project's own components (bot.nlu..., bot.dialogue...) by module path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def predicted_label(parse_data: Dict[str, Any]) -> str:
    """Returns the full intent predicted for one message."""
    intent = (parse_data.get("intent") or {}).get("name") or "none"
    if intent == "faq":
        selector = parse_data.get("response_selector", {}).get("default", {})
        key = selector.get("response", {}).get("intent_response_key")
        return key or "faq"
    return intent


def gold_examples(data_dir: str) -> List[Tuple[str, str]]:
    """Returns (text, full intent) pairs of the test set."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples = load_data(data_dir).intent_examples
    return [
        (ex.get("text"), ex.get("intent_response_key") or ex.get("intent"))
        for ex in examples
    ]


async def predict(model: str, texts: List[str]) -> List[str]:
    """Parses every text with the trained model and returns the full intents."""
    from rasa.core.agent import Agent
    from rasa.model import get_latest_model
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    agent = Agent.load(get_latest_model(model))
    return [predicted_label(await agent.parse_message(text)) for text in texts]


def main() -> int:
    """Runs the evaluation and prints its report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models")
    parser.add_argument("--data", default="tests/nlu")
    parser.add_argument("--min-accuracy", type=float, default=0.0)
    args = parser.parse_args()

    examples = gold_examples(args.data)
    texts = [text for text, _ in examples]
    gold = [label for _, label in examples]
    predicted = asyncio.run(predict(args.model, texts))

    accuracy = accuracy_score(gold, predicted)
    macro_f1 = f1_score(gold, predicted, average="macro", zero_division=0)
    errors = [(t, g, p) for t, g, p in zip(texts, gold, predicted, strict=True) if g != p]
    for text, expected, got in errors:
        print(f"  MISS  {expected:40s} -> {got:40s} | {text}")
    confusions = Counter((g, p) for _, g, p in errors).most_common(5)
    print(f"Held-out NLU test set: {len(examples)} messages, {len(set(gold))} labels")
    print(f"intent accuracy: {accuracy:.3f}")
    print(f"macro-F1:        {macro_f1:.3f}")
    if confusions:
        print("most frequent confusions:", confusions)
    if accuracy < args.min_accuracy:
        print(f"FAILED: accuracy {accuracy:.3f} is below the minimum {args.min_accuracy}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
