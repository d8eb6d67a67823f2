"""Browser tests: the real app served on a loopback port, driven by headless Chromium with
JavaScript switched off, since every page must work without it.

They run on their own, as the race suite does: ``pytest -m browser`` (a plain ``pytest`` skips
them, to stay quick). They skip when Chromium or its driver is missing, unless
``PRESSOFFICE_REQUIRE_BROWSER`` is set (as CI does), in which case a missing browser is a failure.

One browser and one server serve the whole run. The server keeps every HTML page it answers, and
the last test checks them all with the Nu HTML Checker; the journeys' screenshots go into one
folder, named at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from . import steps
from .html_check import PageRecorder

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


# The test that checks every page served before it, so it runs last.
HTML_CHECK = "test_html_validity.py"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    asked = "browser" in (config.getoption("markexpr") or "") or os.environ.get(
        "PRESSOFFICE_REQUIRE_BROWSER"
    )
    skip = pytest.mark.skip(
        reason="the browser pass runs on its own, in headless Chromium: pytest -m browser"
    )
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.browser)
            # One browser, one server and the pages it served, checked by the last test: under
            # xdist the whole browser suite runs in one worker, in this order.
            item.add_marker(pytest.mark.xdist_group("browser"))
            if not asked:
                item.add_marker(skip)
    last = [item for item in items if HTML_CHECK in item.nodeid]
    items[:] = [item for item in items if HTML_CHECK not in item.nodeid] + last


def pytest_terminal_summary(terminalreporter):
    folder = steps.screenshot_folder(create=False)
    if steps.SCREENSHOTS_TAKEN:
        terminalreporter.write_sep("-", "browser journeys")
        terminalreporter.write_line(
            f"{steps.SCREENSHOTS_TAKEN} screenshots of the browser journeys are in {folder}"
        )
    if (folder / "axe-report.txt").exists() and steps.folder_used():
        terminalreporter.write_line(f"axe's report on every page: {folder / 'axe-report.txt'}")


def require_browser_tool(message: str) -> None:
    """Fail when CI asks for the browser tests, else skip: ``message`` says what is missing."""
    if os.environ.get("PRESSOFFICE_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    if not (BROWSER and DRIVER):
        require_browser_tool(
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    # JavaScript off for every page, across navigations; axe switches it on only to run itself
    # on a page already loaded (tests/e2e/axe.py).
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def served_pages(app) -> PageRecorder:
    """The one loopback server of the run, and the HTML pages it has answered so far."""
    recorder = PageRecorder(app)
    server = make_server("127.0.0.1", 0, recorder, threaded=True)
    recorder.base_url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def live_server(app, clock, served_pages):
    """The test app, served on a loopback port (one server for the whole run). It is the
    app's public address too, so links made for people to follow (embargoed copies) lead here."""
    public_base_url = app.config.get("PUBLIC_BASE_URL")
    app.config["SERVER_NAME"] = None
    app.config["PUBLIC_BASE_URL"] = served_pages.base_url
    yield served_pages.base_url
    app.config["SERVER_NAME"] = "localhost"
    app.config["PUBLIC_BASE_URL"] = public_base_url


@pytest.fixture
def fresh_browser(browser):
    browser.delete_all_cookies()
    # The tests move the app's clock between page loads, which no real visitor's clock does; a
    # page the browser may keep for its max-age would show the moment before the jump.
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return browser
