"""An approver signs off a release whose quote still waits for its speaker, from the release page
itself: warned before deciding, refused without a reason (the box for it beside the decision),
and approved once the reason is given, which the timeline keeps."""

from __future__ import annotations

from selenium.webdriver.common.by import By

from pressoffice.services import quote_signoffs

from ..factories import create_release
from .steps import button, click_and_wait, heading, main_text, screenshot, sign_in_as, type_into

TITLE = "Inspectors report on the county's fraud investigations"
SPEAKER = "Priya Raman"
REASON = "Priya agreed the words by phone at 09:40; her email is delayed."


def test_an_approver_overrides_a_waiting_quote_from_the_release_page(
    browser, live_server, clock, officer, approver
):
    release = create_release(
        state="in_review",
        author=officer,
        title=TITLE,
        quotes=[{"speaker": SPEAKER, "role": "HM Inspector", "text": "Victims deserve better."}],
    )
    quote_signoffs.request_signoff(
        release.id,
        release.quotes[0]["key"],
        actor=officer,
        name=SPEAKER,
        email="priya.raman@example.org",
        now=clock.instant,
    )

    # The approver is warned on the release page, before deciding, that a quote waits.
    sign_in_as(browser, live_server, approver)
    browser.get(f"{live_server}/releases/{release.id}")
    heading(browser, TITLE)
    warning = browser.find_element(By.ID, "signoff-warning").text
    assert SPEAKER in warning, warning
    assert browser.find_element(By.ID, "decision-signoff_override").is_displayed()
    screenshot(browser, "quote-override-01-warned-before-deciding")

    # Approving without a reason is refused, with the message by the reason box.
    browser.find_element(By.CSS_SELECTOR, "label[for=decision-approve]").click()
    click_and_wait(browser, button(browser, "Send decision"))
    heading(browser, TITLE)
    error = browser.find_element(By.ID, "decision-signoff_override-error").text
    assert error, "the refusal is next to the reason box"
    assert "Approved" not in browser.find_element(By.ID, "release-status").text
    screenshot(browser, "quote-override-02-refused-without-a-reason")

    # With the reason given, it is approved, and the reason is on the timeline.
    browser.find_element(By.CSS_SELECTOR, "label[for=decision-approve]").click()
    type_into(browser, "decision-signoff_override", REASON)
    click_and_wait(browser, button(browser, "Send decision"))
    heading(browser, TITLE)
    assert "Approved: not public yet" in browser.find_element(By.ID, "release-status").text
    timeline = browser.find_element(By.ID, "timeline")
    timeline.find_element(By.TAG_NAME, "summary").click()
    assert REASON in timeline.text, timeline.text
    assert "Approved" in main_text(browser)
    screenshot(browser, "quote-override-03-approved-with-the-reason-on-the-timeline")
