"""The forward look, from a planned entry to a published release, in the browser with JavaScript
off: an officer plans a confirmed, announced entry; the public calendar shows its public title
only; the release is written from the entry, signed off by someone else and published; and the
forward look and the entry lead to it."""

from __future__ import annotations

from selenium.webdriver.common.by import By

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

TITLE = "Inspection of Northshire's 101 call handling: report out"
PUBLIC_TITLE = "Report on non-emergency call handling"
SUMMARY = "Inspectors found that most 101 calls are now answered within a minute."
BODY = "The inspection listened to 600 calls over four weeks.\n\nIt makes three recommendations."
# The suite's "now" is 10:00 GMT on Tuesday 29 November 2016: planned for the Thursday.
DAY, MONTH, YEAR = "1", "12", "2016"


def test_a_planned_entry_becomes_a_published_release(
    browser, live_server, clock, officer, approver
):
    # The officer plans an entry, confirmed and announced under a public title.
    sign_in_as(browser, live_server, officer)
    browser.get(f"{live_server}/forward-look")
    heading(browser, "Forward look")
    click_and_wait(browser, link(browser, "Plan an entry"))
    heading(browser, "Plan an entry")
    type_into(browser, "title", TITLE)
    type_into(browser, "day", DAY)
    type_into(browser, "month", MONTH)
    type_into(browser, "year", YEAR)
    type_into(browser, "time", "09:30")
    browser.find_element(By.CSS_SELECTOR, "label[for=status-confirmed]").click()
    browser.find_element(By.CSS_SELECTOR, "label[for=announced]").click()
    type_into(browser, "public_title", PUBLIC_TITLE)
    screenshot(browser, "forward-look-01-planning-an-entry")
    click_and_wait(browser, button(browser, "Plan it"))
    heading(browser, TITLE)
    assert "Planned: it is on the forward look" in main_text(browser)
    entry_url = browser.current_url
    screenshot(browser, "forward-look-02-planned-entry")

    browser.get(f"{live_server}/forward-look")
    heading(browser, "Forward look")
    assert TITLE in main_text(browser)
    screenshot(browser, "forward-look-03-on-the-grid")

    # The public calendar announces it by its public title, never the working one.
    browser.delete_all_cookies()
    browser.get(f"{live_server}/calendar")
    page_text = main_text(browser)
    assert PUBLIC_TITLE in page_text
    assert TITLE not in browser.page_source
    screenshot(browser, "forward-look-04-public-calendar")

    # The release is written from the entry, headed with its title.
    sign_in_as(browser, live_server, officer)
    browser.get(entry_url)
    heading(browser, TITLE)
    click_and_wait(browser, button(browser, "Write the release"))
    assert browser.find_element(By.ID, "title").get_attribute("value") == TITLE
    type_into(browser, "summary", SUMMARY)
    type_into(browser, "body", BODY)
    click_and_wait(browser, button(browser, "Save"))
    heading(browser, TITLE)
    release_url = browser.current_url
    assert "Written for the planned entry" in main_text(browser)
    click_and_wait(browser, button(browser, "Submit for approval"))
    heading(browser, TITLE)

    # Someone else signs it off; the officer publishes it.
    sign_in_as(browser, live_server, approver)
    browser.get(release_url)
    heading(browser, TITLE)
    browser.find_element(By.CSS_SELECTOR, "label[for=decision-approve]").click()
    click_and_wait(browser, button(browser, "Send decision"))
    heading(browser, TITLE)
    sign_in_as(browser, live_server, officer)
    browser.get(release_url)
    heading(browser, TITLE)
    click_and_wait(browser, button(browser, "Publish now"))
    heading(browser, TITLE)
    assert "Published" in browser.find_element(By.ID, "release-status").text
    screenshot(browser, "forward-look-05-release-published")

    # The entry leads to the published release; the newsroom has it.
    browser.get(entry_url)
    heading(browser, TITLE)
    release_row = browser.find_element(
        By.XPATH, "//dt[normalize-space()='Release']/following-sibling::dd"
    ).text
    assert TITLE in release_row and "published" in release_row.lower(), release_row
    screenshot(browser, "forward-look-06-entry-with-its-release")
    browser.delete_all_cookies()
    browser.get(f"{live_server}/news")
    assert TITLE in main_text(browser)
