"""Load test of the assistant over its REST channel (`make loadtest`).

Starts its own stack on loopback (tools/stack.py: action server + `rasa run` with the
REST channel bot.channels.rest.SafeRestInput only, a fresh SQLite tracker store and the
fixture language packs de↔en, ar↔en), runs the scenarios, prints a report and stops
everything. Bounded in count (at most 500 conversations, 500 turns) and in time
(`--time-limit`, default 20 min): a scenario that runs out of time is stopped and
reported as such.

Scenarios:

* realistic:  50 concurrent conversations × 20 turns, think time uniform 2.5–7.5 s
  between a user's turns (seeded RNG), starts spread over the first think time;
* saturation: the same conversations without think time;
* long:       three German conversations of 100 turns, one after another, each repeating
  the same cycle of five messages (so that turn 5 and turn 100 send the same message):
  per turn the median of the three; turn 5 against turn 100, the first ten turns
  against the last ten, and the slope of latency over conversation length.

Conversations are German (messages from tests/nlu/test_nlu.yml), English or Arabic
(phrases the fixture packs know), three in five German. Each scenario reports
throughput (answered turns per second of wall time, and bot messages per second),
latency p50/p95/p99/max, errors (non-200 status, timeout, connection error, no
message, or the channel's error/timeout note) and the Rasa server's CPU time per turn.

Numbers are printed (and written as JSON with `--json`, with the five slowest turns of
each scenario), never asserted. `--instances N` starts N Rasa servers (each with its
action server) and pins every conversation to one of them, as a load balancer with
sticky sessions would; `--endpoints` picks their endpoints file (e.g.
endpoints.scale-out.yml with PostgreSQL and Redis); the server CPU is then summed.

    .venv/bin/python tools/loadtest.py                      # all scenarios
    .venv/bin/python tools/loadtest.py --scenario long --turns 100
    .venv/bin/python tools/loadtest.py --scenario saturation --conversations 20 --turns 10
    .venv/bin/python tools/loadtest.py --scenario saturation --instances 2
    .venv/bin/python tools/loadtest.py --scenario realistic --realistic-packs
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.stack import (  # noqa: E402
    FIXTURE_PHRASES,
    PROJECT_ROOT,
    install_fixture_packs,
    percentile,
    rest_credentials,
    running_stack,
)

SCENARIOS = ("realistic", "saturation", "long")
MAX_CONVERSATIONS = 500
MAX_TURNS = 500
REQUEST_TIMEOUT = 30.0
THINK_TIME = (2.5, 7.5)
LONG_CYCLE = 5
"""A long conversation repeats this many German messages, so that turn 5 and turn 100
(and the first and last ten turns) send the same messages."""
SEED = 20181
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

ENTITY_MARKUP = re.compile(r"\[([^\]]*)\]\{[^}]*\}")
LANGUAGE_MIX = ["de", "de", "de", "en", "ar"]
"""Conversation i speaks LANGUAGE_MIX[i % 5]."""


def german_messages(path: Path = PROJECT_ROOT / "tests" / "nlu" / "test_nlu.yml") -> List[str]:
    """Returns the held-out German test messages (without importing Rasa).

    Entity markup (`[Englisch]{...}`) is reduced to its text. Messages that choose a
    reply language are left out: they would turn a German conversation into a
    translated one.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = []
    for item in data.get("nlu", []):
        if item.get("intent") == "choose_language":
            continue
        for line in str(item.get("examples", "")).splitlines():
            line = ENTITY_MARKUP.sub(r"\1", line.strip())
            if line.startswith("- ") and line[2:].strip():
                texts.append(line[2:].strip())
    return texts


@dataclass
class Turn:
    """One request: when, how long, what came back."""

    conversation: int
    turn: int
    language: str
    latency_ms: float
    ok: bool
    messages: int
    error: str = ""


