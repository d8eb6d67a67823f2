"""A release drafted, signed off and scheduled with the keyboard alone: Tab to move, Enter or
Space to press, letters to type, never a click; and wherever the focus lands it can be seen."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from ..factories import DEFAULT_PASSWORD
from .steps import heading, main_text, page_loaded, screenshot, wait_to_leave

TITLE = "Keyboard users reach every control of the release page"
SUMMARY = "Drafted, signed off and scheduled without a mouse."
BODY = "Every step of this release was done with Tab, Enter and Space."
# The suite's "now" is 10:00 GMT on Tuesday 29 November 2016: the embargo is the next morning.
EMBARGO_WORDS = "09:30 GMT on Wednesday 30 November 2016"

# What the focused element looks like: its tag, id, words, and whether the focus style shows.
_FOCUSED = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const style = getComputedStyle(el);
const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
const shadow = style.boxShadow && style.boxShadow !== "none";
return {
  tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "",
  text: (el.innerText || el.value || "").trim().replace(/\\s+/g, " "),
  visible: Boolean(outline || shadow),
};
"""

TAB_LIMIT = 150


class Keyboard:
    """The person at the keyboard, and every element their focus has passed through."""

    def __init__(self, browser):
        self.browser = browser
        self.unseen_focus: list[str] = []

    def press(self, *keys: str) -> None:
        ActionChains(self.browser).send_keys(*keys).perform()

    def focused(self) -> dict | None:
        return self.browser.execute_script(_FOCUSED)

    def tab_to(self, description: str, matches) -> dict:
        """Press Tab until the focus is on the element ``matches`` accepts; note any element
        on the way whose focus cannot be seen."""
        for _ in range(TAB_LIMIT):
            self.press(Keys.TAB)
            element = self.focused()
            if element is None:
                continue
            if not element["visible"]:
                self.unseen_focus.append(
                    f"{self.browser.current_url}: {element['tag']}#{element['id']} "
                    f"{element['text'][:40]!r}"
                )
            if matches(element):
                return element
        raise AssertionError(f"Tab never reached {description} on {self.browser.current_url}")

    def tab_to_field(self, field_id: str) -> None:
        self.tab_to(f"the box #{field_id}", lambda e: e["id"] == field_id)

    def tab_to_control(self, words: str) -> dict:
        return self.tab_to(f"{words!r}", lambda e: e["text"] == words)

    def type_in(self, field_id: str, text: str) -> None:
        self.tab_to_field(field_id)
        self.press(text)

    def press_and_wait(self, key: str) -> None:
        """Press Enter or Space on the focused control and wait for the next page."""
        page = self.browser.find_element("tag name", "html")
        self.press(key)
        wait_to_leave(self.browser, page)

    def start_at(self, url: str) -> None:
        """Open ``url`` (typed into the address bar) with the focus at the top of the page."""
        self.browser.get(url)
        page_loaded(self.browser)


def _sign_in(keyboard: Keyboard, base_url: str, user) -> None:
    keyboard.browser.delete_all_cookies()
    keyboard.start_at(f"{base_url}/sign-in")
    keyboard.type_in("email", user.email)
    keyboard.type_in("password", DEFAULT_PASSWORD)
    keyboard.press_and_wait(Keys.ENTER)
    heading(keyboard.browser, f"Good to see you, {user.name}")


def test_a_release_is_drafted_signed_off_and_scheduled_with_the_keyboard_alone(
    browser, live_server, clock, officer, approver
):
    keyboard = Keyboard(browser)

    # Drafting: from the list of releases to a saved draft, then submitted.
    _sign_in(keyboard, live_server, officer)
    keyboard.start_at(f"{live_server}/releases")
    keyboard.tab_to_control("Write a new release")
    keyboard.press_and_wait(Keys.ENTER)
    heading(browser, "New release")
    keyboard.type_in("title", TITLE)
    keyboard.type_in("summary", SUMMARY)
    keyboard.type_in("body", BODY)
    keyboard.tab_to_control("Save")
    keyboard.press_and_wait(Keys.ENTER)
    heading(browser, TITLE)
    release_url = browser.current_url
    keyboard.tab_to_control("Submit for approval")
    keyboard.press_and_wait(Keys.SPACE)
    heading(browser, TITLE)
    assert "Submitted for approval" in main_text(browser)

    # Sign-off: the approver chooses Approve with Space and sends the decision with Enter.
    _sign_in(keyboard, live_server, approver)
    keyboard.start_at(release_url)
    keyboard.tab_to("the Approve choice", lambda e: e["id"] == "decision-approve")
    keyboard.press(Keys.SPACE)
    assert browser.find_element("id", "decision-approve").is_selected()
    screenshot(browser, "keyboard-01-approver-deciding")
    keyboard.tab_to_control("Send decision")
    keyboard.press_and_wait(Keys.ENTER)
    heading(browser, TITLE)
    assert "Approved: not public yet" in browser.find_element("id", "release-status").text

    # Scheduling: the officer gives the embargo in UK time, checks it and confirms it.
    _sign_in(keyboard, live_server, officer)
    keyboard.start_at(release_url)
    keyboard.tab_to_control("Schedule for an embargo time")
    keyboard.press_and_wait(Keys.ENTER)
    heading(browser, "When does the embargo lift?")
    keyboard.type_in("day", "30")
    keyboard.type_in("month", "11")
    keyboard.type_in("year", "2016")
    keyboard.type_in("at", "09:30")
    keyboard.tab_to_control("Continue")
    keyboard.press_and_wait(Keys.ENTER)
    heading(browser, "Check the embargo time")
    keyboard.tab_to_control(f"Schedule for {EMBARGO_WORDS}")
    screenshot(browser, "keyboard-02-check-the-embargo-time")
    keyboard.press_and_wait(Keys.SPACE)
    heading(browser, TITLE)
    assert f"Scheduled: goes out at {EMBARGO_WORDS}" in main_text(browser)

    assert keyboard.unseen_focus == [], "focus could not be seen on:\n" + "\n".join(
        keyboard.unseen_focus
    )
