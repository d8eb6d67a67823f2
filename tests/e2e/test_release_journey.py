"""A release from the first word to the newsroom, in the browser with JavaScript off: drafted
with the editor's "Add another" buttons, signed off by someone else, scheduled in UK time, and
public at the embargo minute, not a second before."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from selenium.webdriver.common.by import By

from .steps import (
    button,
    choose,
    click_and_wait,
    fill_day_month_year,
    heading,
    link,
    main_text,
    screenshot,
    sign_in_as,
    type_into,
    value_of,
)

TITLE = "Inspectors find faster answers to 999 calls in Surrey"
SUMMARY = "A follow-up inspection found that calls are answered sooner than a year ago."
BODY = (
    "Inspectors returned in **October** to check on the force's call handling.\n\n"
    "They found that nine in ten emergency calls are answered within ten seconds."
)
QUOTES = [
    ("Ann Lee", "Chief Inspector", "I am pleased with the progress the force has made."),
    ("Raj Patel", "Chief Constable", "Our call handlers have worked hard for this."),
    ("Mo Smith", "Police and Crime Commissioner", "There is more to do, and we will do it."),
]
LINKS = [
    ("Get the report", "https://example.org/reports/surrey-999.pdf"),
    ("Read the first inspection", "https://example.org/reports/surrey-2015.pdf"),
]
NOTES = [
    "The inspection took place from 3 to 7 October 2016.",
    "The first inspection was published in November 2015.",
    "Inspectors listened to 400 calls.",
    "The force covers a population of 1.2 million.",
]
# The embargo: two minutes after the suite's "now" (10:00 GMT on Tuesday 29 November 2016).
EMBARGO_DAY, EMBARGO_AT = date(2016, 11, 29), time(10, 2)
EMBARGO = datetime(2016, 11, 29, 10, 2, tzinfo=UTC)
EMBARGO_WORDS = "10:02 GMT on Tuesday 29 November 2016"
EMBARGO_UTC_WORDS = "10:02 UTC on Tuesday 29 November 2016"


def _type_quote(browser, index, speaker, role, text):
    type_into(browser, f"quotes-{index}-speaker", speaker)
    type_into(browser, f"quotes-{index}-role", role)
    type_into(browser, f"quotes-{index}-text", text)


def _type_link(browser, index, label, url):
    type_into(browser, f"links-{index}-label", label)
    type_into(browser, f"links-{index}-url", url)


def _draft_with_add_another(browser, base_url) -> None:
    """Type the whole release into the editor, asking for each extra quote, link and note with
    its "Add another" button; nothing typed before a button is pressed may be lost."""
    browser.get(f"{base_url}/releases/new")
    heading(browser, "New release")
    type_into(browser, "title", TITLE)
    type_into(browser, "summary", SUMMARY)
    type_into(browser, "body", BODY)
    for index, quote in enumerate(QUOTES):
        if index:
            click_and_wait(browser, button(browser, "Add another quote"))
            assert value_of(browser, f"quotes-{index - 1}-speaker") == QUOTES[index - 1][0]
            assert value_of(browser, f"quotes-{index}-speaker") == ""
        _type_quote(browser, index, *quote)
    for index, entry in enumerate(LINKS):
        if index:
            click_and_wait(browser, button(browser, "Add another link"))
        _type_link(browser, index, *entry)
    for index, note in enumerate(NOTES):
        if index:
            click_and_wait(browser, button(browser, "Add another note"))
        type_into(browser, f"notes-{index}", note)
    # Everything typed before the six "Add another" round trips is still there.
    assert value_of(browser, "title") == TITLE
    assert value_of(browser, "body").replace("\r\n", "\n") == BODY
    assert [value_of(browser, f"quotes-{i}-text") for i in range(3)] == [q[2] for q in QUOTES]
    assert [value_of(browser, f"links-{i}-url") for i in range(2)] == [x[1] for x in LINKS]
    screenshot(browser, "01-editor-three-quotes-two-links-four-notes")


def test_a_release_is_drafted_signed_off_by_someone_else_and_public_at_its_embargo_minute(
    browser, live_server, clock, officer, approver
):
    # An officer drafts the release with the editor's "Add another" buttons and saves it.
    sign_in_as(browser, live_server, officer)
    _draft_with_add_another(browser, live_server)
    click_and_wait(browser, button(browser, "Save"))
    heading(browser, TITLE)
    saved = re.search(r"Its web address will be /news/(\S+)", main_text(browser))
    assert saved, main_text(browser)
    slug = saved.group(1)
    release_url = browser.current_url

    # They submit it, and cannot approve it themselves: the page says why.
    click_and_wait(browser, button(browser, "Submit for approval"))
    heading(browser, TITLE)
    actions = browser.find_element(By.ID, "release-actions").text
    assert "Submitted for approval" in main_text(browser)
    assert "Only an approver or an admin can approve it" in actions
    assert "Waiting for sign-off by an approver who did not write it" in (
        browser.find_element(By.ID, "next-step").text
    )
    assert not browser.find_elements(By.ID, "decision-approve")
    screenshot(browser, "02-release-in-review-author-cannot-approve")

    # An approver who did not write it reads the preview and signs it off with one form.
    sign_in_as(browser, live_server, approver)
    browser.get(release_url)
    heading(browser, TITLE)
    choose(browser, "decision-approve")
    type_into(browser, "decision-comment", "Checked the figures.")
    click_and_wait(browser, button(browser, "Send decision"))
    heading(browser, TITLE)
    assert "Approved" in browser.find_element(By.CSS_SELECTOR, ".notification").text
    assert "Approved: not public yet" in browser.find_element(By.ID, "release-status").text

    # The officer schedules it two minutes ahead, in UK wall time, and checks the time shown.
    sign_in_as(browser, live_server, officer)
    browser.get(release_url)
    heading(browser, TITLE)
    click_and_wait(browser, link(browser, "Schedule for an embargo time"))
    heading(browser, "When does the embargo lift?")
    fill_day_month_year(browser, EMBARGO_DAY)
    type_into(browser, "at", f"{EMBARGO_AT:%H:%M}")
    screenshot(browser, "03-when-does-the-embargo-lift")
    click_and_wait(browser, button(browser, "Continue"))
    heading(browser, "Check the embargo time")
    assert browser.find_element(By.ID, "embargo-uk").text == EMBARGO_WORDS
    assert browser.find_element(By.ID, "embargo-utc").text == EMBARGO_UTC_WORDS
    screenshot(browser, "03b-check-the-embargo-time")
    click_and_wait(browser, button(browser, f"Schedule for {EMBARGO_WORDS}"))
    heading(browser, TITLE)
    assert f"Scheduled: goes out at {EMBARGO_WORDS}" in main_text(browser)
    banner = browser.find_element(By.ID, "release-status").text
    assert f"That is {EMBARGO_UTC_WORDS}. Until then nothing of it is public." in banner
    screenshot(browser, "04-release-scheduled")

    # An anonymous visitor finds nothing of it before the embargo, even one second before.
    browser.delete_all_cookies()
    clock.set(EMBARGO - timedelta(seconds=1))
    _nothing_public(browser, live_server, slug)

    # At the embargo instant the release is public, exactly as approved.
    clock.set(EMBARGO)
    browser.get(f"{live_server}/news/{slug}")
    heading(browser, TITLE)
    _shows_the_release(browser)
    screenshot(browser, "06-public-release-at-the-embargo")
    browser.get(f"{live_server}/news")
    assert TITLE in browser.find_element(By.ID, "main").text
    screenshot(browser, "07-newsroom-list")
    browser.get(f"{live_server}/news.atom")
    assert TITLE in browser.page_source
    assert f"/news/{slug}" in browser.page_source


def _nothing_public(browser, base_url, slug) -> None:
    browser.get(f"{base_url}/news/{slug}")
    heading(browser, "Page not found")
    assert TITLE not in browser.page_source
    screenshot(browser, "05-release-page-before-the-embargo")
    browser.get(f"{base_url}/news")
    assert TITLE not in browser.page_source
    assert slug not in browser.page_source
    browser.get(f"{base_url}/news.atom")
    assert TITLE not in browser.page_source
    assert slug not in browser.page_source
    browser.get(f"{base_url}/api/v1/public/releases/{slug}")
    assert '"not_found"' in browser.page_source
    assert TITLE not in browser.page_source


def _shows_the_release(browser) -> None:
    article = browser.find_element(By.CSS_SELECTOR, "article.release")
    assert SUMMARY in article.text
    assert "nine in ten emergency calls" in article.text
    assert article.find_element(By.TAG_NAME, "strong").text == "October"
    introductions = [
        element.text for element in article.find_elements(By.CSS_SELECTOR, ".release__quote-intro")
    ]
    assert introductions == [f"{speaker}, {role}, said:" for speaker, role, _ in QUOTES]
    quoted = [
        element.text for element in article.find_elements(By.CSS_SELECTOR, ".release__quote-text")
    ]
    assert quoted == [f"“{text}”" for _, _, text in QUOTES]
    links = [
        (element.text, element.get_attribute("href"))
        for element in article.find_elements(By.CSS_SELECTOR, ".release__links a")
    ]
    assert links == LINKS
    notes = [
        element.text for element in article.find_elements(By.CSS_SELECTOR, ".release__note-list li")
    ]
    # The four notes, numbered in order, then the press office's own contact notes.
    assert notes[:4] == NOTES
    assert len(notes) == 6
    assert notes[4].startswith("For further information,")
    assert "020 3513 0600" in notes[4]
    assert notes[5] == "Out of hours, for urgent media enquiries only, call 07836 217 729."
    assert article.find_element(By.CSS_SELECTOR, ".release__note-list").tag_name == "ol"


def test_a_refused_draft_keeps_everything_the_officer_typed_and_links_each_error_to_its_box(
    browser, live_server, officer
):
    long_title = "Inspectors " + "x" * 190
    assert len(long_title) == 201
    sign_in_as(browser, live_server, officer)
    browser.get(f"{live_server}/releases/new")
    heading(browser, "New release")
    type_into(browser, "title", long_title)
    type_into(browser, "summary", SUMMARY)
    type_into(browser, "body", BODY)
    _type_quote(browser, 0, *QUOTES[0])
    click_and_wait(browser, button(browser, "Add another quote"))
    _type_quote(browser, 1, *QUOTES[1])
    _type_link(browser, 0, "Get the report", "javascript:alert(document.cookie)")
    type_into(browser, "notes-0", NOTES[0])
    click_and_wait(browser, button(browser, "Add another note"))
    type_into(browser, "notes-1", NOTES[1])
    click_and_wait(browser, button(browser, "Save"))

    heading(browser, "New release")
    assert browser.title.startswith("Error: ")
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    screenshot(browser, "08-editor-refused-with-error-summary")
    targets = {
        element.get_attribute("href").rsplit("#", 1)[1]: element.text
        for element in summary.find_elements(By.TAG_NAME, "a")
    }
    assert set(targets) == {"title", "links-0-url"}, targets
    assert "200" in targets["title"]
    assert "http" in targets["links-0-url"]
    # Each message is also next to its box.
    assert browser.find_element(By.ID, "title-error").text.endswith(targets["title"])
    assert browser.find_element(By.ID, "links-0-url-error").text.endswith(targets["links-0-url"])

    # Nothing typed is lost: the officer corrects two boxes instead of starting again.
    assert value_of(browser, "title") == long_title
    assert value_of(browser, "summary") == SUMMARY
    assert value_of(browser, "body").replace("\r\n", "\n") == BODY
    for index in (0, 1):
        speaker, role, text = QUOTES[index]
        assert value_of(browser, f"quotes-{index}-speaker") == speaker
        assert value_of(browser, f"quotes-{index}-role") == role
        assert value_of(browser, f"quotes-{index}-text") == text
    assert value_of(browser, "links-0-label") == "Get the report"
    assert value_of(browser, "links-0-url") == "javascript:alert(document.cookie)"
    assert [value_of(browser, "notes-0"), value_of(browser, "notes-1")] == NOTES[:2]

    # Following a link in the summary lands on the box to correct.
    summary.find_element(By.CSS_SELECTOR, "a[href$='#links-0-url']").click()
    assert browser.current_url.endswith("#links-0-url")

    # Nothing was saved.
    browser.get(f"{live_server}/releases")
    assert "Inspectors xxx" not in main_text(browser)