@dataclass
class ScenarioResult:
    """What a scenario measured."""

    name: str
    conversations: int
    turns_per_conversation: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    stopped_by_time_limit: bool = False
    turns: List[Turn] = field(default_factory=list)

    def summary(self) -> Dict[str, object]:
        """Returns the figures of the scenario (latencies in ms)."""
        answered = [t for t in self.turns if t.ok]
        latencies = [t.latency_ms for t in answered]
        errors: Dict[str, int] = {}
        for t in self.turns:
            if not t.ok:
                errors[t.error] = errors.get(t.error, 0) + 1
        result: Dict[str, object] = {
            "scenario": self.name,
            "conversations": self.conversations,
            "turns_per_conversation": self.turns_per_conversation,
            "requests": len(self.turns),
            "errors": sum(errors.values()),
            "error_kinds": errors,
            "wall_s": round(self.wall_s, 1),
            "replies_per_s": round(len(answered) / self.wall_s, 2) if self.wall_s else 0.0,
            "bot_messages_per_s": round(sum(t.messages for t in answered) / self.wall_s, 2)
            if self.wall_s
            else 0.0,
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1) if latencies else float("nan"),
            "server_cpu_ms_per_turn": round(1000 * self.cpu_s / len(answered), 1)
            if answered
            else float("nan"),
            "stopped_by_time_limit": self.stopped_by_time_limit,
        }
        by_language = {}
        for language in sorted({t.language for t in answered}):
            values = [t.latency_ms for t in answered if t.language == language]
            by_language[language] = {
                "turns": len(values),
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
            }
        result["by_language"] = by_language
        result["slowest"] = [
            {"conversation": t.conversation, "turn": t.turn, "language": t.language,
             "latency_ms": round(t.latency_ms, 1)}
            for t in sorted(answered, key=lambda t: -t.latency_ms)[:5]
        ]
        if self.name == "long":
            result.update(long_figures(self.turns))
        return result


def long_figures(turns: List[Turn]) -> Dict[str, object]:
    """Latency against conversation length, from the long conversations.

    Per turn number, the median over the conversations; then turn 5 against the last
    turn, the first ten turns against the last ten, and the least-squares slope.
    """
    by_number: Dict[int, List[float]] = {}
    for t in turns:
        if t.ok:
            by_number.setdefault(t.turn, []).append(t.latency_ms)
    if not by_number:
        return {}
    by_turn = {number: statistics.median(values) for number, values in by_number.items()}
    numbers = sorted(by_turn)
    last = numbers[-1]
    first_ten = [by_turn[i] for i in numbers[:10]]
    last_ten = [by_turn[i] for i in numbers[-10:]]
    figures: Dict[str, object] = {
        "last_turn": last,
        "turn_5_ms": round(by_turn.get(5, float("nan")), 1),
        f"turn_{last}_ms": round(by_turn[last], 1),
        "first_10_median_ms": round(statistics.median(first_ten), 1),
        "last_10_median_ms": round(statistics.median(last_ten), 1),
    }
    figures[f"turn_{last}_over_turn_5"] = (
        round(by_turn[last] / by_turn[5], 2) if 5 in by_turn else None
    )
    figures["last_10_over_first_10"] = round(
        figures["last_10_median_ms"] / figures["first_10_median_ms"], 2
    )
    figures["median_ms_by_turn"] = [round(by_turn[i], 1) for i in numbers]
    if len(numbers) > 1:
        mean_x = statistics.fmean(numbers)
        mean_y = statistics.fmean(by_turn[i] for i in numbers)
        slope = sum((i - mean_x) * (by_turn[i] - mean_y) for i in numbers) / sum(
            (i - mean_x) ** 2 for i in numbers
        )
        figures["slope_ms_per_100_turns"] = round(100 * slope, 1)
    return figures


def process_cpu_seconds(pids: List[int]) -> float:
    """Returns user + system CPU time of processes (and their children) so far.

    NaN when there are no processes to measure (a server started elsewhere).
    """
    if not pids:
        return float("nan")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        total += sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return total


class Conversation:
    """One simulated user: a language, a sender id and a seeded choice of messages."""

    def __init__(
        self, index: int, run_id: str, rng: random.Random, german: List[str],
        languages: List[str] = LANGUAGE_MIX,
    ) -> None:
        """Creates the user, speaking languages[index % len(languages)]."""
        self.index = index
        self.language = languages[index % len(languages)]
        self.sender = f"load-{run_id}-{index}"
        self.pool = german if self.language == "de" else FIXTURE_PHRASES[self.language]
        self.rng = random.Random(rng.random())
        self.cycle: List[str] = []

    def message(self) -> str:
        """Returns the user's next message: the next of its cycle, or a random one."""
        if self.cycle:
            self.cycle.append(self.cycle.pop(0))
            return self.cycle[-1]
        return self.rng.choice(self.pool)


async def send(session, url: str, sender: str, text: str) -> Turn:
    """Posts one message and measures it; never raises."""
    import aiohttp

    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            latency = (time.perf_counter() - started) * 1000
            if response.status != 200:
                return Turn(0, 0, "", latency, False, 0, f"status {response.status}")
            messages = json.loads(body)
    except asyncio.TimeoutError:
        return Turn(0, 0, "", (time.perf_counter() - started) * 1000, False, 0, "timeout")
    except (aiohttp.ClientError, ValueError, OSError) as error:
        return Turn(
            0, 0, "", (time.perf_counter() - started) * 1000, False, 0, type(error).__name__
        )
    if not isinstance(messages, list) or not messages:
        return Turn(0, 0, "", latency, False, 0, "no message")
    notices = {m.get("notice") for m in messages if isinstance(m, dict)}
    if notices & {"error", "timeout"}:
        return Turn(0, 0, "", latency, False, len(messages), "assistant failed")
    return Turn(0, 0, "", latency, True, len(messages))


