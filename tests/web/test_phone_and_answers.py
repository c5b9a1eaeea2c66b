"""The web chat on a phone and on a desktop, and what an answer offers: the citation that
opens to its full source, read-aloud with the device's own voice, the rating with an
optional comment; and the host's contacts on the page.

Headless Chromium against the real stack (conftest.py: credentials.yml, fixture language
packs, `pages.CONTACTS` as the host's contacts file), at 375×740 (phone, touch) and 1280×800.
Chromium here has no speech voices: the tests that need one give the page a stand-in
`speechSynthesis` before its scripts run and check what the widget asked it to say.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from tests.web.pages import (
    CONTACTS,
    HISTORY_KEY,
    SCREENSHOTS,
    SESSION_KEY,
    Browser,
    ChatPage,
    Page,
    chat_page,
    expect,
    no_horizontal_scroll,
    served_config,
    session_id_of,
)
from tools.stack import PROJECT_ROOT

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
README_SCREENSHOTS = PROJECT_ROOT / "web" / "screenshots"
MAX_SCREENSHOT_BYTES = 300_000

COURSE_QUESTION = "Wo finde ich einen Deutschkurs?"
COURSE_SOURCE_TITLE = (
    "Integration gelingt nur gemeinsam – Konferenz zur Integrationsförderung in BW"
)

FAKE_SPEECH = """
(() => {
  const voices = %(voices)s;
  const late = %(late)s;
  window.spoken = [];
  window.speechCancelled = 0;
  const target = new EventTarget();
  let current = late ? [] : voices;
  const synth = {
    getVoices: () => current,
    speak: (u) => window.spoken.push({ text: u.text, lang: u.lang, voice: u.voice?.name }),
    cancel: () => { window.speechCancelled += 1; },
    addEventListener: (type, listener) => target.addEventListener(type, listener),
    removeEventListener: (type, listener) => target.removeEventListener(type, listener),
  };
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
    addEventListener() {}
  }
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  Object.defineProperty(
    window, "SpeechSynthesisUtterance", { value: Utterance, configurable: true });
  if (late) {
    // like Chromium: the list is empty at first and filled with `voiceschanged`
    setTimeout(() => { current = voices; target.dispatchEvent(new Event("voiceschanged")); }, 300);
  }
})();
"""
"""A stand-in for the browser's speech synthesis that records what it is asked to say."""

NO_SPEECH = """
Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
"""
"""A browser without speech synthesis."""


def fake_speech(voices: List[Dict[str, Any]], late: bool = False) -> str:
    return FAKE_SPEECH % {"voices": json.dumps(voices), "late": json.dumps(late)}


GERMAN_VOICE = {"name": "Anna", "lang": "de-DE", "localService": True, "default": True}


@pytest.fixture()
def phone(browser: Browser, page_url: str) -> Iterator[ChatPage]:
    yield from chat_page(
        browser, page_url, viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True
    )


@pytest.fixture()
def desktop(browser: Browser, page_url: str) -> Iterator[ChatPage]:
    yield from chat_page(browser, page_url, viewport=DESKTOP)


def box(page: Page, selector: str) -> Dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return found


def in_viewport(page: Page, selector: str) -> bool:
    viewport = page.viewport_size
    assert viewport is not None
    b = box(page, selector)
    return (
        b["x"] >= 0 and b["y"] >= 0
        and b["x"] + b["width"] <= viewport["width"] + 0.5
        and b["y"] + b["height"] <= viewport["height"] + 0.5
    )


# --- phone and desktop layout ------------------------------------------------------------


