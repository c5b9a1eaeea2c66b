"""End-to-end tests of the web chat in headless Chromium against the real running stack.

One stack (action server + `rasa run` with credentials.yml and the fixture language
packs) serves the whole module on ports 5405/5455; every test gets a fresh browser
context (empty localStorage). Screenshots go to test-output/screenshots/.

Needs the built page (`make web`), Python Playwright (requirements-dev.txt) and Debian's
`chromium` (browsers cannot be downloaded here). `SKIP_BROWSER_TESTS=1` skips the module
explicitly; otherwise a missing piece fails with a message that says what to install.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import urllib.request
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from bot.channels.webchat import WebChatInput
from tools.stack import PROJECT_ROOT, running_stack, wait_for

if os.environ.get("SKIP_BROWSER_TESTS") == "1":
    pytest.skip(
        "SKIP_BROWSER_TESTS=1: browser tests opted out on a machine without Chromium "
        "(README, Web chat); CI installs Chromium and runs them",
        allow_module_level=True,
    )

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
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


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stack(fixture_packs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The assistant with the web chat channel, and the fixture language packs."""
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is missing: build the page with `make web`", pytrace=False)
    from bot.translation import packs

    # `fixture_packs` (tests/conftest.py) installed the de<->en and ar<->en fixture packs
    database = tmp_path_factory.mktemp("web") / "conversations.db"
    env = {"LANGUAGE_PACKS_DIR": str(packs.packs_root()), "TRACKER_DB": str(database)}
    with running_stack(RASA_PORT, ACTIONS_PORT, extra_env=env) as running:
        running["tracker_db"] = database
        yield running