async def run_conversation(
    session, url: str, conversation: Conversation, turns: int, think: bool,
    result: ScenarioResult,
) -> None:
    """Runs one conversation's turns, appending each to the result."""
    rng = conversation.rng
    if think:  # users do not all start in the same second
        await asyncio.sleep(rng.uniform(0, THINK_TIME[1]))
    for number in range(1, turns + 1):
        turn = await send(session, url, conversation.sender, conversation.message())
        turn.conversation, turn.turn, turn.language = (
            conversation.index, number, conversation.language
        )
        result.turns.append(turn)
        if think and number < turns:
            await asyncio.sleep(rng.uniform(*THINK_TIME))


async def run_scenario(
    name: str, urls: List[str], pids: List[int], conversations: int, turns: int,
    deadline: float, german: List[str],
) -> ScenarioResult:
    """Runs one scenario until it is done or the deadline has passed.

    Conversation i goes to server i % len(urls), always the same one (sticky); the long
    conversations are German, the others follow LANGUAGE_MIX.
    """
    import aiohttp

    result = ScenarioResult(name, conversations, turns)
    rng = random.Random(f"{SEED}-{name}")
    run_id = f"{name}-{int(time.time())}"
    languages = ["de"] if name == "long" else LANGUAGE_MIX
    users = [Conversation(i, run_id, rng, german, languages) for i in range(conversations)]
    if name == "long":  # same messages at turn 5 and 100: only the length differs
        cycle = random.Random(f"{SEED}-cycle").sample(users[0].pool, LONG_CYCLE)
        for user in users:
            user.cycle = list(cycle)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=max(conversations, 1))
    cpu_before = process_cpu_seconds(pids)
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        def conversation(user: Conversation):
            return run_conversation(
                session, urls[user.index % len(urls)], user, turns, name == "realistic",
                result,
            )

        if name == "long":  # one conversation after another
            async def one_after_another() -> None:
                for user in users:
                    await conversation(user)

            tasks = [asyncio.ensure_future(one_after_another())]
        else:
            tasks = [asyncio.ensure_future(conversation(user)) for user in users]
        remaining = deadline - time.monotonic()
        done, pending = await asyncio.wait(tasks, timeout=max(remaining, 0))
        if pending:
            result.stopped_by_time_limit = True
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if task.exception() is not None:
                raise task.exception()
    result.wall_s = time.perf_counter() - started
    result.cpu_s = process_cpu_seconds(pids) - cpu_before
    return result


async def warm_up(urls: List[str], german: List[str]) -> None:
    """One turn per language and server, so that models and caches are loaded."""
    import aiohttp

    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=120)
    ) as session:
        for server, url in enumerate(urls):
            for index, text in enumerate(
                [german[0], FIXTURE_PHRASES["en"][1], FIXTURE_PHRASES["ar"][1], german[1]]
            ):
                await send(session, url, f"warmup-{server}-{index}", text)


def print_report(summaries: List[Dict[str, object]]) -> None:
    """Prints one block per scenario."""
    for s in summaries:
        print(
            f"\n== {s['scenario']}: {s['conversations']} conversation(s) × "
            f"{s['turns_per_conversation']} turns"
            + ("  [STOPPED BY TIME LIMIT]" if s["stopped_by_time_limit"] else "")
        )
        print(
            f"   throughput {s['replies_per_s']} replies/s ({s['bot_messages_per_s']} bot "
            f"messages/s), {s['requests']} requests in {s['wall_s']} s"
        )
        print(
            f"   latency p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms, "
            f"max {s['max_ms']} ms"
        )
        print(f"   errors {s['errors']} {s['error_kinds'] or ''}")
        print(f"   Rasa server CPU per turn {s['server_cpu_ms_per_turn']} ms")
        for language, figures in s["by_language"].items():
            print(
                f"   {language}: {figures['turns']} turns, p50 {figures['p50_ms']} ms, "
                f"p95 {figures['p95_ms']} ms"
            )
        if s["scenario"] == "long" and "last_turn" in s:
            last = s["last_turn"]
            print(
                f"   turn 5 {s['turn_5_ms']} ms, turn {last} {s[f'turn_{last}_ms']} ms "
                f"(ratio {s[f'turn_{last}_over_turn_5']}); "
                f"median of first 10 turns {s['first_10_median_ms']} ms, "
                f"of last 10 {s['last_10_median_ms']} ms "
                f"(ratio {s['last_10_over_first_10']}); "
                f"slope {s.get('slope_ms_per_100_turns')} ms per 100 turns"
            )