def test_on_a_phone_the_chat_fills_the_screen_and_the_introduction_is_collapsed(
    phone: ChatPage,
) -> None:
    phone.open()
    page = phone.page
    header = box(page, ".site-header")
    chat = box(page, "#chat")
    # the chat begins under the header bar and ends at the bottom of the screen
    assert abs(chat["y"] - (header["y"] + header["height"])) <= 1, (header, chat)
    assert abs(chat["y"] + chat["height"] - PHONE["height"]) <= 1, chat
    assert chat["x"] == 0 and chat["width"] == PHONE["width"], chat
    assert in_viewport(page, "#chat-input") and in_viewport(page, "#chat-send")

    # the introduction is behind "Über diesen Assistenten"; its heading stays for screen readers
    expect(page.locator(".lead")).to_be_hidden()
    expect(page.locator(".facts")).to_be_hidden()
    assert page.locator("h1").count() == 1
    about = page.get_by_role("button", name="Über diesen Assistenten")
    expect(about).to_be_visible()
    expect(about).to_have_attribute("aria-expanded", "false")
    about.tap()
    expect(about).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".lead")).to_be_visible()
    expect(page.locator("h1")).to_be_visible()
    about.tap()
    expect(page.locator(".lead")).to_be_hidden()
    assert no_horizontal_scroll(page)


def test_on_a_phone_the_input_stays_above_the_on_screen_keyboard(phone: ChatPage) -> None:
    """The keyboard shrinks the visible page (interactive-widget=resizes-content, or the
    visual viewport where the keyboard only covers it): the chat shrinks with it."""
    phone.open()
    page = phone.page
    phone.ask(COURSE_QUESTION)
    page.locator("#chat-input").focus()
    keyboard_open = {"width": PHONE["width"], "height": 400}
    page.set_viewport_size(keyboard_open)
    page.wait_for_function("() => window.visualViewport.height === 400")
    expect(page.locator("#chat-input")).to_be_focused()
    chat = box(page, "#chat")
    assert chat["y"] + chat["height"] <= keyboard_open["height"] + 1, chat
    assert in_viewport(page, "#chat-input"), box(page, "#chat-input")
    assert in_viewport(page, "#chat-send"), box(page, "#chat-send")
    # the log still shows its end: the newest answer's actions are in sight above the input
    log = box(page, "#chat-log")
    end = phone.bot_messages.last.locator(".msg__actions").bounding_box()
    assert end is not None, "the answer has no actions"
    assert log["y"] <= end["y"] and end["y"] + end["height"] <= log["y"] + log["height"] + 1, (
        log, end
    )
    page.set_viewport_size(PHONE)
    page.wait_for_function("() => window.visualViewport.height === 740")
    chat = box(page, "#chat")
    assert abs(chat["y"] + chat["height"] - PHONE["height"]) <= 1, chat


def test_on_a_phone_quick_replies_are_one_row_that_scrolls_sideways(phone: ChatPage) -> None:
    phone.open()
    page = phone.page
    reply = phone.ask("Hilfe")
    row = reply.locator(".msg__buttons")
    buttons = row.locator(".quick-reply")
    assert buttons.count() >= 3
    tops = {round(buttons.nth(i).bounding_box()["y"]) for i in range(buttons.count())}
    assert len(tops) == 1, f"quick replies on more than one line: {tops}"
    sizes = row.evaluate("r => ({scroll: r.scrollWidth, client: r.clientWidth})")
    assert sizes["scroll"] > sizes["client"], sizes
    assert row.evaluate("r => getComputedStyle(r).overflowX") == "auto"
    # scrolling the row (a swipe) brings the last one into view; the page stays put
    last = buttons.last
    row.evaluate("r => { r.scrollLeft = r.scrollWidth; }")
    assert row.evaluate("r => r.scrollLeft") > 0
    right = last.bounding_box()
    assert right is not None and right["x"] + right["width"] <= PHONE["width"], right
    assert no_horizontal_scroll(page)


def test_on_a_desktop_the_page_keeps_its_introduction(desktop: ChatPage) -> None:
    desktop.open()
    page = desktop.page
    expect(page.locator(".lead")).to_be_visible()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#intro-toggle")).to_be_hidden()
    chat = box(page, "#chat")
    assert 400 <= chat["height"] <= DESKTOP["height"], chat
    assert chat["width"] <= 900, chat
    reply = desktop.ask("Hilfe")
    tops = {
        round(b.bounding_box()["y"]) for b in reply.locator(".quick-reply").all()
    }
    assert len(tops) > 1, "on a desktop the quick replies wrap onto more lines"
    assert no_horizontal_scroll(page)


# --- citations ------------------------------------------------------------------------------


