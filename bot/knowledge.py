"""Reads the curated knowledge: domain responses with their sources and evidence."""

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


def faq_topics(responses: Dict[str, List[Dict[str, Any]]]) -> List[str]:
    """Returns the FAQ topic names (`utter_faq/<topic>` responses)."""
    prefix = "utter_faq/"
    return [name[len(prefix) :] for name in responses if name.startswith(prefix)]