async def run_all(
    args: argparse.Namespace, urls: List[str], pids: List[int]
) -> List[Dict[str, object]]:
    """Runs the chosen scenarios in order and returns their summaries."""
    german = german_messages()
    deadline = time.monotonic() + args.time_limit
    await warm_up(urls, german)
    names = SCENARIOS if args.scenario == "all" else (args.scenario,)
    summaries = []
    for name in names:
        if time.monotonic() >= deadline:
            print(f"Time limit reached; {name} not run.")
            continue
        if name == "long":
            conversations, turns = args.long_repeats, args.long_turns
        else:
            conversations, turns = args.conversations, args.turns
        print(f"Running {name} ({conversations} × {turns}) ...", flush=True)
        result = await run_scenario(name, urls, pids, conversations, turns, deadline, german)
        summaries.append(result.summary())
        print_report(summaries[-1:])
    return summaries


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Reads the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("all",) + SCENARIOS, default="all")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--turns", type=int, default=20, help="turns per conversation")
    parser.add_argument("--long-turns", type=int, default=100, help="turns of `long`")
    parser.add_argument(
        "--long-repeats", type=int, default=3,
        help="long conversations, one after another (figures per turn are their medians)",
    )
    parser.add_argument(
        "--time-limit", type=float, default=1200, help="seconds for all scenarios together"
    )
    parser.add_argument("--rasa-port", type=int, default=5605)
    parser.add_argument("--actions-port", type=int, default=5655)
    parser.add_argument(
        "--url", help="use a running server on loopback instead of starting one "
        "(e.g. http://127.0.0.1:5005); server CPU is then not measured"
    )
    parser.add_argument(
        "--instances", type=int, default=1,
        help="Rasa servers to start (1-4); each conversation stays on one of them",
    )
    parser.add_argument(
        "--endpoints", default="endpoints.yml",
        help="endpoints file of the servers (e.g. endpoints.scale-out.yml)",
    )
    parser.add_argument(
        "--realistic-packs", action="store_true",
        help="size-realistic language packs (random weights, tools/fixture_packs/"
        "realistic.py) instead of the tiny fixture packs; answers from a memory",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    for name in ("conversations", "turns", "long_turns", "long_repeats"):
        value = getattr(args, name)
        limit = MAX_TURNS if "turns" in name else MAX_CONVERSATIONS
        if not 1 <= value <= limit:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and {limit}")
    if not 1 <= args.instances <= 4:
        parser.error("--instances must be between 1 and 4")
    if not 1 <= args.time_limit <= 3600:
        parser.error("--time-limit must be between 1 and 3600 seconds")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        parser.error("--url must point to loopback (127.0.0.1, localhost, ::1)")
    return args


def main(argv: Optional[List[str]] = None) -> int:
    """Starts the stack, runs the scenarios, prints and optionally writes the report."""
    args = parse_args(argv)
    if args.url:
        url = args.url.rstrip("/") + "/webhooks/rest/webhook"
        summaries = asyncio.run(run_all(args, [url], pids=[]))
    else:
        folder = Path(tempfile.mkdtemp(prefix="loadtest-"))
        env = {
            "TRACKER_DB": str(folder / "conversations.db"),
            "RETENTION_DAYS": "0",
            # one simulated user sends faster than a person (long: 100 turns at once);
            # the load test measures the server, not the per-client rate limit
            "RATE_LIMIT_BURST": "0",
        }
        if args.realistic_packs:
            from tools.bench_translation import prepare

            env.update(prepare(sorted(set(LANGUAGE_MIX) - {"de"}), folder))
        else:
            packs = PROJECT_ROOT / "var" / "loadtest-language-packs"
            env["LANGUAGE_PACKS_DIR"] = str(install_fixture_packs(packs))
        credentials = rest_credentials(folder)
        with contextlib.ExitStack() as servers:
            stacks = []
            for i in range(args.instances):
                print(
                    f"Starting assistant {i + 1}/{args.instances} on "
                    f"127.0.0.1:{args.rasa_port + i} (logs in {folder}) ...", flush=True
                )
                stacks.append(servers.enter_context(running_stack(
                    rasa_port=args.rasa_port + i, actions_port=args.actions_port + i,
                    extra_env=env, log_dir=folder, credentials=credentials,
                    endpoints=args.endpoints,
                )))
            urls = [f"{stack['url']}/webhooks/rest/webhook" for stack in stacks]
            pids = [stack["rasa"].pid for stack in stacks]
            summaries = asyncio.run(run_all(args, urls, pids))
    print("\nSummary")
    print_report(summaries)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summaries, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
