"""Realistic translation cost and memory (`make bench`, and `loadtest.py --realistic-packs`).

Runs the assistant over REST with size-realistic language packs
(tools/fixture_packs/realistic.py: the architecture and sizes of current Argos packs,
random weights, int8) for every configured language, and prints

* the translated-turn latency p50/p95 end to end over REST, per language and overall:
  the user's message is translated live (through English, as Argos does; the cache of
  translations is off, so that no message is served from it), the answers
  come from the translation memory. The random models do not stop by themselves, so
  decoding is capped at the reference length: `TRANSLATION_MAX_LENGTH_RATIO` is set to
  the mean ratio of reference to source length in the fixture phrase pairs, measured in
  the packs' own SentencePiece pieces;
* German turns on the same server, for comparison;
* the resident memory of the Rasa server with the packs it used, with all configured
  packs used (replies translated live too; `TRANSLATION_MAX_LOADED_PACKS` bounds how
  many are in memory at once), and after the packs were idle for longer than
  `TRANSLATION_IDLE_UNLOAD` (unloaded).

The memory of answers is filled with stand-ins (the German texts) for the bench:
serving an answer from memory is a look-up whose cost does not depend on the text;
translating ~150 answers into seven languages with random models would only take time.

    .venv/bin/python tools/bench_translation.py
"""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import settings  # noqa: E402
from tools.fixture_packs import realistic  # noqa: E402
from tools.stack import (  # noqa: E402
    FIXTURE_PHRASES,
    PROJECT_ROOT,
    percentile,
    rest_credentials,
    running_stack,
    send,
)

PACKS = PROJECT_ROOT / "var" / "realistic-packs"
IDLE_UNLOAD_SECONDS = 60
"""Longer than all timed turns take, so that no pack is unloaded while they are timed
(a reload is the first-turn figure, about 1 s); the end of the bench waits this long to
show the unloading."""
TURNS_PER_LANGUAGE = 24

MESSAGES: Dict[str, List[str]] = {
    **FIXTURE_PHRASES,
    "fa": ["سلام", "کلاس زبان را کجا پیدا کنم؟", "ممنون", "مدیر ادغام چه کار میکند؟"],
    "tr": ["Merhaba", "Dil kursunu nerede bulabilirim?", "Teşekkürler",
           "Entegrasyon müdürü ne yapar?"],
    "uk": ["Привіт", "Де я можу знайти мовний курс?", "Дякую", "Що робить менеджер з інтеграції?"],
    "ru": ["Привет", "Где я могу найти языковой курс?", "Спасибо",
           "Что делает менеджер по интеграции?"],
    "fr": ["Bonjour", "Où puis-je trouver un cours de langue ?", "Merci",
           "Que fait un responsable de l'intégration ?"],
}
"""User messages per language: questions and small talk users send."""

GERMAN = ["Hallo", "Wo finde ich einen Sprachkurs?", "Danke", "Was macht ein Integrationsmanager?"]


def configured_user_languages() -> List[str]:
    """Returns BOT_LANGUAGES (the languages users may write)."""
    values = settings.effective({})
    return [code.strip() for code in values["BOT_LANGUAGES"].split(",") if code.strip()]


def length_ratio(root: Path) -> float:
    """Mean ratio of reference to source length (pieces) over the fixture phrase pairs.

    Each pair is measured with its own packs' SentencePiece model.
    """
    import sentencepiece as spm

    ratios = []
    for path in sorted(realistic.PHRASES_DIR.glob("*_en.tsv")):
        pair = path.stem
        processor = spm.SentencePieceProcessor(
            model_file=str(realistic.sentencepiece_model(root, pair))
        )
        for line in path.read_text(encoding="utf-8").splitlines():
            if "\t" not in line or line.startswith("#"):
                continue
            source, english = (len(processor.encode(t.strip())) for t in line.split("\t"))
            if source and english:
                ratios += [english / source, source / english]
    return statistics.fmean(ratios)


def prepare(languages: List[str], folder: Path) -> Dict[str, str]:
    """Builds the packs and the stand-in memory; returns the server's environment.

    Args:
        languages: The user languages (packs to and from German through English).
        folder: Where the stand-in memory goes.
    """
    from bot.rendering.reply_translation import texts_to_translate
    from bot.translation.memory import Entry, write_entries
    from bot.translation.packs import wanted_pairs

    pairs = [f"{a}_{b}" for a, b in wanted_pairs(languages, "de")]
    realistic.build(PACKS, pairs)
    memory = folder / "translations"
    texts = texts_to_translate()
    for language in languages:
        entries = {key: Entry(text, text) for key, text in texts.items()}
        write_entries(memory / f"{language}.yml", language, entries, "# bench stand-ins\n")
    ratio = length_ratio(PACKS)
    return {
        "LANGUAGE_PACKS_DIR": str(PACKS),
        "TRANSLATION_MEMORY_DIR": str(memory),
        "TRANSLATION_MAX_LENGTH_RATIO": f"{ratio:.3f}",
        # Every user message translated live, as a new message would be (no cache hits).
        "TRANSLATION_CACHE_SIZE": "0",
    }


