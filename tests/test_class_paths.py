"""Every class path named in the YAML configuration files can be imported.

Rasa finds our components, policies, channels, stores and NLG by the dotted paths in
config.yml, credentials.yml and endpoints*.yml; a path that no longer exists would
only show when the assistant starts (or, for config.yml, when it trains).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import yaml

from bot.paths import PROJECT_ROOT

YAML_FILES = ["config.yml", "credentials.yml", "endpoints.yml", "endpoints.scale-out.yml"]


def dotted_paths(value: object) -> Iterator[str]:
    """Yields the `name:`/`type:` values and top-level keys that name our classes."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and key.startswith(("bot.", "actions.")):
                yield key
            if key in ("name", "type") and isinstance(item, str) and "." in item:
                yield item
            yield from dotted_paths(item)
    elif isinstance(value, list):
        for item in value:
            yield from dotted_paths(item)


def class_paths() -> List[Tuple[str, str]]:
    found = []
    for name in YAML_FILES:
        data = yaml.safe_load(Path(PROJECT_ROOT / name).read_text(encoding="utf-8"))
        found += [(name, path) for path in dotted_paths(data)]
    return found


def test_the_yaml_files_name_our_classes() -> None:
    named = {path for _, path in class_paths()}
    assert "bot.nlu.language_translator.LanguageTranslator" in named
    assert "bot.channels.webchat.WebChatInput" in named
    assert "bot.storage.lock_store.AtomicRedisLockStore" in named


@pytest.mark.parametrize("file,path", class_paths())
def test_class_path_imports(file: str, path: str) -> None:
    module_name, _, class_name = path.rpartition(".")
    module = importlib.import_module(module_name)
    assert isinstance(getattr(module, class_name, None), type), f"{file}: {path}"
