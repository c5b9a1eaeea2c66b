"""How much a flood from one client slows everyone else, with and without the rate limit.

Starts the assistant on loopback (REST channel only, German), then measures the reply
latency of a well-behaved client (German questions one after another, ten per sender)
three times: alone; while one client floods the server from `--workers` parallel
connections with one sender id; and the same flood with the rate limit turned off
(`RATE_LIMIT_BURST=0`, a second server). Prints latency p50/p95/max and what the flood
got (answers, 429 notes, requests per second). Numbers only, nothing asserted.

    .venv/bin/python tools/bench_flood.py
    .venv/bin/python tools/bench_flood.py --messages 100 --workers 20
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.stack import percentile, rest_credentials, running_stack  # noqa: E402

QUESTIONS = [
    "Was ist die MBE?",
    "Wo finde ich einen Deutschkurs?",
    "Was macht ein Integrationsmanager?",
    "Hallo",
    "Danke",
]


def post(url: str, sender: str, text: str) -> int:
    """Posts one message; returns the status."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def well_behaved(url: str, messages: int, label: str) -> List[float]:
    """Sends German questions one after another (ten per sender); returns latencies (ms)."""
    latencies = []
    for index in range(messages):
        started = time.perf_counter()
        status = post(url, f"{label}-{index // 10}", QUESTIONS[index % len(QUESTIONS)])
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"the well-behaved client got {status}")
    return latencies


class Flood:
    """`workers` threads posting as fast as they can with one sender id."""

    def __init__(self, url: str, workers: int) -> None:
        self.url = url
        self.workers = workers
        self.statuses: Dict[int, int] = {}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(workers)]
        self.lock = threading.Lock()
        self.started = 0.0
        self.seconds = 0.0

    def _run(self) -> None:
        while not self.stop.is_set():
            status = post(self.url, "flooder", "Hallo")
            with self.lock:
                self.statuses[status] = self.statuses.get(status, 0) + 1

    def __enter__(self) -> Flood:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # the flood is under way before the measurement starts
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.seconds = time.perf_counter() - self.started

    def summary(self) -> str:
        """Returns what the flood got: requests, their rate and their statuses."""
        total = sum(self.statuses.values())
        parts = ", ".join(f"{count} × {status}" for status, count in sorted(self.statuses.items()))
        return f"{total} requests ({total / self.seconds:.0f}/s): {parts}"


def summary(latencies: List[float]) -> str:
    """Returns p50, p95 and max of latencies in ms."""
    return (
        f"p50 {percentile(latencies, 50):.0f} ms, p95 {percentile(latencies, 95):.0f} ms, "
        f"max {max(latencies):.0f} ms (n={len(latencies)})"
    )


def measure(args: argparse.Namespace, limit_on: bool, folder: Path) -> None:
    """Starts a server (rate limit on or off) and prints the latencies with a flood."""
    env: Dict[str, str] = {"TRACKER_DB": str(folder / f"flood-{limit_on}.db"),
                           "RETENTION_DAYS": "0"}
    if not limit_on:
        env["RATE_LIMIT_BURST"] = "0"
    with running_stack(
        rasa_port=args.rasa_port, actions_port=args.actions_port, extra_env=env,
        log_dir=folder, credentials=rest_credentials(folder),
    ) as stack:
        url = f"{stack['url']}/webhooks/rest/webhook"
        well_behaved(url, 10, "warmup")
        if limit_on:
            print("Alone:                      ", summary(well_behaved(url, args.messages, "a")))
        with Flood(url, args.workers) as flood:
            latencies = well_behaved(url, args.messages, f"b-{limit_on}")
        name = "rate limit on" if limit_on else "rate limit off"
        print(f"During a flood ({name}): ", summary(latencies))
        print(f"  the flood: {flood.summary()}")


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the measurement with the rate limit on, then off."""
    parser = argparse.ArgumentParser(prog="tools/bench_flood.py", description=__doc__)
    parser.add_argument("--messages", type=int, default=200, help="of the well-behaved client")
    parser.add_argument("--workers", type=int, default=50, help="parallel flooding connections")
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
