"""What the browser tests of the web chat share: the page, what a user does with it, and
checks of the stored conversation. The stack and the browser are fixtures in
`conftest.py` (one for all browser test modules of this package).

Needs Python Playwright (requirements-dev.txt) and Debian's `chromium` (browsers cannot
be downloaded here). `SKIP_BROWSER_TESTS=1` skips the modules that import this one,
explicitly; otherwise a missing piece fails with a message that says what to install.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.request
from typing import Any, Dict, Iterator, List

import pytest

from tools.stack import PROJECT_ROOT

if os.environ.get("SKIP_BROWSER_TESTS") == "1":
    pytest.skip(
        "SKIP_BROWSER_TESTS=1: browser tests opted out on a machine without Chromium "
        "(README, Web chat); CI installs Chromium and runs them",
        allow_module_level=True,
    )

try:
    from playwright.sync_api import Browser, Page, expect  # noqa: F401 - used by the tests
except ImportError:  # pragma: no cover - depends on the environment
    pytest.fail(
        "Python Playwright is missing: `.venv/bin/pip install -r requirements-dev.txt`",
        pytrace=False,
    )

RASA_PORT = 5405
ACTIONS_PORT = 5455
PAGE_PATH = "/webhooks/webchat/"
DIST = PROJECT_ROOT / "web" / "dist"
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
REPLY_TIMEOUT_MS = 30_000
SESSION_KEY = "integrationslotse-webchat:v1:session"
FORGET_KEY = "integrationslotse-webchat:v1:forget"
HISTORY_KEY = "integrationslotse-webchat:v1:history"

CONTACTS: List[Dict[str, Any]] = [
    {
        "name": "Migrationsberatung Musterstadt",
        "topics": ["residence", "asylum", "family"],
        "purpose": {
            "de": "Beratung zu Aufenthalt, Asyl und Familiennachzug",
            "en": "Advice on residence, asylum and family reunification",
        },
        "phone": "+49 7000 123456",
        "email": "beratung@musterstadt.example",
        "address": "Marktplatz 1, 70000 Musterstadt",
        "opening_hours": "Mo–Do 9–12 Uhr",
        "url": "https://www.musterstadt.example/beratung",
        "languages": ["de", "en", "ar"],
    },
    {
        "name": "Integrationsmanagement Musterstadt",
        "topics": ["general", "courses"],
        "purpose": "Begleitung im Alltag und Hilfe bei der Suche nach einem Sprachkurs",
        "phone": "07000 654321",
        "email": "integration@musterstadt.example",
        "languages": ["de", "tr", "uk"],
    },
]
"""The host's contacts the test stack is given (`CONTACTS_FILE`), as a host writes them."""

XSS = "<img src=x onerror=alert(1)>"

RECORD_INJECTIONS = """
window.injected = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.injected.push(`blocked by CSP: ${event.violatedDirective}`);
});
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      for (const element of [node, ...node.querySelectorAll("*")]) {
        const tag = element.tagName;
        const handlers = [...element.attributes].filter((a) => a.name.startsWith("on"));
        if (["IMG", "IFRAME", "OBJECT", "EMBED"].includes(tag) || handlers.length
            || (tag === "SCRIPT" && !element.src.endsWith("/chat.js"))) {
          window.injected.push(element.outerHTML);
        }
      }
    }
  }
}).observe(document, { childList: true, subtree: true });
"""
"""Runs before the page's scripts: records every element that could run injected code
(and every Content-Security-Policy violation), so that a test can check that none ever
appeared instead of waiting for a script that might run."""


class ChatPage:
    """The page with the widget, and what a user does with it."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url
        self.dialogs: List[str] = []
        self.errors: List[str] = []
        page.on("dialog", self._on_dialog)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.add_init_script(RECORD_INJECTIONS)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self) -> ChatPage:
        self.page.goto(self.url)
        self.wait_connected()
        return self

    def wait_connected(self) -> None:
        # socket connected and session confirmed; no connection notice shown
        expect(self.page.locator("#chat")).to_have_attribute(
            "data-connection", "online", timeout=REPLY_TIMEOUT_MS
        )
        expect(self.page.locator("#chat-status")).to_be_hidden()

    @property
    def bot_messages(self):
        return self.page.locator("#chat-messages .msg--bot")

    @property
    def user_messages(self):
        return self.page.locator("#chat-messages .msg--user")

    def wait_replies(self, before: int) -> None:
        """Waits for a new bot message and for the assistant to finish its turn."""
        expect(self.bot_messages).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
        expect(self.page.locator("#chat-typing")).to_be_hidden(timeout=REPLY_TIMEOUT_MS)

    def ask(self, text: str):
        """Types a message, sends it with Enter and returns the first new bot message."""
        before = self.bot_messages.count()
        self.page.fill("#chat-input", text)
        self.page.press("#chat-input", "Enter")
        self.wait_replies(before)
        return self.bot_messages.nth(before)

    def click_and_wait(self, locator):
        before = self.bot_messages.count()
        locator.click()
        self.wait_replies(before)
        return self.bot_messages.nth(before)

    def choose_language(self, name: str):
        before = self.bot_messages.count()
        self.page.click("#lang-toggle")
        self.page.locator("#lang-list button", has_text=name).click()
        self.wait_replies(before)
        return self.bot_messages.nth(before)

    def local(self, key: str):
        return self.page.evaluate("key => window.localStorage.getItem(key)", key)

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def chat_page(browser: Browser, page_url: str, **context_options) -> Iterator[ChatPage]:
    """Opens the chat page in a fresh browser context; fails on JavaScript errors."""
    context = browser.new_context(locale="de-DE", **context_options)
    page = context.new_page()
    page.set_default_timeout(REPLY_TIMEOUT_MS)
    chat = ChatPage(page, page_url)
    yield chat
    assert chat.errors == [], f"JavaScript errors on the page: {chat.errors}"
    context.close()


def served_config(page_url: str) -> dict:
    with urllib.request.urlopen(page_url + "config.json") as response:
        return json.load(response)


def session_id_of(token: str) -> str:
    """The conversation's id: the part of the token before its signature."""
    return token.rsplit(".", 1)[0]


def stored_user_texts(stack: dict, sender_id: str) -> List[str]:
    with sqlite3.connect(f"file:{stack['tracker_db']}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender_id,),
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
