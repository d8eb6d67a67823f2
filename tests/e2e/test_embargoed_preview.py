"""An embargoed copy: an officer gives a journalist a personal link to a scheduled release; the
journalist, with no account, accepts the terms and reads a copy marked with their name."""

from __future__ import annotations

from datetime import UTC, datetime

from selenium.webdriver.common.by import By

from ..factories import create_release
from .steps import (
    button,
    click_and_wait,
    heading,
    link,
    main_text,
    screenshot,
    sign_in_as,
    type_into,
)

TITLE = "New figures on 999 call answering to be published on Thursday"
# Scheduled at the suite's "now" (10:00 GMT on Tuesday 29 November 2016) to go out on Thursday.
EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)


def test_a_journalist_reads_an_embargoed_copy_through_their_own_link_after_accepting_the_terms(
    browser, live_server, clock, officer, approver
):
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO, title=TITLE
    )

    # The officer creates a personal link for a journalist.
    sign_in_as(browser, live_server, officer)
    browser.get(f"{live_server}/releases/{release.id}")
    heading(browser, TITLE)
    click_and_wait(browser, link(browser, "Embargoed copies and access list"))
    heading(browser, TITLE)
    type_into(browser, "name", "Sam Writer")
    type_into(browser, "outlet", "The Daily Example")
    type_into(browser, "email", "sam@example.com")
    click_and_wait(browser, button(browser, "Create their link"))
    heading(browser, "Link created for Sam Writer")
    preview_url = browser.find_element(By.ID, "preview-link").get_attribute("value")
    assert preview_url.startswith(f"{live_server}/preview/")
    screenshot(browser, "13-embargoed-link-created")

    # The journalist opens it in their own browser: first the terms, with the embargo on top.
    browser.delete_all_cookies()
    browser.get(preview_url)
    heading(browser, "Before you read this release")
    banner = browser.find_element(By.CSS_SELECTOR, ".embargo-banner").text
    assert "EMBARGOED UNTIL 00:01 Thursday 1 December 2016 (UK time)" in banner
    assert TITLE not in main_text(browser)
    assert "Sam Writer of The Daily Example" in main_text(browser)
    screenshot(browser, "14-embargoed-terms")

    click_and_wait(browser, button(browser, "I accept the embargo terms"))
    heading(browser, TITLE)
    banner = browser.find_element(By.CSS_SELECTOR, ".embargo-banner")
    assert banner.is_displayed()
    assert "EMBARGOED UNTIL 00:01 Thursday 1 December 2016 (UK time)" in banner.text
    assert "Copy for Sam Writer, The Daily Example." in banner.text
    marks = browser.find_elements(By.CSS_SELECTOR, ".preview-watermark__mark")
    assert marks and marks[0].is_displayed()
    assert {mark.get_attribute("data-mark") for mark in marks} == {"Sam Writer · The Daily Example"}
    assert "Embargoed copy issued to Sam Writer of The Daily Example." in main_text(browser)
    assert browser.title.startswith("EMBARGOED: ")
    screenshot(browser, "15-embargoed-copy")

    # The public still sees nothing of it.
    browser.get(f"{live_server}/news/{release.slug}")
    heading(browser, "Page not found")

    # Back in the office, the opening is on the access list.
    sign_in_as(browser, live_server, officer)
    browser.get(f"{live_server}/releases/{release.id}/recipients")
    heading(browser, TITLE)
    recipients = browser.find_element(By.CSS_SELECTOR, "table[aria-labelledby=recipients-title]")
    row = recipients.find_element(By.XPATH, ".//tr[td[normalize-space()='Sam Writer']]")
    assert "29 Nov 2016 10:00 GMT" in row.text  # terms accepted
    access = browser.find_element(By.ID, "access-list").find_element(
        By.XPATH, "following-sibling::table"
    )
    assert "Sam Writer, The Daily Example" in access.text