def test_citation_is_one_short_line_that_opens_to_the_full_source(phone: ChatPage) -> None:
    phone.open()
    reply = phone.ask(COURSE_QUESTION)
    line = reply.locator(".msg__cite-line")
    expect(line).to_have_text("Quelle: BAMF, 10.07.2018")
    # one line on a 375 px screen
    height = line.evaluate("e => e.getBoundingClientRect().height")
    line_height = line.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert height < 2 * line_height, (height, line_height)
    # the citation is not shown twice (the server's text ends with the same line)
    assert reply.inner_text().count("Quelle") == 1, reply.inner_text()
    title = reply.locator(".msg__source")
    expect(title).to_be_hidden()
    line.tap()
    expect(title).to_be_visible()
    expect(title).to_have_text(COURSE_SOURCE_TITLE)
    expect(reply.locator(".msg__cite-facts")).to_have_text(
        "Bundesamt für Migration und Flüchtlinge, 10.07.2018"
    )
    expect(reply.locator("details.msg__cite")).to_have_attribute("open", "")
    line.tap()
    expect(title).to_be_hidden()


# --- read aloud -----------------------------------------------------------------------------


def test_read_aloud_speaks_the_answer_in_its_language_and_stops_on_a_second_press(
    desktop: ChatPage,
) -> None:
    page = desktop.page
    page.add_init_script(fake_speech([GERMAN_VOICE], late=True))
    desktop.open()
    reply = desktop.ask(COURSE_QUESTION)
    speak = reply.get_by_role("button", name="Vorlesen")
    expect(speak).to_be_visible()  # once `voiceschanged` brought the German voice
    expect(speak).to_have_attribute("aria-pressed", "false")
    speak.click()
    spoken = page.evaluate("() => window.spoken")
    assert len(spoken) == 1, spoken
    assert spoken[0]["lang"] == "de" and spoken[0]["voice"] == "Anna", spoken
    assert "WebGis" in spoken[0]["text"]
    assert "Quelle" not in spoken[0]["text"], "the citation line is not read out"
    expect(speak).to_have_attribute("aria-pressed", "true")
    speak.click()
    expect(speak).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("() => window.speechCancelled") >= 1
    assert len(page.evaluate("() => window.spoken")) == 1, "the second press only stops"
    # with the keyboard: Space starts it again
    speak.focus()
    page.keyboard.press("Space")
    expect(speak).to_have_attribute("aria-pressed", "true")
    assert len(page.evaluate("() => window.spoken")) == 2


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(fake_speech([]), id="no voices"),
        pytest.param(
            fake_speech([{"name": "Emma", "lang": "en-GB", "localService": True}]),
            id="no German voice",
        ),
        pytest.param(
            fake_speech([{"name": "Google Deutsch", "lang": "de-DE", "localService": False}]),
            id="only a voice on a server",
        ),
        pytest.param(NO_SPEECH, id="no speech synthesis"),
    ],
)
def test_read_aloud_is_hidden_without_a_voice_on_the_device(
    desktop: ChatPage, script: str
) -> None:
    desktop.page.add_init_script(script)
    desktop.open()
    reply = desktop.ask(COURSE_QUESTION)
    expect(reply.locator(".msg__speak")).to_be_hidden()
    expect(reply.get_by_role("button", name="Vorlesen")).to_have_count(0)


# --- the host's contacts --------------------------------------------------------------------


