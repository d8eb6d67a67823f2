"""Browser tests: the real app served on a loopback port, driven by headless Chromium with
JavaScript switched off, since every page must work without it.

They skip when Chromium or its driver is missing, unless ``PRESSOFFICE_REQUIRE_BROWSER`` is set
(as CI does), in which case a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (BROWSER and DRIVER):
        message = (
            "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)"
        )
        if os.environ.get("PRESSOFFICE_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
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
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def live_server(app, clock):
    """The test app, served on a free loopback port for the length of one test. It is the
    app's public address too, so links made for people to follow (embargoed copies) lead here."""
    public_base_url = app.config.get("PUBLIC_BASE_URL")
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=5)
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