def pieces_per_word(language: str, texts: List[str]) -> float:
    """Returns how finely the language's packs split its messages (pieces per word).

    A real pack's 50,000-piece model has about 1.1 to 1.6 pieces per word; a finer
    split makes a turn cost more than with a real pack.
    """
    pair = f"{language}_en" if language != "en" else "de_en"
    return realistic.pieces_per_word(realistic.sentencepiece_model(PACKS, pair), texts)


def rss_mb(pid: int) -> Tuple[float, float]:
    """Returns a process's current and peak resident memory in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            values[line.split(":")[0]] = int(line.split()[1]) / 1024
    return values.get("VmRSS", math.nan), values.get("VmHWM", math.nan)


def timed_turns(url: str, sender: str, texts: List[str], count: int) -> List[float]:
    """Sends `count` messages of one user (cycling through texts); latencies in ms."""
    latencies = []
    for i in range(count):
        started = time.perf_counter()
        send(url, f"{sender}-{i // 4}", texts[i % len(texts)])
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def line(name: str, values: List[float]) -> str:
    """Formats p50/p95 of latencies."""
    return (f"{name}: p50 {statistics.median(values):.0f} ms, p95 {percentile(values, 95):.0f} ms "
            f"({len(values)} turns)")


def main() -> int:
    """Runs the benchmark and prints its figures."""
    languages = configured_user_languages()
    folder = Path(tempfile.mkdtemp(prefix="bench-translation-"))
    env = prepare(languages, folder)
    env["TRACKER_DB"] = str(folder / "conversations.db")
    env["RETENTION_DAYS"] = "0"
    env["TRANSLATION_IDLE_UNLOAD"] = str(IDLE_UNLOAD_SECONDS)  # to show the unloading
    print(f"Size-realistic packs: {realistic.ARCHITECTURE}; {len(languages)} user languages; "
          f"decoding capped at {float(env['TRANSLATION_MAX_LENGTH_RATIO']):.2f} × source "
          f"pieces + 2 (the phrase pairs' reference length)")
    values = settings.effective()
    print("Translation of user messages: " + ", ".join(
        f"{name} {values[name]}" for name in
        ("TRANSLATION_THREADS", "TRANSLATION_INTRA_THREADS", "TRANSLATION_BEAM_SIZE")))
    print("SentencePiece pieces per word of the bench messages (a real pack: about 1.1–1.6): "
          + ", ".join(f"{code} {pieces_per_word(code, texts):.2f}" for code, texts
                      in [("de", GERMAN), *((code, MESSAGES[code]) for code in languages)]))
    with running_stack(rasa_port=5305, actions_port=5355, extra_env=env, log_dir=folder,
                       credentials=rest_credentials(folder)) as stack:
        url, pid = stack["url"], stack["rasa"].pid
        for language in languages:  # first use: the packs load
            started = time.perf_counter()
            send(url, f"warm-{language}", MESSAGES[language][1])
            seconds = time.perf_counter() - started
            print(f"first {language} turn (its packs load): {seconds * 1000:.0f} ms")
        timed_turns(url, "warm-de", GERMAN, 4)
        print(line("German turns", timed_turns(url, "de", GERMAN, 40)))
        everything = []
        for language in languages:
            latencies = timed_turns(url, language, MESSAGES[language], TURNS_PER_LANGUAGE)
            everything += latencies
            print(line(f"translated turns, {language}", latencies)
                  + f", {pieces_per_word(language, MESSAGES[language]):.2f} pieces per word")
        print(line("translated turns, all languages", everything))
        used, _ = rss_mb(pid)
        print(f"Rasa server memory with the packs of the user messages loaded: {used:.0f} MB")
        for path in Path(env["TRANSLATION_MEMORY_DIR"]).glob("*.yml"):
            path.unlink()  # replies now translated live: every pack loads
        time.sleep(11)  # the server notices memory files changes within 10 s
        for language in languages:
            send(url, f"all-{language}", MESSAGES[language][0])
        loaded, peak = rss_mb(pid)
        print(f"Rasa server memory with all {2 * len(languages)} packs used (replies "
              f"translated live too; at most TRANSLATION_MAX_LOADED_PACKS="
              f"{values['TRANSLATION_MAX_LOADED_PACKS']} in memory): {loaded:.0f} MB "
              f"(peak {peak:.0f} MB)")
        time.sleep(IDLE_UNLOAD_SECONDS * 1.5 + 2)
        idle, _ = rss_mb(pid)
        print(f"Rasa server memory after {IDLE_UNLOAD_SECONDS * 1.5 + 2:.0f} s idle "
              f"(TRANSLATION_IDLE_UNLOAD={IDLE_UNLOAD_SECONDS}): {idle:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