def test_the_page_shows_the_hosts_contacts_from_the_contacts_file(
    desktop: ChatPage, page_url: str
) -> None:
    served = served_config(page_url)["contacts"]
    assert [c["name"] for c in served] == [c["name"] for c in CONTACTS]
    desktop.open()
    page = desktop.page
    section = page.locator("#contacts")
    expect(section).to_be_visible()
    expect(section.get_by_role("heading", level=2)).to_have_text("Ansprechstellen vor Ort")
    expect(section.locator(".contacts__note")).to_contain_text("Betreiber dieser Seite")
    entries = section.locator(".contact")
    expect(entries).to_have_count(2)
    first = entries.first
    expect(first.get_by_role("heading", level=3)).to_have_text("Migrationsberatung Musterstadt")
    expect(first.locator(".contact__purpose")).to_have_text(
        "Beratung zu Aufenthalt, Asyl und Familiennachzug"
    )
    expect(first.get_by_role("link", name="+49 7000 123456")).to_have_attribute(
        "href", "tel:+497000123456"
    )
    expect(first.get_by_role("link", name="beratung@musterstadt.example")).to_have_attribute(
        "href", "mailto:beratung@musterstadt.example"
    )
    expect(first.locator(".contact__address")).to_have_text("Marktplatz 1, 70000 Musterstadt")
    expect(first.locator(".contact__hours")).to_have_text("Mo–Do 9–12 Uhr")
    web = first.locator(".contact__url a")
    expect(web).to_have_attribute("href", "https://www.musterstadt.example/beratung")
    expect(web).to_have_attribute("rel", "noopener noreferrer")
    expect(first.locator(".contact__languages")).to_have_text("Deutsch, English, العربية")
    second = entries.nth(1)
    expect(second.get_by_role("link", name="07000 654321")).to_have_attribute(
        "href", "tel:07000654321"
    )
    expect(second.locator(".contact__address")).to_have_count(0)
    # in the chosen language: English labels and the English purpose
    desktop.choose_language("English")
    expect(section.get_by_role("heading", level=2)).to_have_text("Local contacts")
    expect(first.locator(".contact__purpose")).to_have_text(
        "Advice on residence, asylum and family reunification"
    )
    assert no_horizontal_scroll(page)


def test_the_handoff_shows_the_hosts_contact_with_links(phone: ChatPage) -> None:
    phone.open()
    reply = phone.click_and_wait(
        phone.page.get_by_role("button", name="Mit einem Menschen sprechen")
    )
    block = reply.locator(".msg__contacts")
    expect(block).to_contain_text("Angabe des Betreibers")
    expect(block).to_contain_text("Integrationsmanagement Musterstadt")
    expect(block.get_by_role("link", name="07000 654321")).to_have_attribute(
        "href", "tel:07000654321"
    )
    expect(block.get_by_role("link", name="integration@musterstadt.example")).to_have_attribute(
        "href", "mailto:integration@musterstadt.example"
    )
    # the contacts come after the answer and its citation, not inside the sources
    expect(reply.locator(".msg__cite-list")).not_to_contain_text("Musterstadt")
    assert no_horizontal_scroll(phone.page)


def test_no_contacts_section_without_contacts(desktop: ChatPage, page_url: str) -> None:
    config = {**served_config(page_url), "contacts": []}
    desktop.page.route(
        "**/config.json",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(config)
        ),
    )
    desktop.open()
    expect(desktop.page.locator("#contacts")).to_be_hidden()
    expect(desktop.page.locator(".contact")).to_have_count(0)


# --- rating answers -------------------------------------------------------------------------


def stored_events(stack: dict, sender_id: str) -> List[Dict[str, Any]]:
    with sqlite3.connect(f"file:{stack['tracker_db']}?mode=ro", uri=True) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)
        ).fetchall()
    return [json.loads(data) for (data,) in rows]


def stored_feedback(stack: dict, sender_id: str) -> List[Dict[str, Optional[str]]]:
    """The ratings stored with the conversation: the `feedback` messages' entities."""
    ratings = []
    for event in stored_events(stack, sender_id):
        intent = (event.get("parse_data") or {}).get("intent") or {}
        if event.get("event") == "user" and intent.get("name") == "feedback":
            entities = {
                e["entity"]: e.get("value") for e in event["parse_data"].get("entities", [])
            }
            ratings.append(entities)
    return ratings


