"""How much a flood from one client slows everyone else, with and without the rate limit.

Starts the assistant on loopback (REST channel and web chat, German), then measures the
reply latency of a well-behaved REST client (German questions one after another, ten
per sender): alone; while one REST client floods the server from `--workers` parallel
requests with one sender id; and while one web chat client floods it from
`--connections` socket.io connections of one session, sending without waiting and
connecting again whenever the server closes a connection. Then the same on a second
server with the rate limit turned off (`RATE_LIMIT_BURST=0`). Each measurement lasts
at most a minute. Prints latency p50/p95/max and what each flood got. Numbers only,
nothing asserted; the flooding clients run on the same machine as the server and take
CPU from it too.

    .venv/bin/python tools/bench_flood.py
    .venv/bin/python tools/bench_flood.py --messages 100 --workers 20 --connections 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.stack import PROJECT_ROOT, percentile, running_stack  # noqa: E402
from tools.webchat_client import Chat  # noqa: E402

QUESTIONS = [
    "Was ist die MBE?",
    "Wo finde ich einen Deutschkurs?",
    "Was macht ein Integrationsmanager?",
    "Hallo",
    "Danke",
]


def post(url: str, sender: str, text: str, timeout: float = 120) -> int:
    """Posts one message; returns the status (0: no answer within `timeout`)."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code
    except (urllib.error.URLError, TimeoutError):
        return 0


def well_behaved(url: str, messages: int, label: str, seconds: float = 60.0) -> List[float]:
    """Sends German questions one after another (ten per sender), for at most `seconds`.

    Returns:
        The latency (ms) of each answered message; an unanswered one (error, or no
        answer within 10 s) counts as infinitely slow.
    """
    latencies = []
    deadline = time.monotonic() + seconds
    for index in range(messages):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        status = post(url, f"{label}-{index // 10}", QUESTIONS[index % len(QUESTIONS)], 10)
        latencies.append((time.perf_counter() - started) * 1000 if status == 200 else math.inf)
    return latencies


class Flood:
    """Threads that flood the server until the block ends (see the subclasses)."""

    def __init__(self, url: str, threads: int) -> None:
        self.url = url
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]
        self.started = 0.0
        self.seconds = 0.0

    def run(self) -> None:
        """One thread's flood, until `stop` is set."""
        raise NotImplementedError

    def __enter__(self) -> Flood:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # the flood is under way before the measurement starts
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.seconds = time.perf_counter() - self.started
        for thread in self.threads:
            thread.join(timeout=30)


class RestFlood(Flood):
    """Parallel requests with one sender id, each sent as soon as the last is answered."""

    def __init__(self, url: str, workers: int) -> None:
        super().__init__(url, workers)
        self.statuses: Dict[int, int] = {}

    def run(self) -> None:
        """Posts until stopped, counting the statuses."""
        while not self.stop.is_set():
            status = post(self.url, "flooder", "Hallo", 30)
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def summary(self) -> str:
        """Returns what the flood got: requests, their rate and their statuses."""
        total = sum(self.statuses.values())
        parts = ", ".join(f"{count} × {status}" for status, count in sorted(self.statuses.items()))
        return f"{total} requests ({total / self.seconds:.0f}/s): {parts}"


class WebChatFlood(Flood):
    """socket.io connections of one session, sending without waiting for replies."""

    def __init__(self, url: str, connections: int) -> None:
        super().__init__(url, connections)
        self.sent = 0
        self.connects = 0
        self.token: Optional[str] = None

    def run(self) -> None:
        """Floods from one connection; connects again when the server closes it."""
        asyncio.run(self._flood())

    async def _flood(self) -> None:
        while not self.stop.is_set():
            request = {"session_token": self.token} if self.token else {}
            try:
                async with Chat(self.url, request) as chat:
                    with self.lock:
                        self.connects += 1
                        self.token = self.token or chat.token
                    while not self.stop.is_set():
                        await chat.flood([f"Hallo {i}" for i in range(32)])
                        with self.lock:
                            self.sent += 32
            except Exception:  # noqa: BLE001 - the server closed it: connect again
                await asyncio.sleep(0.05)

    def summary(self) -> str:
        """Returns how much the flood sent and how often it connected."""
        return (
            f"{self.sent} messages sent ({self.sent / self.seconds:.0f}/s), "
            f"{self.connects} connections"
        )


def summary(latencies: List[float]) -> str:
    """Returns p50, p95 and max of latencies in ms, and how many got no answer."""
    answered = [latency for latency in latencies if math.isfinite(latency)]
    if not answered:
        return f"no answers (n={len(latencies)})"
    return (
        f"p50 {percentile(latencies, 50):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
        f"max {max(answered):.0f} ms, {len(latencies) - len(answered)} unanswered "
        f"(n={len(latencies)})"
    )


def measure(args: argparse.Namespace, limit_on: bool, folder: Path) -> None:
    """Starts a server (rate limit on or off) and prints the latencies with each flood."""
    env: Dict[str, str] = {"TRACKER_DB": str(folder / f"flood-{limit_on}.db"),
                           "RETENTION_DAYS": "0"}
    if not limit_on:
        env["RATE_LIMIT_BURST"] = "0"
    name = "rate limit on" if limit_on else "rate limit off"
    with running_stack(
        rasa_port=args.rasa_port, actions_port=args.actions_port, extra_env=env,
        log_dir=folder / name.replace(" ", "-"), credentials=PROJECT_ROOT / "credentials.yml",
    ) as stack:
        url = f"{stack['url']}/webhooks/rest/webhook"
        well_behaved(url, 10, "warmup")
        print(f"{name}:", flush=True)
        print("  alone:                  ", summary(well_behaved(url, args.messages, "a")))
        with RestFlood(url, args.workers) as flood:
            latencies = well_behaved(url, args.messages, "b")
        print("  during a REST flood:    ", summary(latencies))
        print(f"    the flood: {flood.summary()}", flush=True)
        with WebChatFlood(str(stack["url"]), args.connections) as webchat:
            latencies = well_behaved(url, args.messages, "c")
        print("  during a web chat flood:", summary(latencies))
        print(f"    the flood: {webchat.summary()}", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the measurement with the rate limit on, then off."""
    parser = argparse.ArgumentParser(prog="tools/bench_flood.py", description=__doc__)
    parser.add_argument("--messages", type=int, default=200, help="of the well-behaved client")
    parser.add_argument("--workers", type=int, default=50, help="parallel REST requests")
    parser.add_argument("--connections", type=int, default=4, help="web chat connections")
    parser.add_argument("--rasa-port", type=int, default=5805)
    parser.add_argument("--actions-port", type=int, default=5855)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench-flood-"))
    print(f"Logs in {folder}")
    measure(args, limit_on=True, folder=folder)
    measure(args, limit_on=False, folder=folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
