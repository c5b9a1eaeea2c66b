"""The curated knowledge: domain responses with their sources and evidence sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml

from bot.paths import PROJECT_ROOT

RESPONSE_FILES = (
    PROJECT_ROOT / "data" / "nlu" / "responses" / "faq.yml",
    PROJECT_ROOT / "domain" / "responses.yml",
)
"""Files that hold the assistant's responses: FAQ answers and dialogue responses."""

FAQ_RESPONSE_PREFIX = "utter_faq/"
"""Domain responses of the `faq` retrieval intent are named `utter_faq/<topic>`."""


def load_responses(files: tuple[Path, ...] = RESPONSE_FILES) -> Dict[str, List[Dict[str, Any]]]:
    """Returns every response variation by response name.

    Args:
        files: The YAML files with a top-level `responses` key.
    """
    responses: Dict[str, List[Dict[str, Any]]] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        responses.update(data.get("responses", {}))
    return responses


def faq_topics(responses: Dict[str, Any]) -> List[str]:
    """Returns the FAQ topic names (`utter_faq/<topic>` responses), in their order.

    Args:
        responses: Responses by name, e.g. the domain's or `load_responses()`.
    """
    prefix = FAQ_RESPONSE_PREFIX
    return [name[len(prefix) :] for name in responses if name.startswith(prefix)]
