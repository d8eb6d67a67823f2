"""The duty officer on a phone (390 px, JavaScript off): the enquiry log opens on what is still
open, overdue first; they open the overdue one, reply in the full-width box and close it in one
step with "Reply and close", and it leaves the open list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from ..factories import make_enquiry
from .steps import button, click_and_wait, heading, link, main_text, screenshot, sign_in_as

OVERDUE = "Injured officer: condition update"
LATER = "Road closure on the ring road"
ANSWER = "The officer is stable in hospital and expected to make a full recovery."
PHONE_WIDTH = 390


@pytest.fixture
def on_a_phone(browser):
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _wider_than_the_phone(browser) -> bool:
    return browser.execute_script("return document.documentElement.scrollWidth > window.innerWidth")


def test_the_duty_officer_replies_to_and_closes_an_overdue_enquiry_on_a_phone(
    browser, on_a_phone, live_server, clock, officer
):
    now = clock.instant
    overdue = make_enquiry(
        received_at=now - timedelta(hours=3),
        deadline=now - timedelta(minutes=30),
        subject=OVERDUE,
        outlet="Northshire Evening News",
    )
    make_enquiry(
        received_at=now - timedelta(hours=1), deadline=now + timedelta(hours=5), subject=LATER
    )

    sign_in_as(browser, live_server, officer)
    browser.get(f"{live_server}/enquiries")
    heading(browser, "Media enquiries")
    rows = browser.find_elements(By.CSS_SELECTOR, ".enquiry-table tbody tr")
    assert OVERDUE in rows[0].text, "the overdue enquiry comes first"
    assert rows[0].rect["y"] < 844, "the first enquiry is on the first screen"
    assert not _wider_than_the_phone(browser)
    screenshot(browser, "duty-01-open-enquiries-on-a-phone")

    click_and_wait(browser, link(browser, overdue.reference))
    heading(browser, OVERDUE)
    box = browser.find_element(By.ID, "response")
    main_width = browser.find_element(By.ID, "main").rect["width"]
    assert box.rect["width"] >= 0.9 * main_width, "the reply box is as wide as the page"
    assert not _wider_than_the_phone(browser)
    box.send_keys(ANSWER)
    screenshot(browser, "duty-02-reply-typed")

    clock.advance(minutes=5)
    click_and_wait(browser, button(browser, "Reply and close"))
    heading(browser, OVERDUE)
    tags = [tag.text.lower() for tag in browser.find_elements(By.CSS_SELECTOR, "main p.body .tag")]
    assert "closed" in tags, tags
    assert ANSWER in main_text(browser)
    assert not browser.find_elements(By.ID, "response"), "a closed enquiry offers no reply box"
    screenshot(browser, "duty-03-replied-and-closed")

    browser.get(f"{live_server}/enquiries")
    heading(browser, "Media enquiries")
    open_list = browser.find_element(By.ID, "main").text
    assert overdue.reference not in open_list
    assert LATER in open_list
    screenshot(browser, "duty-04-open-enquiries-after-closing")
