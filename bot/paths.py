"""Where the project's files are, relative to this package."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The repository root (parent of the `bot` package)."""

SEEDS_DIR = PROJECT_ROOT / "seeds"
"""The source documents and their catalogue."""

SOURCES_CATALOGUE = SEEDS_DIR / "sources.yml"
"""Title, publisher, date and content lines of each source document."""
