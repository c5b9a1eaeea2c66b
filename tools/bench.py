"""Prints the assistant's benchmark figures (`make bench`).

- held-out intent accuracy and macro-F1 (tests/nlu/),
- reply latency p50/p95 over the REST channel for a few hundred messages,
- cold training time and peak memory of training (a fresh `rasa train --force`),
- peak memory of the running Rasa server.

Numbers are printed, never asserted. Set BENCH_SKIP_TRAINING=1 to skip the cold training.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.evaluate_nlu import gold_examples  # noqa: E402
from tools.stack import BIN, PROJECT_ROOT, running_stack  # noqa: E402

MESSAGES_PER_RUN = 300


def percentile(values: List[float], q: float) -> float:
    """Returns the q-th percentile (0-100) by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def post(url: str, payload: Dict[str, object]) -> list:
    """Posts JSON and returns the decoded reply."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def peak_rss_mb(pid: int) -> float:
    """Returns a process's peak resident memory in MB (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def nlu_accuracy() -> None:
    """Runs the held-out evaluation and prints its summary lines."""
    output = subprocess.run(
        [str(BIN / "python"), "tools/evaluate_nlu.py", "--model", "models"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    ).stdout
    for line in output.splitlines():
        if line.startswith(("Held-out", "intent accuracy", "macro-F1")):
            print(line)


def rest_latency() -> None:
    """Measures reply latency over the REST channel and the server's peak memory."""
    texts = [text for text, _ in gold_examples("tests/nlu")]
    with running_stack(rasa_port=5205, actions_port=5255) as stack:
        url = f"{stack['url']}/webhooks/rest/webhook"
        post(url, {"sender": "warmup", "message": "hallo"})
        latencies = []
        for i in range(MESSAGES_PER_RUN):
            started = time.perf_counter()
            post(url, {"sender": f"bench-{i // 10}", "message": texts[i % len(texts)]})
            latencies.append((time.perf_counter() - started) * 1000)
        memory = peak_rss_mb(stack["rasa"].pid)
    print(f"REST reply latency over {len(latencies)} messages: "
          f"p50 {statistics.median(latencies):.0f} ms, p95 {percentile(latencies, 95):.0f} ms")
    print(f"Rasa server peak memory: {memory:.0f} MB")


def cold_training() -> None:
    """Trains from scratch into a temporary folder and prints time and peak memory."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "rasa"), "train", "--domain", "domain", "--data", "data",
             "--config", "config.yml", "--out", out, "--force"],
            cwd=PROJECT_ROOT, check=True, capture_output=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"Cold training time: {seconds:.0f} s; training peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    nlu_accuracy()
    rest_latency()
    if os.environ.get("BENCH_SKIP_TRAINING") != "1":
        cold_training()
