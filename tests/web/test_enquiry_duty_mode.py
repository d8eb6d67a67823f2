"""Duty mode: the enquiry log opens on the open work (new or assigned), overdue first, then
by deadline, with its filters folded away, paged by position like the rest of the log."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from pressoffice.services import enquiries

from ..factories import make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)  # the clock fixture's instant


def _subjects(page) -> list[str]:
    return [row.select("td")[3].get_text() for row in page.select("tr.enquiry-row")]


def _duty_log(officer):
    """Enquiries in every position of the duty order; answers their subjects in that order."""
    make_enquiry(received_at=NOW - timedelta(hours=5), deadline=None, subject="No deadline, older")
    make_enquiry(received_at=NOW - timedelta(hours=1), deadline=None, subject="No deadline, newer")
    make_enquiry(
        received_at=NOW - timedelta(hours=2), deadline=NOW + timedelta(hours=3), subject="Later"
    )
    make_enquiry(
        received_at=NOW - timedelta(hours=1),
        deadline=NOW - timedelta(minutes=10),
        subject="Overdue 10 minutes",
    )
    make_enquiry(
        received_at=NOW - timedelta(hours=4),
        deadline=NOW - timedelta(hours=2),
        subject="Overdue 2 hours",
    )
    # At its deadline instant an enquiry is not overdue yet.
    make_enquiry(received_at=NOW - timedelta(hours=3), deadline=NOW, subject="Due now")
    answered = make_enquiry(
        received_at=NOW - timedelta(hours=6),
        deadline=NOW - timedelta(hours=5),
        subject="Answered, not closed",
    )
    enquiries.respond(answered.reference, "We will not comment.", actor=officer, now=NOW)
    closed = make_enquiry(received_at=NOW - timedelta(minutes=5), subject="Closed")
    enquiries.close(closed.reference, actor=officer, now=NOW)
    return [
        "Overdue 2 hours",
        "Overdue 10 minutes",
        "Due now",
        "Later",
        "No deadline, older",
        "No deadline, newer",
    ]


def test_the_log_opens_on_the_open_work_overdue_first_then_by_deadline(signed_in, officer, clock):
    expected = _duty_log(officer)

    page = signed_in(officer).get("/enquiries")

    # Answered ones are done with for the duty officer: not in the opening view.
    assert _subjects(page) == expected
    text = page.get_text(" ", strip=True)
    assert "Showing 1 to 6 of 6 enquiries still to answer, overdue first, then by deadline" in text
    overdue = [r.select("td")[3].get_text() for r in page.select("tr.enquiry-row--overdue")]
    assert overdue == ["Overdue 2 hours", "Overdue 10 minutes"]
    assert page.select_one("#status option[selected]")["value"] == "open"
    assert "(filters in use)" not in page.select_one("details.enquiry-filters summary").get_text()


def test_answered_but_not_closed_and_any_status_are_one_link_away(signed_in, officer, clock):
    _duty_log(officer)
    browser = signed_in(officer)
    views = browser.get("/enquiries").select_one("nav.enquiry-views")
    assert views.select_one("[aria-current]").get_text(strip=True) == "Still to answer"

    answered = browser.get(views.find("a", string="Answered, not closed")["href"])
    assert _subjects(answered) == ["Answered, not closed"]
    everything = browser.get(views.find("a", string="Any status")["href"])
    assert len(everything.select("tr.enquiry-row")) == 8


def test_closed_enquiries_are_one_choice_away_newest_first(signed_in, officer, clock):
    _duty_log(officer)
    browser = signed_in(officer)

    everything = browser.get(
        browser.get("/enquiries").find("a", string="All enquiries, newest first")["href"]
    )

    assert _subjects(everything)[0] == "Closed"
    assert len(everything.select("tr.enquiry-row")) == 8
    assert everything.select_one("#status option[selected]")["value"] == "all"


def test_the_duty_order_pages_by_position_reaching_every_enquiry_once(
    signed_in, officer, clock, monkeypatch
):
    monkeypatch.setattr(enquiries, "PER_PAGE", 2)
    expected = _duty_log(officer)
    browser = signed_in(officer)

    seen, pages, url = [], [], "/enquiries"
    while url:
        page = browser.get(url)
        pages.append(page)
        seen += _subjects(page)
        following = page.select_one("a[rel=next]")
        url = following["href"] if following else None

    assert seen == expected
    assert len(pages) == 3
    assert "Showing the last 2 of 6" in pages[-1].get_text(" ", strip=True)
    back = browser.get(pages[-1].select_one("a[rel=prev]")["href"])
    assert _subjects(back) == expected[2:4]
    last = browser.get(pages[0].select_one("a[rel=last]")["href"])
    assert _subjects(last) == expected[-2:]
    assert browser.get("/enquiries?after=d9-x", _expected_status=400).select_one(".error-summary")


def test_the_filters_are_folded_behind_one_control_until_used(signed_in, officer, clock):
    _duty_log(officer)
    browser = signed_in(officer)

    folded = browser.get("/enquiries").select_one("details.enquiry-filters")
    assert folded.summary.get_text(strip=True) == "Filter the log"
    assert not folded.has_attr("open")
    assert folded.select_one("form #q") is not None

    in_use = browser.get("/enquiries?q=overdue").select_one("details.enquiry-filters")
    assert in_use.has_attr("open")
    assert "(filters in use)" in in_use.summary.get_text()
    refused = browser.get("/enquiries?from=yesterday", _expected_status=400)
    assert refused.select_one("details.enquiry-filters").has_attr("open")


def test_the_csv_link_of_the_opening_view_holds_the_same_enquiries(signed_in, officer, clock):
    expected = _duty_log(officer)
    browser = signed_in(officer)

    link = browser.get("/enquiries").find("a", string="Download these 6 enquiries as CSV")
    rows = list(
        csv.DictReader(io.StringIO(browser.client.get(link["href"]).get_data(as_text=True)))
    )

    assert sorted(row["Subject"] for row in rows) == sorted(expected)
