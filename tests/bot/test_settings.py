"""The settings table is the one source of truth, and the README shows it."""

from __future__ import annotations

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
