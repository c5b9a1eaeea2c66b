"""Language-pack management: install from files, list, offline behaviour."""

from __future__ import annotations

import urllib.request
from pathlib import Path

from bot.translation import packs

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "argos"


def test_install_from_files_and_list(fixture_packs, capsys) -> None:
    assert packs.main(["install", "--from", str(FIXTURES)]) == 0
    installed = {(p.from_code, p.to_code) for p in packs.installed_packs()}
    assert {("de", "en"), ("ar", "en")} <= installed
    packs.main(["list"])
    out = capsys.readouterr().out
    assert "de→en" in out and "Languages:" in out


def test_install_from_a_folder_without_packs_says_so(tmp_path, capsys) -> None:
    assert packs.main(["install", "--from", str(tmp_path)]) == 1
    assert "no .argosmodel files" in capsys.readouterr().err


def test_without_internet_the_command_explains_how_to_install_from_files(
    fixture_packs, monkeypatch, capsys
) -> None:
    def offline(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    assert packs.main(["install", "--languages", "tr"]) == 1
    err = capsys.readouterr().err
    assert "Could not reach the Argos package index" in err
    assert "make models FROM=" in err
    assert "keeps working in German" in err


def test_wanted_pairs_connect_every_language_through_english() -> None:
    assert packs.wanted_pairs(["ar", "en"], "de") == [
        ("de", "en"), ("en", "de"), ("ar", "en"), ("en", "ar")
    ]


def test_packs_without_splitter_get_the_offline_one(fixture_packs) -> None:
    pack = packs.installed_packs()[0]
    own = pack.path / "minisbd"
    moved = pack.path / "minisbd-away"
    own.rename(moved)
    try:
        target = packs.splitter_cache_dir() / f"{packs.splitter_language(pack.from_code)}.onnx"
        target.unlink(missing_ok=True)
        assert packs.splitter_language(pack.from_code) in packs.ensure_offline_splitters()
        assert target.read_bytes() == packs.RULE_BASED_SPLITTER.read_bytes()
    finally:
        moved.rename(own)


def test_missing_languages_are_those_without_a_way_to_and_from_german(fixture_packs) -> None:
    assert packs.missing_languages(["en", "ar", "tr", "uk"], "de") == ["tr", "uk"]
    assert packs.missing_languages(["en", "ar"], "de") == []


def test_offline_ensure_says_in_one_line_what_is_missing_and_starts_at_once(
    fixture_packs, monkeypatch, capsys
) -> None:
    import time

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setenv("BOT_LANGUAGES", "en,ar,tr,uk")
    started = time.monotonic()
    assert packs.main(["ensure"]) == 0
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("Language packs not installed: tr, uk (no internet)")
    assert "make models FROM=" in err[0]


def test_ensure_is_silent_when_everything_is_installed(fixture_packs, monkeypatch, capsys):
    monkeypatch.setenv("BOT_LANGUAGES", "en,ar")
    assert packs.main(["ensure"]) == 0
    assert capsys.readouterr().err == ""