def test_not_helpful_with_a_comment_is_stored_with_the_conversation(
    desktop: ChatPage, stack: dict
) -> None:
    desktop.open()
    page = desktop.page
    reply = desktop.ask(COURSE_QUESTION)
    response = reply.get_attribute("data-response")
    assert response and response.startswith("utter_"), response
    group = reply.get_by_role("group", name="War diese Antwort hilfreich?")
    helpful = group.get_by_role("button", name="Hilfreich", exact=True)
    not_helpful = group.get_by_role("button", name="Nicht hilfreich")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    not_helpful.click()
    comment = page.get_by_role("textbox", name="Was hat gefehlt? (freiwillig)")
    expect(comment).to_be_focused()
    expect(comment).to_have_attribute("maxlength", "300")
    comment.fill("Die Adresse der Kurse fehlt.")
    before = desktop.bot_messages.count()
    page.get_by_role("button", name="Rückmeldung senden").click()
    desktop.wait_replies(before)
    thanks = desktop.bot_messages.nth(before)
    expect(thanks).to_contain_text("Danke")
    expect(thanks.locator(".feedback")).to_have_count(0)  # the thanks is not rated
    expect(comment).to_have_count(0)
    expect(not_helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    for button in (helpful, not_helpful):
        expect(button).to_have_attribute("aria-disabled", "true")
    # no user bubble with the payload
    expect(desktop.user_messages).to_have_count(1)

    session = session_id_of(desktop.local(SESSION_KEY))
    assert stored_feedback(stack, session) == [
        {"rating": "not_helpful", "response": response, "comment": "Die Adresse der Kurse fehlt."}
    ]

    # a message is rated once: a further press sends nothing
    helpful.click(force=True)
    page.wait_for_timeout(300)  # (nothing to wait for: no message may come)
    expect(desktop.bot_messages).to_have_count(before + 1)
    assert len(stored_feedback(stack, session)) == 1
    # the rating is kept across a reload
    page.reload()
    desktop.wait_connected()
    rated = desktop.bot_messages.first
    expect(rated.get_by_role("button", name="Nicht hilfreich")).to_have_attribute(
        "aria-pressed", "true"
    )
    stored = json.loads(desktop.local(HISTORY_KEY))
    assert [m.get("rating") for m in stored if m.get("response") == response] == ["not_helpful"]


def test_helpful_is_one_press(desktop: ChatPage, stack: dict) -> None:
    desktop.open()
    reply = desktop.ask("Was ist die MBE?")
    response = reply.get_attribute("data-response")
    before = desktop.bot_messages.count()
    reply.get_by_role("button", name="Hilfreich", exact=True).click()
    desktop.wait_replies(before)
    expect(desktop.bot_messages.nth(before)).to_contain_text("Danke")
    session = session_id_of(desktop.local(SESSION_KEY))
    assert stored_feedback(stack, session) == [{"rating": "helpful", "response": response}]


def test_channel_notes_are_not_rated(desktop: ChatPage) -> None:
    desktop.open()
    before = desktop.bot_messages.count()
    desktop.page.fill("#chat-input", "   ")
    # an empty message is not sent by the widget; a blank one through the socket gets a note
    desktop.page.evaluate(
        "() => document.getElementById('chat-input').value = '\\u200b'"
    )
    desktop.page.press("#chat-input", "Enter")
    desktop.wait_replies(before)
    note = desktop.bot_messages.nth(before)
    assert note.get_attribute("data-response") is None
    expect(note.locator(".feedback")).to_have_count(0)


# --- keyboard only --------------------------------------------------------------------------


def focused(page: Page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.getAttribute('aria-label') || e.textContent.trim() || e.id || e.tagName; }"
    )


