"""On a phone: no staff or public page scrolls sideways at 320 px, any region that scrolls by
itself can be reached by keyboard, and the enquiry log's rows are two-line cards at 390 px and
one line each at 1280 px."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from pressoffice.services import previews, rota

from ..factories import create_release, make_enquiry, make_user
from .steps import (
    button,
    click_and_wait,
    main_text,
    page_loaded,
    screenshot,
    sign_in_as,
    type_into,
)

# Wider than the page, or scrolling inside itself without a way in by keyboard
# (axe's scrollable-region-focusable).
OVERFLOWS = """
const page = document.documentElement;
const problems = [];
if (page.scrollWidth > window.innerWidth) {
  problems.push(`the page is ${page.scrollWidth}px wide in a ${window.innerWidth}px window`);
}
for (const el of document.querySelectorAll("body *")) {
  const style = getComputedStyle(el);
  const scrolls = ["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth;
  if (scrolls && !(el.hasAttribute("tabindex") && el.getAttribute("aria-label"))) {
    problems.push(`${el.tagName}.${el.className} scrolls sideways with no tabindex and label`);
  }
}
return problems;
"""

# How many lines each enquiry row takes: its shown cells grouped by where their text starts.
LINES_OF_EACH_ROW = """
return [...document.querySelectorAll("tr.enquiry-row")].map(row => {
  const tops = [...row.querySelectorAll("td")]
    .filter(td => td.getClientRects().length)
    .map(td => td.getBoundingClientRect().top + parseFloat(getComputedStyle(td).paddingTop));
  tops.sort((a, b) => a - b);
  return tops.filter((top, i) => i === 0 || top - tops[i - 1] > 10).length;
});
"""


@pytest.fixture
def phone(browser):
    def resize(width: int):
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True},
        )

    yield resize
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _busy_office(clock, admin):
    now = clock()
    officer = make_user(role="officer", name="Olwen Officer-With-A-Rather-Long-Name")
    for hours in range(4):
        make_enquiry(
            received_at=now - timedelta(hours=hours + 1),
            deadline=now - timedelta(minutes=30) if hours == 0 else now + timedelta(hours=hours),
            outlet="The Northshire Evening Chronicle and Gazette",
            email=f"a.very.long.address.for.a.reporter{hours}@northshire-chronicle.example.com",
            subject="Response times for emergency calls in the rural north of the county",
        )
    release = create_release(state="scheduled", author=officer, now=now)
    previews.add_recipient(
        release.id,
        actor=officer,
        name="Jo Reporter",
        outlet="The Northshire Evening Chronicle and Gazette",
        email="a.very.long.address.for.a.reporter@northshire-chronicle.example.com",
        now=now,
    )
    rota.add_shift(user_id=officer.id, starts_at=now, ends_at=now + timedelta(days=1), now=now)
    published = create_release(state="published", author=officer, now=now)
    return release, published


def test_no_page_scrolls_sideways_at_320_px_and_the_log_is_cards_at_390(
    browser, live_server, clock, admin, phone
):
    scheduled, published = _busy_office(clock, admin)
    sign_in_as(browser, live_server, admin)
    pages = [
        "/enquiries",
        "/enquiries?status=all",
        "/releases",
        f"/releases/{scheduled.id}",
        f"/releases/{published.id}",
        f"/releases/{scheduled.id}/recipients",
        "/admin/calendar",
        "/admin/users",
        "/dashboard",
        "/",
        "/contact",
        "/news",
        f"/news/{published.slug}",
    ]
    phone(320)
    problems = {}
    for path in pages:
        browser.get(f"{live_server}{path}")
        page_loaded(browser)
        found = browser.execute_script(OVERFLOWS)
        if found:
            problems[path] = found
        screenshot(browser, "320-" + path.strip("/").replace("/", "-").replace("?", "-"))
    assert problems == {}

    phone(390)
    browser.get(f"{live_server}/enquiries")
    page_loaded(browser)
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.enquiry-row")
    assert len(rows) == 4
    assert {row.value_of_css_property("display") for row in rows} == {"flex"}
    screenshot(browser, "390-enquiries-cards")
    # Compact cards: two lines each (reference and time left; status, who asked, about what).
    lines = browser.execute_script(LINES_OF_EACH_ROW)
    assert lines == [2, 2, 2, 2], f"lines in each card: {lines}"
    filters = browser.find_element(By.CSS_SELECTOR, "details.enquiry-filters")
    first_row = rows[0].rect["y"]
    assert first_row < 700, "the first enquiry is within the first screen on a phone"
    assert not browser.find_element(By.ID, "q").is_displayed()
    filters.find_element(By.TAG_NAME, "summary").click()
    assert browser.find_element(By.ID, "q").is_displayed()
    screenshot(browser, "390-enquiries")

    # The duty officer answers the overdue one at the top and closes it in one step.
    reference = rows[0].find_element(By.TAG_NAME, "a").text
    click_and_wait(browser, rows[0].find_element(By.TAG_NAME, "a"))
    box = browser.find_element(By.ID, "response")
    assert box.rect["width"] >= 390 - 2 * 40, "the response box spans the phone's width"
    type_into(browser, "response", "We will not comment on response times.")
    click_and_wait(browser, button(browser, "Reply and close"))
    assert "Response recorded and enquiry closed." in main_text(browser)
    assert browser.execute_script(OVERFLOWS) == []
    screenshot(browser, "390-enquiry-replied-and-closed")
    browser.get(f"{live_server}/enquiries")
    page_loaded(browser)
    assert reference not in main_text(browser)


def test_the_log_is_one_line_a_row_across_the_window_at_1280_px(
    browser, live_server, clock, admin, phone
):
    _busy_office(clock, admin)
    sign_in_as(browser, live_server, admin)
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    browser.get(f"{live_server}/enquiries")
    page_loaded(browser)
    screenshot(browser, "1280-enquiries")
    table = browser.find_element(By.CSS_SELECTOR, "table.enquiry-table")
    assert table.rect["width"] > 1200, "the log uses the window's width, not a reading column"
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.enquiry-row")
    assert len(rows) == 4
    line = browser.execute_script(
        "return parseFloat(getComputedStyle(arguments[0].querySelector('td')).lineHeight)",
        rows[0],
    )
    # One line of text, its padding and a tag's border: well short of two lines.
    heights = [row.rect["height"] for row in rows]
    assert max(heights) < 2 * line + 4, f"each row is one line of {line}px: {heights}"
    assert browser.execute_script(LINES_OF_EACH_ROW) == [1, 1, 1, 1]
    subject = browser.find_element(By.CSS_SELECTOR, "tr.enquiry-row td.enquiry-cell--subject")
    assert subject.rect["width"] > 250, "the subject keeps room to be read"
    assert browser.execute_script(OVERFLOWS) == []
