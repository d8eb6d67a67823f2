"""A journalist's enquiry, from the public form to closed, in the browser with JavaScript off;
and the contact page telling a journalist which line to call at the moment they look."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from .steps import (
    button,
    click_and_wait,
    fill_date,
    fill_time,
    heading,
    link,
    main_text,
    screenshot,
    sign_in_as,
    type_into,
    value_of,
)

SUBJECT = "Waiting times for 999 calls"
DETAILS = "How many emergency calls were answered within ten seconds last month?"


def _fill_in_the_enquiry_form(browser) -> None:
    type_into(browser, "journalist_name", "Jo Reporter")
    type_into(browser, "outlet", "The Daily Example")
    type_into(browser, "email", "jo@example.com")
    type_into(browser, "subject", SUBJECT)
    type_into(browser, "details", DETAILS)
    fill_date(browser, "deadline_day", date(2016, 11, 29))
    fill_time(browser, "deadline_time", time(16, 0))


def test_a_journalists_enquiry_is_logged_routed_assigned_answered_and_closed(
    browser, live_server, clock, officer
):
    # A journalist, with no account, fills in the public form.
    browser.delete_all_cookies()
    browser.get(f"{live_server}/contact/enquiry")
    heading(browser, "Send an enquiry to the press office")
    _fill_in_the_enquiry_form(browser)

    # Sent within a second of the form opening, it looks like a robot: it is refused, nothing
    # typed is lost, and the form can be sent again.
    click_and_wait(browser, button(browser, "Send enquiry"))
    heading(browser, "Send an enquiry to the press office")
    assert "That was very quick. Please check your enquiry and send it again." in (
        main_text(browser)
    )
    assert value_of(browser, "subject") == SUBJECT
    assert value_of(browser, "details") == DETAILS
    assert value_of(browser, "deadline_day") == "2016-11-29"
    assert value_of(browser, "deadline_time") == "16:00"

    # A minute later (as a person takes) it goes through.
    clock.advance(seconds=60)
    click_and_wait(browser, button(browser, "Send enquiry"))
    heading(browser, "Enquiry sent")
    sent = main_text(browser)
    reference = browser.find_element(By.CSS_SELECTOR, ".contact-reference").text
    assert reference == "ENQ-20161129-0001"
    assert "Your enquiry arrived in office hours." in sent
    assert "A press officer will reply by email." in sent
    assert "You asked for an answer by 16:00 GMT on Tuesday 29 November 2016" in sent
    screenshot(browser, "09-enquiry-sent")

    # Staff find it at the top of the log, new and nobody's yet.
    sign_in_as(browser, live_server, officer)
    browser.get(f"{live_server}/enquiries")
    heading(browser, "Media enquiries")
    row = browser.find_element(By.CSS_SELECTOR, ".enquiry-table tbody tr")
    assert row.text.startswith(reference)
    for seen in ("Jo Reporter", "The Daily Example", SUBJECT, "New", "Nobody yet"):
        assert seen.lower() in row.text.lower(), row.text
    # The route's column gives its room to the subject below 1440 px; it is still in the row.
    route = row.find_element(By.CSS_SELECTOR, "td.enquiry-cell--route")
    assert route.get_attribute("textContent").strip().lower() == "office hours"
    screenshot(browser, "10-enquiry-log")

    # They assign it, record the answer, and close it.
    click_and_wait(browser, link(browser, reference))
    heading(browser, SUBJECT)
    assert "Line given: 020 3513 0600" in main_text(browser)
    Select(browser.find_element(By.ID, "assignee_id")).select_by_visible_text(officer.name)
    click_and_wait(browser, button(browser, "Assign"))
    heading(browser, SUBJECT)
    assert "Assignment saved." in main_text(browser)
    assert _detail(browser, "Assigned to") == officer.name
    assert "Assigned" in _status_tags(browser)

    clock.advance(seconds=30 * 60)
    type_into(browser, "response", "93% of calls were answered within ten seconds in October.")
    click_and_wait(browser, button(browser, "Save response"))
    heading(browser, SUBJECT)
    assert "Response recorded." in main_text(browser)
    assert "Answered" in _status_tags(browser)
    assert "93% of calls were answered" in main_text(browser)

    type_into(browser, "comment", "Answered by email")
    click_and_wait(browser, button(browser, "Close enquiry"))
    heading(browser, SUBJECT)
    assert "Enquiry closed." in main_text(browser)
    assert "Closed" in _status_tags(browser)
    # A closed enquiry offers nothing more to do.
    assert not browser.find_elements(By.ID, "assignee_id")
    steps = [
        item.find_element(By.TAG_NAME, "strong").text
        for item in browser.find_elements(By.CSS_SELECTOR, ".enquiry-timeline li")
    ]
    assert steps == ["Logged", "Assigned", "Answered", "Closed"]
    screenshot(browser, "11-enquiry-closed")

    # Closed, it leaves the log's opening view, and is in the whole log.
    browser.get(f"{live_server}/enquiries")
    assert not browser.find_elements(By.CSS_SELECTOR, ".enquiry-table tbody tr")
    browser.get(f"{live_server}/enquiries?status=all")
    row = browser.find_element(By.CSS_SELECTOR, ".enquiry-table tbody tr")
    assert row.text.startswith(reference)
    assert "closed" in row.text.lower()
    assert officer.name in row.text


def _detail(browser, key: str) -> str:
    row = browser.find_element(By.XPATH, f"//dt[normalize-space()='{key}']/following-sibling::dd")
    return row.text


def _status_tags(browser) -> list[str]:
    """The tags under the heading, as words (they are shown in capitals)."""
    return [
        tag.text.capitalize() for tag in browser.find_elements(By.CSS_SELECTOR, "main p.body .tag")
    ]


def test_the_contact_page_gives_the_out_of_hours_line_on_a_saturday(
    fresh_browser, live_server, clock
):
    clock.set(datetime(2016, 12, 3, 11, 0, tzinfo=UTC))  # Saturday, 11:00 GMT
    fresh_browser.get(f"{live_server}/contact")
    heading(fresh_browser, "Contact the press office")
    panel = fresh_browser.find_element(By.CSS_SELECTOR, ".panel")
    assert fresh_browser.find_element(By.CSS_SELECTOR, ".panel .contact-line").text == (
        "07836 217 729"
    )
    assert "This is the out-of-hours line, for urgent media enquiries: Weekend (Saturday)." in (
        panel.text
    )
    assert "It is 11:00 GMT now." in panel.text
    assert re.search(r"opens again at 08:30 GMT on Monday 5 December 2016", panel.text), panel.text
    screenshot(fresh_browser, "12-contact-out-of-hours")

    # On a weekday morning the same page gives the office line.
    clock.set(datetime(2016, 12, 5, 8, 30, tzinfo=UTC))  # Monday, 08:30 GMT: just open
    fresh_browser.get(f"{live_server}/contact")
    heading(fresh_browser, "Contact the press office")
    assert fresh_browser.find_element(By.CSS_SELECTOR, ".panel .contact-line").text == (
        "020 3513 0600"
    )
    assert "The press office is open" in fresh_browser.find_element(By.CSS_SELECTOR, ".panel").text
