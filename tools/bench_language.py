"""Compare bot.language.detect.detect_language with plain langdetect on short messages.

Prints, per language, the accuracy of our detector and of plain langdetect
(`langdetect.detect`, seeded, over all its 55 languages) side by side, the
overall accuracy, and the mean and p95 latency per message of both. The first
call of each (loading the profiles) is timed apart.

Usage:
    .venv/bin/python tools/bench_language.py [FILE.tsv]

FILE.tsv has lang<TAB>text lines; by default tests/data/short_messages.tsv and the
harder tests/data/language_hard.tsv.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import langdetect
from langdetect.lang_detect_exception import LangDetectException

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.language.detect import UNDETERMINED, detect_language  # noqa: E402

DEFAULT_FILES = [
    ROOT / "tests" / "data" / "short_messages.tsv",
    ROOT / "tests" / "data" / "language_hard.tsv",
]


def load_messages(path: Path) -> list[tuple[str, str]]:
    """Read a lang<TAB>text file, skipping a header, blank and comment lines.

    Args:
        path: The file.

    Returns:
        (language, message) pairs.

    """
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        lang, text = line.split("\t", 1)
        if (lang, text) != ("lang", "text"):
            rows.append((lang.strip(), text))
    return rows


def plain_langdetect(text: str) -> str:
    """Detect with plain, seeded langdetect; "und" when it finds no features."""
    try:
        return langdetect.detect(text)
    except LangDetectException:
        return UNDETERMINED


def run(
    detect: Callable[[str], str], rows: list[tuple[str, str]]
) -> tuple[list[str], list[float], float]:
    """Run a detector over the messages, timing each call.

    Args:
        detect: The detector.
        rows: (language, message) pairs.

    Returns:
        The answers, the latency of each call in ms, and the first call's
        latency in ms (profile loading), which is not among the others.

    """
    start = time.perf_counter()
    detect("warm up")
    first = (time.perf_counter() - start) * 1000
    answers, latencies = [], []
    for _, text in rows:
        start = time.perf_counter()
        answers.append(detect(text))
        latencies.append((time.perf_counter() - start) * 1000)
    return answers, latencies, first


def p95(values: list[float]) -> float:
    """Return the 95th percentile."""
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    """Print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT_FILES)
    parser.add_argument("--misses", action="store_true", help="list our wrong answers")
    args = parser.parse_args()
    for path in args.files:
        report(path.resolve(), args.misses)


def report(path: Path, show_misses: bool) -> None:
    """Prints the comparison for one file."""
    rows = load_messages(path)
    if not rows:
        sys.exit(f"no messages in {path}")

    langdetect.DetectorFactory.seed = 0
    ours, ours_ms, ours_first = run(detect_language, rows)
    plain, plain_ms, plain_first = run(plain_langdetect, rows)

    total = Counter(lang for lang, _ in rows)
    ours_ok = Counter(lang for (lang, _), got in zip(rows, ours, strict=True) if got == lang)
    plain_ok = Counter(lang for (lang, _), got in zip(rows, plain, strict=True) if got == lang)
    try:
        shown = path.relative_to(ROOT)
    except ValueError:
        shown = path
    print(f"{shown}: {len(rows)} messages\n")
    print(f"{'lang':<6}{'n':>5}{'ours':>10}{'langdetect':>12}")
    for lang in sorted(total, key=lambda code: (-total[code], code)):
        n = total[lang]
        print(f"{lang:<6}{n:>5}{ours_ok[lang] / n:>10.3f}{plain_ok[lang] / n:>12.3f}")
    n = len(rows)
    print(f"{'all':<6}{n:>5}{sum(ours_ok.values()) / n:>10.3f}{sum(plain_ok.values()) / n:>12.3f}")
    print()
    print(f"{'latency per message (ms)':<26}{'ours':>10}{'langdetect':>12}")
    print(f"{'mean':<26}{statistics.fmean(ours_ms):>10.3f}{statistics.fmean(plain_ms):>12.3f}")
    print(f"{'p95':<26}{p95(ours_ms):>10.3f}{p95(plain_ms):>12.3f}")
    print(f"{'first call (profiles)':<26}{ours_first:>10.1f}{plain_first:>12.1f}")
    if show_misses:
        print("\nour misses (expected, answered, message):")
        for (lang, text), got in zip(rows, ours, strict=True):
            if got != lang:
                print(f"  {lang}\t{got}\t{text}")


if __name__ == "__main__":
    main()
