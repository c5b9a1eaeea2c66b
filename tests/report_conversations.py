"""Real conversations for the report and contacts tests (REST, on a running stack).

Shared by tests/robustness/test_report_and_contacts.py (SQLite) and
tests/deployment/test_report_postgres.py (PostgreSQL): both talk to a running assistant,
rate some answers, and then check the report made from the store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from tools.stack import BIN, PROJECT_ROOT, send

TWO_CONTACTS = """\
contacts:
  - name: Migrationsberatung Musterstadt
    topics: [residence, asylum, family]
    purpose:
      de: Beratung zu Aufenthalt, Asyl und Familiennachzug
      en: Advice on residence, asylum and family reunification
    phone: "+49 7000 123456"
    email: beratung@musterstadt.example
    address: Marktplatz 1, 70000 Musterstadt
    url: https://www.musterstadt.example/beratung
    languages: [de, en, ar]
  - name: Bürgerbüro Musterstadt
    topics: [general, courses]
    purpose: Erste Anlaufstelle für alle Fragen zur Integration
    phone: "07000 654321"
    languages: [de, tr]
"""
"""What a host writes into contacts.yml: a residence office and a general one."""

DECLINED_QUESTION = "was kostet ein parkplatz vor dem rathaus"
DECLINED_ALIKE = "was kostet der parkplatz am rathaus"
UNSURE_QUESTION = "xkcd qwrt zzz"
COMMENT = "Ich brauche einen Kurs am Abend, ruf mich an: 0151 23456789"


def free_port() -> int:
    """Returns a TCP port that is free on loopback now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def feedback_payload(rating: str, response: str, comment: str = "") -> str:
    values = {"rating": rating, "response": response}
    if comment:
        values["comment"] = comment
    return "/feedback" + json.dumps(values, ensure_ascii=False)


@dataclass
class Sent:
    """What the conversations sent, to compare with the report."""

    senders: List[str] = field(default_factory=list)
    helpful: int = 0
    not_helpful: int = 0
    replies: Dict[str, list] = field(default_factory=dict)


def converse(url: str) -> Sent:
    """Holds four conversations over REST (German and English) and rates answers."""
    sent = Sent()

    def new_sender() -> str:
        sender = f"report-test-{uuid.uuid4().hex}"
        sent.senders.append(sender)
        return sender

    def ask(sender: str, key: str, text: str) -> list:
        replies = send(url, sender, text)
        sent.replies[key] = replies
        return replies

    first = new_sender()
    ask(first, "greet", "Hallo")
    course = ask(first, "course", "wo finde ich einen deutschkurs")
    ask(first, "feedback_helpful", feedback_payload("helpful", course[0]["response"]))
    sent.helpful += 1
    ask(first, "course_again", "wo finde ich einen deutschkurs")
    ask(first, "residence", "meine duldung läuft bald ab")
    handoff = sent.replies["residence"][-1]["response"]
    ask(first, "feedback_comment", feedback_payload("not_helpful", handoff, COMMENT))
    sent.not_helpful += 1
    ask(first, "declined", DECLINED_QUESTION)

    second = new_sender()
    ask(second, "en_residence", "My residence permit expires soon.")
    ask(second, "feedback_bad_json", '/feedback{"rating": "helpful"')
    ask(second, "feedback_bad_rating", '/feedback{"rating": "great"}')
    ask(second, "declined_alike", DECLINED_ALIKE)

    third = new_sender()
    course = ask(third, "course_third", "ich suche einen sprachkurs")
    ask(third, "feedback_helpful_2", feedback_payload("helpful", course[0]["response"]))
    sent.helpful += 1
    ask(third, "unsure", UNSURE_QUESTION)
    return sent


def write_report(folder: Path, db_url: Optional[str] = None,
                 env: Optional[Dict[str, str]] = None) -> Path:
    """Runs `python -m bot.report` as `make report` does; returns the HTML file.

    Args:
        folder: Where the report goes.
        db_url: The tracker store; None: the configured one (settings in `env`).
        env: Settings for the run (e.g. `DEPLOYMENT=scale-out`, `POSTGRES_DB`).
    """
    database = ["--db", db_url] if db_url else []
    subprocess.run(
        [str(BIN / "python"), "-m", "bot.report", *database, "--out", str(folder)],
        cwd=PROJECT_ROOT, check=True, capture_output=True, text=True,
        env={**os.environ, **(env or {})},
    )
    return folder / "index.html"


def open_in_chromium(path: Path, screenshot: Path) -> Dict[str, object]:
    """Opens the report in headless Chromium; returns what a reader sees per section."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is missing: `sudo apt-get install -y chromium` (Debian)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.as_uri())
            sections = page.eval_on_selector_all(
                "section", "nodes => nodes.map(n => [n.id, n.querySelector('h2').innerText])")
            images = page.eval_on_selector_all(
                "img", "nodes => nodes.map(n => n.complete && n.naturalWidth > 0)")
            texts = {section_id: page.inner_text(f"#{section_id}") for section_id, _ in sections}
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return {"sections": sections, "images": images, "texts": texts}