@pytest.fixture()
def restartable_stack(stack: dict) -> Iterator[dict]:
    """The module's stack, for a test that restarts its Rasa server.

    Whatever the test does, the server answers again afterwards, so that the tests after
    it do not depend on the order they run in.
    """
    yield stack
    if stack["rasa"].poll() is not None:
        stack["restart_rasa"]()
    wait_for(str(stack["url"]) + "/", 300, stack["rasa"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail(
            "Chromium is missing: `sudo apt-get install -y chromium` (Debian package)",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page_url(stack: dict) -> str:
    return str(stack["url"]) + PAGE_PATH


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


@pytest.fixture()
def chat(browser: Browser, page_url: str) -> Iterator[ChatPage]:
    yield from chat_page(browser, page_url, viewport=DESKTOP)


@pytest.fixture()
def phone_chat(browser: Browser, page_url: str) -> Iterator[ChatPage]:
    yield from chat_page(
        browser, page_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )


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


# --- the page --------------------------------------------------------------------------


def test_page_is_served_same_origin_with_security_headers(stack: dict, page_url: str) -> None:
    with urllib.request.urlopen(page_url) as response:
        body = response.read().decode("utf-8")
        csp = response.headers["Content-Security-Policy"]
    assert "Integration in Baden-Württemberg – Fragen &amp; Antworten" in body
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    # nothing is loaded from elsewhere
    assert "http://" not in body and "https://" not in body
    config = served_config(page_url)
    assert config["userMessageEvent"] == "user_uttered"
    assert config["metadataKey"] == "customData"


def test_browser_opening_the_server_root_gets_the_page(chat: ChatPage, stack: dict) -> None:
    chat.page.goto(str(stack["url"]) + "/")
    assert chat.page.url == chat.url
    expect(chat.page.locator("h1")).to_have_text(
        "Integration in Baden-Württemberg – Fragen & Antworten"
    )


def test_privacy_note_before_the_first_message(chat: ChatPage) -> None:
    chat.open()
    note = chat.page.locator("#chat-privacy")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Bitte keine persönlichen Daten eingeben")
    expect(chat.page.locator("#chat-messages .msg")).to_have_count(0)
    log = chat.page.locator("#chat-log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")


def test_german_question_gets_answer_with_source(chat: ChatPage) -> None:
    chat.open()
    reply = chat.ask("Wo finde ich einen Deutschkurs?")
    expect(chat.user_messages.last).to_have_text("Sie: Wo finde ich einen Deutschkurs?")
    expect(reply).to_contain_text("WebGis")
    expect(reply).to_contain_text("Quelle")
    source = reply.locator(".msg__source")
    expect(source).to_have_text(
        "Integration gelingt nur gemeinsam – Konferenz zur Integrationsförderung in BW"
    )
    expect(reply).to_have_attribute("lang", "de")
    expect(reply).to_have_attribute("dir", "ltr")
    chat.screenshot("desktop-de.png")


def test_source_with_an_address_is_a_link(chat: ChatPage) -> None:
    chat.open()
    reply = chat.ask("Was ist die IntMK?")
    link = reply.locator("a.msg__source")
    expect(link).to_contain_text("Bund-Länder-Workshop in Berlin")
    expect(link).to_have_attribute(
        "href", re.compile(r"^https://sozialministerium\.baden-wuerttemberg\.de/")
    )
    expect(link).to_have_attribute("rel", "noopener noreferrer")


def test_quick_reply_from_help_stays_usable(chat: ChatPage) -> None:
    chat.open()
    help_reply = chat.ask("Hilfe")
    course = help_reply.get_by_role("button", name="Wo finde ich einen Sprachkurs?")
    expect(course).to_be_visible()
    answer = chat.click_and_wait(course)
    expect(answer).to_contain_text("WebGis")
    expect(chat.user_messages.last).to_contain_text("Wo finde ich einen Sprachkurs?")
    # the buttons are still there and still work
    expect(course).to_be_enabled()
    mbe = help_reply.get_by_role("button", name="Was ist die MBE?")
    answer = chat.click_and_wait(mbe)
    expect(answer).to_contain_text("Migrationsberatung für Erwachsene")
    answer = chat.click_and_wait(course)
    expect(answer).to_contain_text("WebGis")


def test_talk_to_a_human_shows_counselling(chat: ChatPage) -> None:
    chat.open()
    answer = chat.click_and_wait(
        chat.page.get_by_role("button", name="Mit einem Menschen sprechen")
    )
    expect(chat.user_messages.last).to_contain_text("Ich möchte mit einem Menschen sprechen")
    expect(answer).to_contain_text("Migrationsberatung für Erwachsene (MBE)")


def test_conversation_survives_reload(chat: ChatPage, stack: dict) -> None:
    chat.open()
    chat.ask("Wo finde ich einen Deutschkurs?")
    help_reply = chat.ask("Hilfe")
    expect(help_reply.locator(".quick-reply").first).to_be_visible()
    session = chat.local(SESSION_KEY)
    assert session, "no session id in localStorage"
    texts = chat.page.locator("#chat-messages .msg").all_inner_texts()

    chat.page.reload()
    chat.wait_connected()
    assert chat.local(SESSION_KEY) == session, "the session token changed on reload"
    assert chat.page.locator("#chat-messages .msg").all_inner_texts() == texts
    expect(chat.bot_messages.first).to_contain_text("WebGis")
    # restored quick replies still work, in the same conversation on the server
    restored = chat.bot_messages.last.get_by_role("button", name="Was ist die MBE?")
    answer = chat.click_and_wait(restored)
    expect(answer).to_contain_text("Migrationsberatung für Erwachsene")
    assert chat.local(SESSION_KEY) == session
    stored = stored_user_texts(stack, session_id_of(session))
    assert stored[:2] == ["Wo finde ich einen Deutschkurs?", "Hilfe"], stored
    assert len(stored) == 3, stored


def test_delete_conversation_deletes_it_on_the_server_too(chat: ChatPage, stack: dict) -> None:
    chat.open()
    chat.ask("Wo finde ich einen Deutschkurs?")
    session = chat.local(SESSION_KEY)
    assert stored_user_texts(stack, session_id_of(session)) == ["Wo finde ich einen Deutschkurs?"]

    chat.page.get_by_role("button", name="Gespräch löschen").click()
    expect(chat.page.locator("#chat-messages .msg")).to_have_count(0)
    chat.page.wait_for_function(
        "([key, old]) => { const s = localStorage.getItem(key); return s && s !== old; }",
        arg=[SESSION_KEY, session],
    )
    chat.page.wait_for_function("key => localStorage.getItem(key) === null", arg=FORGET_KEY)
    assert chat.local(HISTORY_KEY) is None
    assert stored_user_texts(stack, session_id_of(session)) == [], "still on the server"

    # a reload shows an empty chat, in a new conversation
    chat.page.reload()
    chat.wait_connected()
    expect(chat.page.locator("#chat-messages .msg")).to_have_count(0)
    answer = chat.ask("Was ist die MBE?")
    expect(answer).to_contain_text("Migrationsberatung für Erwachsene")
    new_session = chat.local(SESSION_KEY)
    assert stored_user_texts(stack, session_id_of(new_session)) == ["Was ist die MBE?"]
    assert stored_user_texts(stack, session_id_of(session)) == []


def test_delete_while_offline_happens_on_the_next_connection(
    chat: ChatPage, restartable_stack: dict
) -> None:
    stack = restartable_stack
    chat.open()
    chat.ask("Wo finde ich einen Deutschkurs?")
    session = chat.local(SESSION_KEY)
    stack["rasa"].terminate()
    stack["rasa"].wait(timeout=60)
    expect(chat.page.locator("#chat")).not_to_have_attribute("data-connection", "online")

    chat.page.get_by_role("button", name="Gespräch löschen").click()
    expect(chat.page.locator("#chat-messages .msg")).to_have_count(0)
    assert chat.local(FORGET_KEY) == session, "the deletion is not kept until it is done"
    assert stored_user_texts(stack, session_id_of(session)), "deleted without a server?"

    stack["restart_rasa"]()
    chat.wait_connected()
    chat.page.wait_for_function("key => localStorage.getItem(key) === null", arg=FORGET_KEY)
    assert stored_user_texts(stack, session_id_of(session)) == []
    assert chat.local(SESSION_KEY) != session


def test_html_from_the_user_is_shown_as_text(chat: ChatPage) -> None:
    chat.open()
    chat.ask(XSS)
    shown = chat.user_messages.last.locator(".msg__text")
    expect(shown).to_have_text(f"Sie: {XSS}")
    assert chat.page.locator("#chat-log img").count() == 0
    # reloaded from localStorage it is still text
    chat.page.reload()
    chat.wait_connected()
    expect(chat.user_messages.last.locator(".msg__text")).to_have_text(f"Sie: {XSS}")
    assert chat.page.locator("img").count() == 0
    # no element that could run it was ever created (nothing to wait for)
    assert chat.page.evaluate("() => window.injected") == []
    assert chat.dialogs == [], f"a script ran: dialogs {chat.dialogs}"


def test_keyboard_only(chat: ChatPage) -> None:
    chat.open()
    page = chat.page

    def focused() -> str:
        return page.evaluate(
            "() => { const e = document.activeElement; return e.id || e.className || e.tagName; }"
        )

    def focus_visible() -> bool:
        return page.evaluate(
            "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'"
        )

    seen = []
    for _ in range(15):
        page.keyboard.press("Tab")
        seen.append(focused())
        assert focus_visible(), f"no visible focus on {seen[-1]}"
        if seen[-1] == "chat-input":
            break
    assert "lang-toggle" in seen, f"language picker not reached by Tab: {seen}"
    assert "chat-handoff" in seen, f"handoff button not reached by Tab: {seen}"
    assert seen[-1] == "chat-input", f"input not reached by Tab: {seen}"
    assert seen.index("lang-toggle") < seen.index("chat-input")

    page.keyboard.type("Hilfe")
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    chat.wait_replies(before)
    assert focused() == "chat-input", "focus left the input after sending"
    page.keyboard.press("Tab")
    assert focused() == "chat-send"
    assert focus_visible()

    # back from the input: the last quick reply; Enter presses it
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused() == "quick-reply", f"quick reply not reached: {focused()}"
    assert focus_visible()
    before = chat.bot_messages.count()
    page.keyboard.press("Enter")
    chat.wait_replies(before)

    # the language picker opens with Enter, and Escape closes it again
    page.focus("#lang-toggle")
    page.keyboard.press("Enter")
    expect(page.locator("#lang-list")).to_be_visible()
    assert focused() == "lang-option"
    page.keyboard.press("Escape")
    expect(page.locator("#lang-list")).to_be_hidden()
    assert focused() == "lang-toggle"

    # ARIA names of the controls
    expect(page.get_by_role("textbox", name="Ihre Frage")).to_be_visible()
    expect(page.get_by_role("button", name="Senden")).to_be_visible()
    expect(page.get_by_role("log", name="Chatverlauf")).to_be_visible()


def picker_languages(chat: ChatPage) -> List[Tuple[str, str, str]]:
    chat.page.click("#lang-toggle")
    options = chat.page.locator("#lang-list button")
    expect(options.first).to_be_visible()
    return [
        (options.nth(i).get_attribute("lang"), options.nth(i).inner_text(),
         options.nth(i).get_attribute("dir"))
        for i in range(options.count())
    ]


def test_language_picker_lists_the_configured_languages(chat: ChatPage, page_url: str) -> None:
    config = served_config(page_url)
    configured = [(lang["code"], lang["name"], lang["dir"]) for lang in config["languages"]]
    assert configured[:3] == [("de", "Deutsch", "ltr"), ("en", "English", "ltr"),
                              ("ar", "العربية", "rtl")]
    chat.open()
    assert picker_languages(chat) == configured


def test_changing_bot_languages_changes_the_picker(
    chat: ChatPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page gets the config.json the channel serves with other BOT_LANGUAGES."""
    monkeypatch.setenv("BOT_LANGUAGES", "es,fa")
    config = WebChatInput.from_credentials({"session_persistence": True}).client_config()
    chat.page.route(
        "**/config.json",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(config)
        ),
    )
    chat.open()
    assert picker_languages(chat) == [
        ("de", "Deutsch", "ltr"), ("es", "Español", "ltr"), ("fa", "فارسی", "rtl")
    ]
    # Spanish has no labels of the widget's own: they fall back to English
    chat.page.locator("#lang-list button", has_text="Español").click()
    expect(chat.page.locator("#chat-send")).to_have_text("Send")
    expect(chat.page.locator("#lang-current")).to_have_text("Español")
    # Persian has them, and the widget turns right-to-left
    chat.page.click("#lang-toggle")
    chat.page.locator("#lang-list button", has_text="فارسی").click()
    expect(chat.page.locator("#chat-send")).to_have_text("ارسال")
    expect(chat.page.locator("#chat")).to_have_attribute("dir", "rtl")


def test_phone_width_has_no_horizontal_scroll(phone_chat: ChatPage) -> None:
    phone_chat.open()
    assert no_horizontal_scroll(phone_chat.page)
    phone_chat.ask("Wo finde ich einen Deutschkurs?")
    phone_chat.ask("Hilfe")
    assert no_horizontal_scroll(phone_chat.page), "the page scrolls sideways at 375 px"
    box = phone_chat.page.locator("#chat").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    send = phone_chat.page.locator("#chat-send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= PHONE["width"]
    phone_chat.screenshot("phone-de.png")


def test_arabic_reply_is_right_to_left(chat: ChatPage, browser: Browser, page_url: str) -> None:
    (SCREENSHOTS / "desktop-ar-FAILED.png").unlink(missing_ok=True)
    chat.open()
    chosen = chat.choose_language("العربية")
    # the widget follows the chosen language, and the choice is shown as the user's message
    expect(chat.page.locator("#chat")).to_have_attribute("dir", "rtl")
    expect(chat.user_messages.last).to_have_attribute("lang", "ar")
    expect(chat.user_messages.last).to_have_attribute("dir", "rtl")
    sent = json.loads(chat.local(HISTORY_KEY) or "[]")
    assert sent and sent[0]["text"] == "العربية"

    # the fixture packs translate the thanks reply; the rewritten answers they do not know
    # (English answers come from the reviewed translations, Arabic ones from `make models`)
    reply = chat.ask("شكرا جزيلا!")
    language = reply.get_attribute("data-language")
    if language != "ar":
        chat.screenshot("desktop-ar-FAILED.png")
        pytest.fail(
            f'the bot reply has no `language: "ar"` (got {language!r}; the reply to the '
            f"language choice was {chosen.inner_text()!r}, the answer {reply.inner_text()!r}). "
            "The translation layer must translate replies into the chosen language and put "
            '`"language": "ar"` into the message; see bot/rendering/nlg.py.',
            pytrace=False,
        )
    expect(reply).to_have_attribute("lang", "ar")
    expect(reply).to_have_attribute("dir", "rtl")
    assert (
        chat.page.evaluate("el => getComputedStyle(el).direction", reply.element_handle()) == "rtl"
    )
    chat.screenshot("desktop-ar.png")

    # the same conversation on a phone: reload with the session and history from storage
    storage = chat.page.context.storage_state()
    phone = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        storage_state=storage,
    )
    try:
        page = phone.new_page()
        phone_chat = ChatPage(page, page_url).open()
        expect(phone_chat.bot_messages.last).to_have_attribute("dir", "rtl")
        assert no_horizontal_scroll(page)
        phone_chat.screenshot("phone-ar.png")
    finally:
        phone.close()


def test_reconnects_after_server_restart_with_the_same_session(
    chat: ChatPage, restartable_stack: dict
) -> None:
    stack = restartable_stack
    chat.open()
    chat.ask("Wo finde ich einen Deutschkurs?")
    session = chat.local(SESSION_KEY)
    chat.page.evaluate(
        """() => {
          const status = document.getElementById("chat-status");
          window.statusShown = false;
          new MutationObserver(() => { if (!status.hidden) window.statusShown = true; })
            .observe(status, { attributes: true, attributeFilter: ["hidden"] });
        }"""
    )
    stack["restart_rasa"]()
    # the widget noticed the server going away and said so …
    chat.page.wait_for_function("() => window.statusShown === true", timeout=30_000)
    # … and socket.io reconnects by itself (backoff up to 5 s); the restarted server
    # accepts the session token (its secret is kept in var/), so the conversation goes on
    chat.wait_connected()
    answer = chat.ask("Was ist die MBE?")
    expect(answer).to_contain_text("Migrationsberatung für Erwachsene")
    assert chat.local(SESSION_KEY) == session
    assert stored_user_texts(stack, session_id_of(session)) == [
        "Wo finde ich einen Deutschkurs?", "Was ist die MBE?"
    ]
