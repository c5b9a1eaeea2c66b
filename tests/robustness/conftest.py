"""A running assistant with the project's channels (credentials.yml).

The stack gets its own SQLite tracker store and the fixture language packs (de↔en,
ar↔en); Turkish has no pack there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest

from tools.stack import running_stack

RASA_PORT = 5505
ACTIONS_PORT = 5555


@pytest.fixture(scope="package")
def stack(fixture_packs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict]:
    """Runs Rasa and the action server on loopback ports 5505/5555 for this folder."""
    from bot.translation import packs

    folder = tmp_path_factory.mktemp("robustness")
    env = {
        # fixture_packs is the `packages/` folder inside the packs root
        "LANGUAGE_PACKS_DIR": str(packs.packs_root()),
        "TRACKER_DB": str(folder / "conversations.db"),
        "RETENTION_DAYS": "0",
    }
    with running_stack(
        rasa_port=RASA_PORT,
        actions_port=ACTIONS_PORT,
        extra_env=env,
        log_dir=folder / "log",
    ) as running:
        running["tracker_db"] = Path(env["TRACKER_DB"])
        running["log_dir"] = folder / "log"
        yield running
