"""Prints the assistant's benchmark figures (`make bench`).

- held-out intent accuracy and macro-F1 (tests/nlu/),
- reply latency p50/p95 over the REST channel for a few hundred messages,
- cold training time and peak memory of training (a fresh `rasa train --force`),
- peak memory of the running Rasa server,
- language detection: accuracy and latency against plain langdetect (bench_language.py),
- translation latency per turn with the fixture packs, cold and cached,
- end-to-end reply latency, German against translated (English, Arabic via pivot),
- the held-out knowledge set (tests/heldout/): share answered with the right fact and
  its source, share of unanswerable questions declined or referred, invented figures,
  reply latency per answer path (curated, quote, other), and the retrieval's own cost.
- realistic translation cost and memory with size-realistic packs for every configured
  language (bench_translation.py).

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
from pathlib import Path
from typing import List

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.evaluate_nlu import gold_examples  # noqa: E402
from tools.stack import (  # noqa: E402
    BIN,
    FIXTURE_PHRASES,
    PROJECT_ROOT,
    install_fixture_packs,
    percentile,
    running_stack,
    send,
)

MESSAGES_PER_RUN = 300
BENCH_PACKS = PROJECT_ROOT / "var" / "bench-language-packs"


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


def timed_replies(url: str, sender: str, texts: List[str], count: int) -> List[float]:
    """Sends `count` messages (cycling through texts) and returns latencies in ms."""
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        send(url, f"{sender}-{i // 10}", texts[i % len(texts)], timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def summary(latencies: List[float]) -> str:
    """Formats p50/p95 of latencies in ms."""
    return (f"p50 {statistics.median(latencies):.0f} ms, "
            f"p95 {percentile(latencies, 95):.0f} ms ({len(latencies)} messages)")


TRANSLATED_TURNS = {
    "English": FIXTURE_PHRASES["en"],
    "Arabic (pivot via English)": FIXTURE_PHRASES["ar"],
}


def rest_latency() -> None:
    """Measures reply latency over REST (German and translated) and peak memory."""
    texts = [text for text, _ in gold_examples("tests/nlu")]
    packs = {"LANGUAGE_PACKS_DIR": str(install_fixture_packs(BENCH_PACKS))}
    with running_stack(rasa_port=5205, actions_port=5255, extra_env=packs) as stack:
        url = stack["url"]
        send(url, "warmup", "hallo")
        german = timed_replies(url, "de", texts, MESSAGES_PER_RUN)
        print("REST reply latency, German:", summary(german))
        for name, turns in TRANSLATED_TURNS.items():
            latencies = timed_replies(url, name[:2], turns, 100)
            print(f"REST reply latency, {name}:", summary(latencies))
        memory = peak_rss_mb(stack["rasa"].pid)
    print(f"Rasa server peak memory: {memory:.0f} MB")




def knowledge() -> None:
    """Runs the held-out knowledge evaluation (own stack) and times the retrieval alone."""
    output = subprocess.run(
        [str(BIN / "python"), "tools/evaluate_knowledge.py"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    ).stdout
    for line in output.splitlines():
        if line.startswith(("Held-out knowledge", "answered with", "unanswerable",
                            "invented", "reply latency,")):
            print(line)
    script = (
        "import time, json\n"
        "from bot.knowledge.retrieval import default_index\n"
        "from tools.evaluate_knowledge import load_questions\n"
        "index = default_index(); questions = [q.text for q in load_questions()]\n"
        "index.search('warm up'); times = []\n"
        "for question in questions * 5:\n"
        "    s = time.perf_counter(); index.search(question)\n"
        "    times.append((time.perf_counter() - s) * 1000)\n"
        "times.sort(); print(json.dumps([len(index.sentences), sum(times) / len(times),\n"
        "    times[int(len(times) * 0.95)]]))\n"
    )
    result = subprocess.run([str(BIN / "python"), "-c", script], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, check=True)
    sentences, mean, p95 = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"Retrieval over {sentences} content sentences: mean {mean:.2f} ms, "
          f"p95 {p95:.2f} ms per question")


def translation_latency() -> None:
    """Times one reply translation (de→en, de→ar) cold, then cached, in a fresh process."""
    script = (
        "import time, json\n"
        "from bot.translation.translator import default_translator\n"
        "t = default_translator()\n"
        "text = 'Hallo! Ich bin ein Chatbot und beantworte Fragen zur Integration in "
        "Baden-Württemberg.'\n"
        "out = {}\n"
        "for target in ('en', 'ar'):\n"
        "    s = time.perf_counter(); t.translate(text, 'de', target)\n"
        "    out[target + ' cold'] = (time.perf_counter() - s) * 1000\n"
        "    s = time.perf_counter()\n"
        "    for _ in range(1000): t.translate(text, 'de', target)\n"
        "    out[target + ' cached'] = (time.perf_counter() - s)\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "LANGUAGE_PACKS_DIR": str(install_fixture_packs(BENCH_PACKS))}
    result = subprocess.run([str(BIN / "python"), "-c", script], cwd=PROJECT_ROOT, env=env,
                            capture_output=True, text=True, check=True)
    times = json.loads(result.stdout.strip().splitlines()[-1])
    for target in ("en", "ar"):
        print(f"Translation of a 2-sentence reply de→{target} (fixture packs): "
              f"cold {times[target + ' cold']:.0f} ms (model load included), "
              f"cached {times[target + ' cached']:.3f} ms")


def realistic_translation() -> None:
    """Runs the realistic translation benchmark (size-realistic packs, all languages)."""
    subprocess.run([str(BIN / "python"), "tools/bench_translation.py"], cwd=PROJECT_ROOT,
                   check=True)


def language_detection() -> None:
    """Runs the language-detection benchmark (ours against plain langdetect)."""
    subprocess.run([str(BIN / "python"), "tools/bench_language.py"], cwd=PROJECT_ROOT,
                   check=True)


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
    language_detection()
    translation_latency()
    rest_latency()
    knowledge()
    realistic_translation()
    if os.environ.get("BENCH_SKIP_TRAINING") != "1":
        cold_training()
