"""Starts and stops the assistant (Rasa server + action server) for tests and benchmarks.

`running_stack` is a context manager; it waits until both servers answer and stops them
after. The helpers below it are shared by the stack tests, the benchmark and the load
test: fixture language packs, REST-only credentials, sending a message, percentiles.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Union

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from bot import settings  # noqa: E402

BIN = PROJECT_ROOT / os.environ.get("VENV", ".venv") / "bin"


def wait_for(url: str, timeout: float, process: subprocess.Popen) -> None:
    """Polls a URL until it answers, failing early when the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def running_stack(
    rasa_port: int = 5105,
    actions_port: int = 5155,
    extra_env: Optional[Dict[str, str]] = None,
    log_dir: Path = PROJECT_ROOT / "var" / "log",
    start_actions: bool = True,
    credentials: Union[str, Path] = "credentials.yml",
    endpoints: Union[str, Path] = "endpoints.yml",
    model: Union[str, Path] = "models",
) -> Iterator[Dict[str, object]]:
    """Runs Rasa and the action server on loopback ports until the block ends.

    Args:
        rasa_port: Port of the Rasa server.
        actions_port: Port of the action server.
        extra_env: Environment variables added for both servers.
        log_dir: Where the servers' logs go.
        start_actions: Whether to start the action server (False: it is down, or
            another stack's action server on `actions_port` is used).
        credentials: The channels' configuration (relative paths: in the project).
        endpoints: The endpoints' configuration (`endpoints.scale-out.yml` for
            scale-out; relative paths: in the project).
        model: A model file, or a folder whose newest model is used.

    With `RASA_ENABLE_API=1` and `RASA_API_TOKEN` in `extra_env` the HTTP API is on,
    as `tools/serve.sh` turns it on.

    Yields:
        `url` of the Rasa server, the two `processes`, the `rasa` process and
        `restart_rasa()`, which restarts the Rasa server on the same port.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **(extra_env or {})}
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{actions_port}/webhook"
    env.setdefault("TRACKER_DB", str(log_dir.parent / f"conversations-{rasa_port}.db"))
    env = {**settings.effective(env), **env}
    api_args = []
    if env["RASA_ENABLE_API"] == "1":
        if not env["RASA_API_TOKEN"]:
            raise ValueError("RASA_ENABLE_API=1 needs RASA_API_TOKEN")
        api_args = ["--enable-api", "--auth-token", env["RASA_API_TOKEN"]]
    processes = []
    try:
        if start_actions:
            actions = subprocess.Popen(
                [str(BIN / "rasa"), "run", "actions", "--actions", "actions",
                 "--port", str(actions_port)],
                cwd=PROJECT_ROOT, env={**env, "SANIC_HOST": "127.0.0.1"},
                stdout=open(log_dir / f"actions-{actions_port}.log", "w"),
                stderr=subprocess.STDOUT,
            )
            processes.append(actions)
            wait_for(f"http://127.0.0.1:{actions_port}/health", 120, actions)
        url = f"http://127.0.0.1:{rasa_port}"

        def start_rasa(log_mode: str = "w") -> subprocess.Popen:
            rasa = subprocess.Popen(
                [str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", str(endpoints),
                 "--credentials", str(credentials), "--port", str(rasa_port),
                 "--interface", "127.0.0.1", *api_args],
                cwd=PROJECT_ROOT, env=env,
                stdout=open(log_dir / f"rasa-{rasa_port}.log", log_mode),
                stderr=subprocess.STDOUT,
            )
            processes.append(rasa)
            wait_for(url + "/", 300, rasa)
            return rasa

        def restart_rasa() -> subprocess.Popen:
            """Stops the Rasa server and starts it again on the same port."""
            old = stack["rasa"]
            old.terminate()
            try:
                old.wait(timeout=20)
            except subprocess.TimeoutExpired:
                old.kill()
                old.wait()
            processes.remove(old)
            stack["rasa"] = start_rasa(log_mode="a")
            return stack["rasa"]

        stack: Dict[str, object] = {"url": url, "processes": processes}
        stack["rasa"] = start_rasa()
        stack["restart_rasa"] = restart_rasa
        yield stack
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


FIXTURE_PHRASES: Dict[str, List[str]] = {
    "en": ["Hello", "Where can I find a language course?", "Thank you",
           "What does an integration manager do?", "Are you a bot?"],
    "ar": ["مرحبا", "أين أجد دورة لغة؟", "شكرا", "ماذا يفعل مدير الاندماج؟"],
}
"""User messages the fixture language packs translate (tools/fixture_packs/phrases/)."""


def install_fixture_packs(folder: Path) -> Path:
    """Installs the fixture language packs (de↔en, ar↔en) into a folder and returns it."""
    subprocess.run(
        [str(BIN / "python"), "-m", "bot.translation.packs", "install",
         "--from", "tests/fixtures/argos"],
        cwd=PROJECT_ROOT, check=True, capture_output=True,
        env={**os.environ, "LANGUAGE_PACKS_DIR": str(folder)},
    )
    return folder


def rest_credentials(folder: Path, **options: object) -> Path:
    """Writes a credentials file with only the safe REST channel (and its options)."""
    lines = ["bot.channels.rest.SafeRestInput:"]
    lines += [f"  {key}: {value}" for key, value in options.items()]
    path = folder / "credentials.yml"
    path.write_text("\n".join(lines) + "\n")
    return path


def send(url: str, sender: str, text: str, timeout: float = 120) -> list:
    """Posts one message to the REST channel of the server at `url`; returns the replies."""
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def text_of(replies: list) -> str:
    """Returns the texts of the bot's replies, one per line."""
    return "\n".join(reply.get("text", "") for reply in replies)


def percentile(values: List[float], q: float) -> float:
    """Returns the q-th percentile (0-100) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def stored_user_messages(tracker_db: Path, sender: Optional[str] = None) -> List[str]:
    """Returns the user messages kept in a SQLite tracker store, in order."""
    import sqlite3

    query = "SELECT data FROM events WHERE type_name = 'user'"
    parameters: tuple = ()
    if sender is not None:
        query, parameters = query + " AND sender_id = ?", (sender,)
    with sqlite3.connect(tracker_db) as connection:
        rows = connection.execute(query + " ORDER BY id", parameters).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]
