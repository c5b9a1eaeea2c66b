"""The settings table is the one source of truth, and the README shows it."""

from __future__ import annotations

from pathlib import Path

from bot import settings
from bot.paths import PROJECT_ROOT


def test_readme_shows_the_settings_table_as_defined() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme


def test_defaults_can_refer_to_earlier_settings(monkeypatch) -> None:
    monkeypatch.setenv("ACTIONS_PORT", "6123")
    monkeypatch.delenv("ACTION_SERVER_URL", raising=False)
    assert settings.get("ACTION_SERVER_URL") == "http://127.0.0.1:6123/webhook"


def test_environment_wins_over_default(monkeypatch) -> None:
    monkeypatch.setenv("RASA_PORT", "7000")
    assert settings.get("RASA_PORT") == "7000"
    assert "export RASA_PORT='7000'" in settings.export_lines()


def test_get_agrees_with_the_whole_table(monkeypatch) -> None:
    monkeypatch.setenv("ACTIONS_PORT", "6124")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "99")
    assert {name: settings.get(name) for name in settings.BY_NAME} == settings.effective()
    assert settings.effective({"ACTIONS_PORT": "1"})["ACTION_SERVER_URL"].endswith(":1/webhook")


def test_lock_tickets_outlive_the_longest_action_and_reach_rasa() -> None:
    """Rasa waits up to 300 s for an action; the exported lifetime is longer, and Rasa's
    own lock stores (the single deployment's in-memory one) read it."""
    import subprocess
    import sys

    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    lifetime = int(settings.get("TICKET_LOCK_LIFETIME"))
    assert lifetime >= DEFAULT_REQUEST_TIMEOUT + 30
    script = ('eval "$(python -m bot.settings --export)"; python -c '
              '"from rasa.core.lock_store import LOCK_LIFETIME; print(LOCK_LIFETIME)"')
    result = subprocess.run(
        ["bash", "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"},
    )
    assert result.stdout.split()[-1] == str(lifetime)