def tab_to(page: Page, name: str, backwards: bool = False, limit: int = 30) -> None:
    """Presses Tab (or Shift+Tab) until the element named `name` has the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        seen.append(focused(page))
        if seen[-1] == name:
            assert page.evaluate(
                "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'"
            ), f"no visible focus on {name}"
            return
    pytest.fail(f"{name!r} not reached with the keyboard: {seen}")


def test_citation_and_rating_with_the_keyboard_alone(desktop: ChatPage, stack: dict) -> None:
    desktop.open()
    page = desktop.page
    page.focus("#chat-input")
    page.keyboard.type(COURSE_QUESTION)
    before = desktop.bot_messages.count()
    page.keyboard.press("Enter")
    desktop.wait_replies(before)
    reply = desktop.bot_messages.nth(before)

    tab_to(page, "Quelle: BAMF, 10.07.2018", backwards=True)
    page.keyboard.press("Enter")
    expect(reply.locator(".msg__source")).to_be_visible()
    page.keyboard.press("Space")
    expect(reply.locator(".msg__source")).to_be_hidden()

    tab_to(page, "Nicht hilfreich")
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Was hat gefehlt? (freiwillig)")).to_be_focused()
    expect(reply.get_by_role("button", name="Nicht hilfreich")).to_have_attribute(
        "aria-expanded", "true"
    )
    # Escape takes the choice back, without sending
    page.keyboard.press("Escape")
    expect(page.locator(".feedback__form")).to_have_count(0)
    assert focused(page) == "Nicht hilfreich"
    page.keyboard.press("Space")
    page.keyboard.type("Zu lang.")
    tab_to(page, "Rückmeldung senden")
    before = desktop.bot_messages.count()
    page.keyboard.press("Enter")
    desktop.wait_replies(before)
    assert focused(page) == "Nicht hilfreich"
    session = session_id_of(desktop.local(SESSION_KEY))
    assert [f["comment"] for f in stored_feedback(stack, session)] == ["Zu lang."]


# --- in other languages ---------------------------------------------------------------------


def test_answer_controls_follow_the_chosen_language(desktop: ChatPage) -> None:
    desktop.page.add_init_script(
        fake_speech([GERMAN_VOICE, {"name": "Huda", "lang": "ar-SA", "localService": True}])
    )
    desktop.open()
    desktop.choose_language("العربية")
    # the fixture packs translate the thanks reply (not the rewritten answers)
    reply = desktop.ask("شكرا جزيلا!")
    expect(reply).to_have_attribute("lang", "ar")
    actions = reply.locator(".msg__actions")
    expect(actions).to_have_attribute("lang", "ar")
    expect(actions).to_have_attribute("dir", "rtl")
    expect(reply.get_by_role("button", name="قراءة بصوت عالٍ")).to_be_visible()
    expect(reply.get_by_role("button", name="غير مفيدة")).to_be_visible()
    reply.get_by_role("button", name="قراءة بصوت عالٍ").click()
    # read in the answer's own language, with that language's voice
    spoken = desktop.page.evaluate("() => window.spoken")
    assert [(s["lang"], s["voice"]) for s in spoken] == [("ar", "Huda")], spoken


# --- README screenshots ---------------------------------------------------------------------


def save_small_png(page: Page, path: Path) -> int:
    """Saves a screenshot as a palette PNG (text stays sharp, the file small)."""
    from PIL import Image

    raw = path.with_suffix(".raw.png")
    page.screenshot(path=str(raw))
    with Image.open(raw) as image:
        image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(
            path, optimize=True
        )
    raw.unlink()
    return path.stat().st_size


@pytest.mark.parametrize(
    ("name", "viewport", "options"),
    [
        ("webchat-phone-de.png", PHONE, {"is_mobile": True, "has_touch": True}),
        ("webchat-desktop-de.png", DESKTOP, {}),
    ],
)
def test_screenshots_for_the_readme(
    browser: Browser, page_url: str, name: str, viewport: dict, options: dict
) -> None:
    """The README's screenshots: a German answer with its citation opened and the rating.

    Saved under test-output/screenshots/; `README_SCREENSHOTS=1` also writes them to
    web/screenshots/ (the README's).
    """
    for chat in chat_page(browser, page_url, viewport=viewport, device_scale_factor=1, **options):
        chat.page.add_init_script(fake_speech([GERMAN_VOICE]))
        chat.open()
        reply = chat.ask(COURSE_QUESTION)
        reply.locator(".msg__cite-line").click()
        expect(reply.locator(".msg__source")).to_be_visible()
        chat.page.evaluate(
            """() => {
              const log = document.getElementById("chat-log");
              log.scrollTo({ top: log.scrollHeight, behavior: "instant" });
              document.getElementById("chat").scrollIntoView({ block: "end", behavior: "instant" });
            }"""
        )
        expect(reply.locator(".msg__actions")).to_be_in_viewport()
        chat.page.mouse.move(0, 0)  # no hover on the buttons
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = save_small_png(chat.page, SCREENSHOTS / name)
        assert size < MAX_SCREENSHOT_BYTES, f"{name}: {size} bytes"
        if os.environ.get("README_SCREENSHOTS") == "1":
            README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (README_SCREENSHOTS / name).write_bytes((SCREENSHOTS / name).read_bytes())
        assert re.search(r"Quelle: BAMF", reply.inner_text())
