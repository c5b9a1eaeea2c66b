"""Web chat sessions: ids the server issues, tokens only it can sign, a secret kept safe."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from bot.channels import session as session_module
from bot.channels.session import SessionIssuer, load_or_create_secret, session_secret

SECRET = "s" * 48


def test_an_issued_token_resumes_its_session() -> None:
    issuer = SessionIssuer(SECRET)
    session = issuer.issue()
    assert issuer.resume(session.token) == session
    # base64 leaves the last character's low bits unused: a variant of the same
    # signature is accepted, but resumes the session with its one canonical token
    variant = session.token[:-1] + ("A" if session.token[-1] != "A" else "B")
    resumed = issuer.resume(variant)
    assert resumed is None or resumed == session
    # another server with the same secret accepts it too (scale-out)
    assert SessionIssuer(SECRET).resume(session.token) == session


def test_session_ids_are_random_and_long() -> None:
    issuer = SessionIssuer(SECRET)
    ids = {issuer.issue().session_id for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) >= 32 for i in ids)


@pytest.mark.parametrize(
    "presented",
    [
        None,
        "",
        5,
        ["a"],
        {"token": "x"},
        "x" * 10_000,
        "not-a-token",
        "\ud800\x00",
    ],
)
def test_anything_that_is_not_a_token_resumes_nothing(presented: object) -> None:
    assert SessionIssuer(SECRET).resume(presented) is None


def test_a_bare_session_id_resumes_nothing() -> None:
    issuer = SessionIssuer(SECRET)
    session = issuer.issue()
    assert issuer.resume(session.session_id) is None


def test_a_forged_or_foreign_token_resumes_nothing() -> None:
    issuer = SessionIssuer(SECRET)
    victim = issuer.issue()
    mine = issuer.issue()
    signature = mine.token.rsplit(".", 1)[1]
    assert issuer.resume(f"{victim.session_id}.{signature}") is None  # my signature, their id
    position = len(victim.session_id) + 1  # the signature's first character
    changed = "A" if victim.token[position] != "A" else "B"
    assert issuer.resume(victim.token[:position] + changed + victim.token[position + 1:]) is None
    assert SessionIssuer("another installation's secret!!").resume(victim.token) is None


def test_the_generated_secret_is_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "var" / "session-secret"
    first = load_or_create_secret(path)
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first  # a restart signs with the same key
    assert [p.name for p in path.parent.iterdir()] == ["session-secret"]  # no leftovers


def test_a_readable_secret_file_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "session-secret"
    path.write_text("k" * 40)
    os.chmod(path, 0o644)
    assert load_or_create_secret(path) == "k" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_empty_secret_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "session-secret"
    path.write_text("\n")
    os.chmod(path, 0o600)
    with pytest.raises(ValueError, match="no usable secret"):
        load_or_create_secret(path)


def test_servers_starting_together_share_one_secret(tmp_path: Path) -> None:
    path = tmp_path / "session-secret"
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(load_or_create_secret(path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and len(set(results)) == 1


def test_the_setting_wins_over_the_file(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(session_module, "SECRET_FILE", tmp_path / "session-secret")
    monkeypatch.setenv("SESSION_SECRET", "configured-secret-of-all-servers")
    assert session_secret() == "configured-secret-of-all-servers"
    assert not (tmp_path / "session-secret").exists()
