"""A running assistant whose REST channel is bot.channels.rest.SafeRestInput.

The stack gets its own credentials file (the project's, with Rasa's `rest:` channel
replaced by ours, in case credentials.yml still names it), its own SQLite tracker
store and the fixture language packs (de↔en, ar↔en); Turkish has no pack there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest
import yaml

from tools.stack import PROJECT_ROOT, running_stack

SAFE_REST = "bot.channels.rest.SafeRestInput"
RASA_PORT = 5505
ACTIONS_PORT = 5555


def robust_credentials(folder: Path) -> Path:
    """Writes the project's credentials with the safe REST channel instead of `rest`."""
    channels = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text()) or {}
    channels.pop("rest", None)
    channels.setdefault(SAFE_REST, None)
    path = folder / "credentials.yml"
    path.write_text(yaml.safe_dump(channels, allow_unicode=True))
    return path


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
        credentials=robust_credentials(folder),
    ) as running:
        running["tracker_db"] = Path(env["TRACKER_DB"])
        running["log_dir"] = folder / "log"
        yield running
