"""Test-session setup: the tiny Argos fixture packs, installed into a temporary folder.

argostranslate reads its pack folder when it is first imported, so LANGUAGE_PACKS_DIR
is set here, before any test imports it. The fixture packs (tests/fixtures/argos/) are
real Argos packages built by tools/fixture_packs/ (de↔en, ar↔en); they only know the
phrases in tools/fixture_packs/phrases/.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

FIXTURE_PACKS = Path(__file__).parent / "fixtures" / "argos"
os.environ["LANGUAGE_PACKS_DIR"] = tempfile.mkdtemp(prefix="language-packs-test-")
# Machine translations of the answers: none, unless a test builds them.
os.environ["TRANSLATION_MEMORY_DIR"] = tempfile.mkdtemp(prefix="translation-memory-test-")


@pytest.fixture(scope="session")
def fixture_packs() -> Path:
    """Installs the fixture packs once per session and returns the pack folder."""
    from bot.translation import packs

    packs.install_from_files(FIXTURE_PACKS)
    return packs.packages_dir()
