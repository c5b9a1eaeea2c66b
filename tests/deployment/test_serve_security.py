"""tools/serve.sh never opens the HTTP API without a token."""

from __future__ import annotations

import os
import subprocess

from bot.paths import PROJECT_ROOT


def test_enabling_the_api_without_a_token_is_refused() -> None:
    env = {**os.environ, "RASA_ENABLE_API": "1", "RASA_API_TOKEN": ""}
    result = subprocess.run(
        ["bash", "tools/serve.sh", "run"], cwd=PROJECT_ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "needs RASA_API_TOKEN" in result.stderr
