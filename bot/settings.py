"""The assistant's settings: one table, each with its environment variable and default.

`python -m bot.settings` prints the table as Markdown (the README's settings section);
`python -m bot.settings --export` prints shell `export` lines with the effective values,
which tools/serve.sh uses, so that scripts share these defaults.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional


@dataclass(frozen=True)
class Setting:
    """One setting.

    Attributes:
        name: The environment variable.
        default: The value used when the variable is not set; `{NAME}` stands for
            the effective value of an earlier setting.
        help: What it does.
    """

    name: str
    default: str
    help: str

    def value(
        self, earlier: Optional[Mapping[str, str]] = None, env: Optional[Mapping[str, str]] = None
    ) -> str:
        """Returns the effective value: the environment's, else the filled-in default.

        Args:
            earlier: Effective values of the settings above this one.
            env: The environment (the process's when not given).
        """
        value = (os.environ if env is None else env).get(self.name)
        return value or self.default.format_map(earlier or {})


SETTINGS: List[Setting] = [
    Setting("RASA_HOST", "127.0.0.1", "Interface the Rasa server listens on."),
    Setting("RASA_PORT", "5005", "Port of the Rasa server (web chat, REST channel)."),
    Setting("ACTIONS_HOST", "127.0.0.1", "Interface the action server listens on."),
    Setting("ACTIONS_PORT", "5055", "Port of the action server."),
    Setting(
        "ACTION_SERVER_URL",
        "http://127.0.0.1:{ACTIONS_PORT}/webhook",
        "Where Rasa calls the action server (`endpoints.yml`).",
    ),
    Setting(
        "RASA_ENABLE_API",
        "0",
        "1 turns on Rasa's HTTP API (off by default); it then requires `RASA_API_TOKEN`.",
    ),
    Setting("RASA_API_TOKEN", "", "Token the HTTP API requires (keep it in `.env`)."),
    Setting(
        "CORS_ORIGINS",
        "",
        "Space-separated origins allowed to call the server from other sites (none by "
        "default; the web chat is served from the same origin).",
    ),
    Setting("BOT_LANGUAGE", "de", "The language the assistant is trained in and thinks in."),
    Setting(
        "BOT_LANGUAGES",
        "en,ar,fa,tr,uk,ru,fr",
        "User languages whose packs `make models` installs and detection considers.",
    ),
    Setting(
        "LANGUAGE_PACKS_DIR",
        "argos-packages",
        "Folder for Argos language packs and their sentence splitters (relative paths "
        "are inside the project).",
    ),
    Setting(
        "DEPLOYMENT",
        "single",
        "`single`: one server, conversations in SQLite (`endpoints.yml`); `scale-out`: "
        "several servers share PostgreSQL and a Redis lock store (`endpoints.scale-out.yml`).",
    ),
    Setting("TRACKER_DB", "var/conversations.db", "SQLite file of the conversations (single)."),
    Setting(
        "TRACKER_CACHE_EVENTS",
        "20000",
        "Events of recent conversations each server keeps in memory (about 5 KB each), so "
        "that a turn reads only its new events from the database; 0 turns the cache off.",
    ),
    Setting(
        "TICKET_LOCK_LIFETIME",
        "360",
        "Seconds a turn may hold its conversation's lock (Rasa reads this variable); "
        "longer than the 300 s Rasa waits for an action, so that two turns of one "
        "conversation never run at once. A crashed server's lock is freed after it.",
    ),
    Setting(
        "RETENTION_DAYS",
        "30",
        "Conversations idle for longer are deleted (`make run` on start, `python -m "
        "bot.storage.retention`); 0 keeps everything.",
    ),
    Setting("POSTGRES_HOST", "127.0.0.1", "PostgreSQL host (scale-out)."),
    Setting("POSTGRES_PORT", "5432", "PostgreSQL port (scale-out)."),
    Setting("POSTGRES_DB", "integrationslotse", "PostgreSQL database (scale-out)."),
    Setting("POSTGRES_USER", "postgres", "PostgreSQL user (scale-out)."),
    Setting("POSTGRES_PASSWORD", "", "PostgreSQL password (scale-out; keep it in `.env`)."),
    Setting("REDIS_HOST", "127.0.0.1", "Redis host of the lock store (scale-out)."),
    Setting("REDIS_PORT", "6379", "Redis port (scale-out)."),
    Setting("REDIS_DB", "1", "Redis database number (scale-out)."),
    Setting(
        "TRANSLATION_CACHE_SIZE",
        "4096",
        "How many translated texts are kept in memory per process.",
    ),
    Setting(
        "TRANSLATION_THREADS",
        "2",
        "User messages translated at the same time (threads of the translation pool, and "
        "parallel translations per language model); about the number of cores.",
    ),
    Setting(
        "TRANSLATION_INTRA_THREADS",
        "1",
        "Cores one translation uses (CTranslate2's `intra_threads`). 2 makes a single "
        "translation faster on an idle machine; 1 translates the most messages per second "
        "when several arrive at once.",
    ),
    Setting(
        "TRANSLATION_IDLE_UNLOAD",
        "900",
        "A language model unused for this many seconds is unloaded from memory and loaded "
        "again on its next use (about 1 s); 0 keeps every model loaded.",
    ),
    Setting(
        "TRANSLATION_MAX_LOADED_PACKS",
        "8",
        "Most language models in memory at once (about 140 MB each); loading one more "
        "unloads the least recently used. 8 holds the user-message models of seven "
        "languages and keeps the server under 3 GB; 0 means no limit.",
    ),
    Setting(
        "TRANSLATION_MAX_LENGTH_RATIO",
        "2",
        "A translation stops after this many tokens per token of its source, so that a "
        "model that repeats itself cannot hold a turn up.",
    ),
    Setting(
        "TRANSLATION_BEAM_SIZE",
        "1",
        "Beam width of the translation of user messages for the German NLU (1: greedy, "
        "fastest); what users read is translated with Argos' beam of 4.",
    ),
    Setting(
        "TRANSLATION_MEMORY_DIR",
        "var/translations",
        "Machine translations of the answers, one YAML file per language (`make models` "
        "writes them); reviewed translations are committed in `translations/`.",
    ),
    Setting(
        "MAX_MESSAGE_CHARS",
        "2000",
        "Longest user message the REST channel and the web chat process (characters); "
        "longer ones are cut to this length and the reply says so.",
    ),
    Setting(
        "SESSION_SECRET",
        "",
        "Key that signs the web chat's session tokens. Empty: one is generated once into "
        "`var/session-secret` (mode 0600). Scale-out: give every server the same value "
        "(keep it in `.env`).",
    ),
    Setting(
        "RATE_LIMIT_BURST",
        "20",
        "Messages one client may send in a quick burst (web chat: per session and per "
        "connection; REST: per sender and address); more get a polite note. 0 turns the "
        "rate limit off.",
    ),
    Setting(
        "RATE_LIMIT_PER_MINUTE",
        "30",
        "Messages per minute one client may send on average after its burst.",
    ),
    Setting(
        "CONTACTS_FILE",
        "contacts.yml",
        "The host's local contacts, shown with the handoff to human counselling (relative "
        "paths are inside the project; see `contacts.example.yml`). Read and checked once "
        "at start; empty or missing: no contacts are shown.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "Number of reverse proxies in front of the Rasa server; the REST rate limit takes "
        "the client's address from their `X-Forwarded-For` entries (0: the header is "
        "ignored).",
    ),
]


BY_NAME: Dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def effective(env: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Returns the effective value of every setting, by environment variable name.

    Args:
        env: The environment (the process's when not given).
    """
    values: Dict[str, str] = {}
    for setting in SETTINGS:
        values[setting.name] = setting.value(values, env)
    return values


class _Lookup(dict):
    """Fills a default's `{NAME}` placeholders with those settings' values."""

    def __missing__(self, name: str) -> str:
        return get(name)


def get(name: str) -> str:
    """Returns the effective value of a setting.

    Reads the environment on every call (tests change it), but only the variables this
    setting needs: its own, and those its default refers to when it is not set.

    Raises:
        KeyError: for a name that is not in the table.
    """
    setting = BY_NAME[name]
    value = os.environ.get(name)
    if value:
        return value
    if "{" not in setting.default:
        return setting.default
    return setting.default.format_map(_Lookup())


def markdown_table() -> str:
    """Returns the settings as a Markdown table."""
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        rows.append(f"| `{setting.name}` | `{setting.default}` | {setting.help} |")
    return "\n".join(rows)


def export_lines() -> str:
    """Returns `export NAME=value` lines with the effective values."""
    return "\n".join(f"export {name}='{value}'" for name, value in effective().items())


if __name__ == "__main__":
    print(export_lines() if "--export" in sys.argv[1:] else markdown_table())
