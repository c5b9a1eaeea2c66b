"""`make report` on PostgreSQL: real conversations through a scale-out server, then the report.

The same conversations as the SQLite test (tests/report_conversations.py), with the
host's two contacts; the report is made with the scale-out settings, as on a server
(`DEPLOYMENT=scale-out`, `POSTGRES_*`), and opened in headless Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator

import pytest

from bot.report.figures import compute
from bot.report.page import SECTIONS
from bot.report.turns import read_turns
from bot.storage.retention import postgres_url
from tests.report_conversations import (
    DECLINED_ALIKE,
    DECLINED_QUESTION,
    TWO_CONTACTS,
    Sent,
    converse,
    free_port,
    open_in_chromium,
    write_report,
)
from tools.stack import PROJECT_ROOT, running_stack

SCREENSHOT = PROJECT_ROOT / "test-output" / "screenshots" / "report-postgres.png"


@pytest.fixture(scope="module")
def stack(postgres_database: str, fixture_packs: Path,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict]:
    from bot.translation import packs

    folder = tmp_path_factory.mktemp("report-postgres")
    contacts = folder / "contacts.yml"
    contacts.write_text(TWO_CONTACTS, encoding="utf-8")
    env = {"DEPLOYMENT": "scale-out", "POSTGRES_DB": postgres_database, "REDIS_DB": "4",
           "LANGUAGE_PACKS_DIR": str(packs.packs_root()), "CONTACTS_FILE": str(contacts),
           "RATE_LIMIT_BURST": "0"}
    with running_stack(free_port(), free_port(), extra_env=env, log_dir=folder / "log",
                       endpoints="endpoints.scale-out.yml") as running:
        running["env"] = env
        yield running


@pytest.fixture(scope="module")
def conversations(stack: Dict) -> Sent:
    return converse(str(stack["url"]))


def test_the_report_on_postgresql_shows_ratings_and_unanswered_questions(
    stack: Dict, conversations: Sent, tmp_path: Path
) -> None:
    [handoff] = [r for r in conversations.replies["residence"] if r.get("contacts")]
    assert [c["name"] for c in handoff["contacts"]] == ["Migrationsberatung Musterstadt"]

    figures = compute(read_turns(postgres_url(stack["env"]["POSTGRES_DB"]), days=30))
    assert figures.conversations == len(conversations.senders)
    assert sum(e.helpful for e in figures.feedback) == conversations.helpful
    assert sum(e.not_helpful for e in figures.feedback) == conversations.not_helpful
    assert any({DECLINED_QUESTION, DECLINED_ALIKE} <= {q for q, _ in g.questions}
               for g in figures.groups)

    page = write_report(tmp_path / "report", env=stack["env"])
    html = page.read_text(encoding="utf-8")
    assert all(sender not in html for sender in conversations.senders)
    assert "0151" not in html
    seen = open_in_chromium(page, SCREENSHOT)
    assert [section_id for section_id, _ in seen["sections"]] == [i for i, _ in SECTIONS]
    assert DECLINED_QUESTION in seen["texts"]["gaps"]
    assert "Wo finde ich einen Sprachkurs?\t2\t0" in seen["texts"]["feedback"]
