"""What the browser tests do over and over: sign in, wait for the next page, fill in the UK date
and time boxes, and keep a picture of the page."""

from __future__ import annotations

import base64
import os
import shutil
from datetime import date, time
from pathlib import Path

from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from ..factories import DEFAULT_PASSWORD

WAIT_SECONDS = 10

# Full-page pictures of the key pages of each journey go into this folder (build/screenshots,
# emptied at the first picture of a run, unless PRESSOFFICE_E2E_SCREENSHOTS names another).
SCREENSHOT_DIR = os.environ.get("PRESSOFFICE_E2E_SCREENSHOTS")
DEFAULT_SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "build" / "screenshots"
SCREENSHOTS_TAKEN = 0
_folder_emptied = False


def _between_pages(error: WebDriverException) -> bool:
    """Chromedriver's answer when asked about a page the browser is just leaving: the element
    belonged to the old document and the new one is not there yet."""
    return "does not belong to the document" in (error.msg or "")


def _until(browser, condition) -> None:
    """Wait for ``condition``, asking again while the browser is between two pages."""

    def check(driver):
        try:
            return condition(driver)
        except (NoSuchElementException, StaleElementReferenceException):
            return False
        except WebDriverException as error:
            if _between_pages(error):
                return False
            raise

    WebDriverWait(browser, WAIT_SECONDS).until(check)


def heading(browser, text: str) -> None:
    """Wait until the page's h1 reads ``text`` (pages load after a click, not during it)."""
    try:
        _until(browser, lambda b: b.find_element(By.TAG_NAME, "h1").text == text)
    except TimeoutException:
        shown = [h1.text for h1 in browser.find_elements(By.TAG_NAME, "h1")]
        raise AssertionError(
            f"expected the heading {text!r} on {browser.current_url}, the page shows {shown}"
        ) from None
    page_loaded(browser)


def page_loaded(browser) -> None:
    """Wait until the browser has finished reading the page (the driver asks; the page itself
    runs no JavaScript), so that no box is looked for while the page is half there."""
    _until(browser, lambda b: b.execute_script("return document.readyState") == "complete")


def click_and_wait(browser, element) -> None:
    """Click a button or link and wait until the browser has left the page it was on: for a
    form that comes back with the same heading (the editor after "Add another")."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    wait_to_leave(browser, page)


def wait_to_leave(browser, page) -> None:
    """Wait until the browser has left the document whose ``html`` element is ``page``, and has
    read the next one."""

    def left(driver) -> bool:
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if _between_pages(error):
                return True
            raise
        return False

    WebDriverWait(browser, WAIT_SECONDS).until(left)
    page_loaded(browser)


def button(browser, text: str):
    """The visible button on the page whose words are ``text``."""
    found = browser.find_elements(By.XPATH, f"//main//button[normalize-space()='{text}']")
    shown = [element for element in found if element.is_displayed()]
    assert shown, f"no visible button {text!r} on {browser.current_url}"
    return shown[0]


def link(browser, text: str):
    """The link in the page's main part whose words are ``text``."""
    return browser.find_element(By.XPATH, f"//main//a[normalize-space()='{text}']")


def sign_in(browser, base_url: str, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign in through the form and wait for the page it leads to: a busy machine must not
    leave the next step looking at the sign-in page."""
    browser.get(f"{base_url}/sign-in")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def sign_in_as(browser, base_url: str, user) -> None:
    """Start afresh (no cookies) and sign ``user`` in, waiting for their home page."""
    browser.delete_all_cookies()
    sign_in(browser, base_url, user.email)
    heading(browser, f"Good to see you, {user.name}")


def main_text(browser) -> str:
    return browser.find_element(By.ID, "main").text


def type_into(browser, field_id: str, text: str) -> None:
    box = browser.find_element(By.ID, field_id)
    box.clear()
    box.send_keys(text)


def value_of(browser, field_id: str) -> str:
    return browser.find_element(By.ID, field_id).get_attribute("value")


def fill_date(browser, field_id: str, day: date) -> None:
    """Type a date into an ``<input type=date>`` the way a person would: the order of day and
    month in the box follows the browser's language, so try both and read the box back."""
    box = browser.find_element(By.ID, field_id)
    for keys in (f"{day:%m%d%Y}", f"{day:%d%m%Y}"):
        box.clear()
        box.send_keys(keys)
        if box.get_attribute("value") == day.isoformat():
            return
    raise AssertionError(f"could not type {day} into #{field_id}")


def fill_time(browser, field_id: str, at: time) -> None:
    """Type a time into an ``<input type=time>``: 24-hour browsers take HHMM, 12-hour ones
    want AM or PM as well."""
    box = browser.find_element(By.ID, field_id)
    for keys in (f"{at:%H%M}", f"{at:%I%M%p}"):
        box.clear()
        box.send_keys(keys)
        if box.get_attribute("value") == f"{at:%H:%M}":
            return
    raise AssertionError(f"could not type {at} into #{field_id}")


def screenshot_folder(create: bool = True) -> Path:
    """Where this run's screenshots go; the default folder starts empty in each run."""
    global _folder_emptied
    folder = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else DEFAULT_SCREENSHOT_DIR
    if create and not _folder_emptied:
        if not SCREENSHOT_DIR and folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        _folder_emptied = True
    return folder


def fill_day_month_year(browser, day: date, ids=("day", "month", "year")) -> None:
    """Type a date into GOV.UK day, month and year boxes, as numbers."""
    for field_id, value in zip(ids, (day.day, day.month, day.year), strict=True):
        type_into(browser, field_id, str(value))


def choose(browser, field_id: str) -> None:
    """Pick a radio button or tick a box by clicking its label, as a person would."""
    browser.find_element(By.CSS_SELECTOR, f"label[for='{field_id}']").click()


def folder_used() -> bool:
    """Whether this run has written into the screenshot folder."""
    return _folder_emptied


def screenshot(browser, name: str) -> None:
    """Keep a picture of the whole page, top to bottom, in the run's screenshot folder."""
    global SCREENSHOTS_TAKEN
    folder = screenshot_folder()
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    (folder / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    SCREENSHOTS_TAKEN += 1
