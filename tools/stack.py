"""Starts and stops the assistant (Rasa server + action server) for tests and benchmarks.

Used as a context manager; it waits until both servers answer and stops them after.
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional

PROJECT_ROOT = Path(__file__).resolve().parent.parent
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
) -> Iterator[Dict[str, object]]:
    """Runs Rasa and the action server on loopback ports until the block ends.

    Args:
        rasa_port: Port of the Rasa server.
        actions_port: Port of the action server.
        extra_env: Environment variables added for both servers.
        log_dir: Where the servers' logs go.
        start_actions: Whether to start the action server (False simulates it down).

    Yields:
        `url` of the Rasa server and the two `processes`.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **(extra_env or {})}
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{actions_port}/webhook"
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
        rasa = subprocess.Popen(
            [str(BIN / "rasa"), "run", "--model", "models", "--endpoints", "endpoints.yml",
             "--credentials", "credentials.yml", "--port", str(rasa_port),
             "--interface", "127.0.0.1"],
            cwd=PROJECT_ROOT, env=env,
            stdout=open(log_dir / f"rasa-{rasa_port}.log", "w"), stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        url = f"http://127.0.0.1:{rasa_port}"
        wait_for(url + "/", 300, rasa)
        yield {"url": url, "processes": processes, "rasa": rasa}
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
