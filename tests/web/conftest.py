"""The stack and the browser of the web chat's browser tests, shared by their modules.

One stack (action server + `rasa run` with credentials.yml, the fixture language packs
and `pages.CONTACTS` as the host's contacts file) serves all browser tests of this package on
ports 5405/5455; every test gets a fresh browser context (empty localStorage).
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest
import yaml

from tools.stack import running_stack, wait_for

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from tests.web.pages import ChatPage

# The browser test modules import tests.web.pages first: it skips them with
# SKIP_BROWSER_TESTS=1 and says what to install when Playwright is missing. The fixtures
# import it only when a test uses them.


@pytest.fixture(scope="package")
def stack(fixture_packs: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """The assistant with the web chat channel, the fixture language packs and `CONTACTS`."""
    from tests.web.pages import ACTIONS_PORT, CONTACTS, DIST, RASA_PORT

    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is missing: build the page with `make web`", pytrace=False)
    from bot.translation import packs

    # `fixture_packs` (tests/conftest.py) installed the de<->en and ar<->en fixture packs
    folder = tmp_path_factory.mktemp("web")
    database = folder / "conversations.db"
    contacts = folder / "contacts.yml"
    contacts.write_text(
        yaml.safe_dump({"contacts": CONTACTS}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    env = {
        "LANGUAGE_PACKS_DIR": str(packs.packs_root()),
        "TRACKER_DB": str(database),
        "CONTACTS_FILE": str(contacts),
    }
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


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    from tests.web.pages import CHROMIUM_ARGS

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
    from tests.web.pages import PAGE_PATH

    return str(stack["url"]) + PAGE_PATH


@pytest.fixture()
def chat(browser: Browser, page_url: str) -> Iterator[ChatPage]:
    from tests.web.pages import DESKTOP, chat_page

    yield from chat_page(browser, page_url, viewport=DESKTOP)


@pytest.fixture()
def phone_chat(browser: Browser, page_url: str) -> Iterator[ChatPage]:
    from tests.web.pages import PHONE, chat_page

    yield from chat_page(
        browser, page_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
