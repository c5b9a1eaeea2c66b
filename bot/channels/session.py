"""Web chat sessions: ids the server issues, and signed tokens that prove who got them.

A web chat conversation is stored under a random session id (192 bits, never chosen
by the client). With it the client gets a token: the id signed with HMAC-SHA256
(`itsdangerous.Signer`) under the `SESSION_SECRET` setting. Presenting the token later
(reload, reconnect, a second tab) resumes the conversation; anything else (a bare
session id, a token with a wrong signature, a token of another server family) starts a
new conversation. No list of issued ids is kept, so every server that shares the
secret accepts the tokens of the others (scale-out).

When `SESSION_SECRET` is empty, a secret is generated once into `var/session-secret`
(mode 0600) and read from there on every start, so that tokens survive restarts.
Servers on different machines must share one `SESSION_SECRET`; otherwise each of them
starts a new conversation for tokens of the others.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from itsdangerous import BadSignature, Signer

from bot import settings
from bot.paths import PROJECT_ROOT

logger = logging.getLogger(__name__)

SECRET_FILE = PROJECT_ROOT / "var" / "session-secret"
"""Where the generated secret is kept when `SESSION_SECRET` is empty."""

SESSION_ID_BYTES = 24
"""Random bytes of a session id (32 URL-safe characters)."""

MAX_TOKEN_CHARS = 256
"""Longer strings are not looked at."""

_SALT = "integrationslotse.webchat.session"


def load_or_create_secret(path: Path = SECRET_FILE) -> str:
    """Returns the secret kept in a file, creating the file (mode 0600) the first time.

    Two servers starting at once agree on one secret: the file is written under a
    temporary name and published with a hard link, which fails if the other was first.

    Args:
        path: The secret's file.
    """
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(temporary, path)
            logger.info(f"Generated the web chat's session secret in {path}.")
        except FileExistsError:
            pass  # another server was first; use its secret
    finally:
        temporary.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        os.chmod(path, 0o600)  # the secret is for this user only
        logger.warning(f"{path} was readable by others; its mode is now 0600.")
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < 32:
        raise ValueError(f"{path} holds no usable secret; delete it to generate a new one")
    return secret


def session_secret() -> str:
    """Returns the `SESSION_SECRET` setting, or the generated secret of this installation."""
    configured = settings.get("SESSION_SECRET").strip()
    if configured:
        return configured
    if settings.get("DEPLOYMENT") == "scale-out":
        logger.warning(
            "SESSION_SECRET is not set: servers on other machines will not accept this "
            "server's web chat sessions. Give all servers the same SESSION_SECRET."
        )
    return load_or_create_secret(SECRET_FILE)


@dataclass(frozen=True)
class WebChatSession:
    """A session the server issued.

    Attributes:
        session_id: The conversation's id (the tracker store's sender id).
        token: What the client keeps and presents to resume the conversation.
    """

    session_id: str
    token: str


class SessionIssuer:
    """Issues session ids with their tokens, and tells which session a token belongs to."""

    def __init__(self, secret: str) -> None:
        """Creates the issuer.

        Args:
            secret: The signing key, shared by all servers of one installation.
        """
        self._signer = Signer(secret, salt=_SALT, digest_method=hashlib.sha256)

    @classmethod
    def from_settings(cls) -> SessionIssuer:
        """Creates the issuer with the configured (or generated) secret."""
        return cls(session_secret())

    def issue(self) -> WebChatSession:
        """Returns a new session: a random id and its token."""
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        return WebChatSession(session_id, self.token_for(session_id))

    def token_for(self, session_id: str) -> str:
        """Returns the token of a session id."""
        return self._signer.sign(session_id).decode("ascii")

    def resume(self, token: Any) -> Optional[WebChatSession]:
        """Returns the session of a token this issuer signed, else None.

        Args:
            token: What a client presented; anything that is not such a token
                (a bare id, a forged or foreign signature, junk) gives None.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        try:
            session_id = self._signer.unsign(token).decode("ascii")
        except (BadSignature, UnicodeError):
            return None
        return WebChatSession(session_id, self.token_for(session_id))
