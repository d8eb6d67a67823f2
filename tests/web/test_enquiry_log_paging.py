"""Paging a long enquiry log: by position (newer, older, newest, oldest), with counts that stay
quick because beyond ten thousand they are said in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry
from pressoffice.services import enquiries, enquiry_pages

from ..factories import make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


# The whole log, newest first (it opens on the enquiries not closed, in the duty officer's
# order: tests/web/test_enquiry_duty_mode.py).
def _references(page) -> list[str]:
    return [row.a.text for row in page.select("tr.enquiry-row")]


def _log(count: int) -> list[str]:
    """``count`` enquiries a minute apart, two of them received at the same instant; answers
    their references newest first, as the log lists them."""
    made = []
    for minute in range(count):
        at = NOW - timedelta(minutes=minute + 1 if minute != 2 else minute)
        made.append(make_enquiry(received_at=at))
    # Newest first; received at the same instant, the later-logged comes first.
    ordered = sorted(made, key=lambda e: (e.received_at, e.id), reverse=True)
    return [e.reference for e in ordered]


def test_older_and_newer_links_reach_every_enquiry_once_in_order(
    signed_in, officer, clock, monkeypatch
):
    monkeypatch.setattr(enquiries, "PER_PAGE", 2)
    expected = _log(5)
    browser = signed_in(officer)

    seen, pages, url = [], [], "/enquiries?status=all"
    while url:
        page = browser.get(url)
        pages.append(page)
        seen += _references(page)
        older = page.select_one("a[rel=next]")
        url = older["href"] if older else None

    assert seen == expected
    assert len(pages) == 3
    assert pages[0].select_one("a[rel=prev]") is None
    assert "Showing the oldest 1 of 5 enquiries" in pages[-1].get_text(" ", strip=True)

    back = browser.get(pages[-1].select_one("a[rel=prev]")["href"])
    assert _references(back) == expected[2:4]
    assert browser.get(back.select_one("a[rel=first]")["href"]).select_one("a[rel=prev]") is None


def test_the_oldest_link_shows_the_first_enquiries_ever_logged(
    signed_in, officer, clock, monkeypatch
):
    monkeypatch.setattr(enquiries, "PER_PAGE", 2)
    expected = _log(5)
    browser = signed_in(officer)

    oldest = browser.get(browser.get("/enquiries?status=all").select_one("a[rel=last]")["href"])

    assert _references(oldest) == expected[-2:]
    assert oldest.select_one("a[rel=next]") is None
    assert _references(browser.get(oldest.select_one("a[rel=prev]")["href"])) == expected[1:3]


def test_a_page_whose_enquiries_were_removed_shows_the_end_it_pointed_to(
    signed_in, officer, clock, monkeypatch
):
    monkeypatch.setattr(enquiries, "PER_PAGE", 2)
    expected = _log(3)
    browser = signed_in(officer)
    older = browser.get("/enquiries?status=all").select_one("a[rel=next]")["href"]
    db.session.execute(sa.delete(Enquiry).where(Enquiry.reference == expected[-1]))
    db.session.commit()

    page = browser.get(older)

    assert _references(page) == expected[:2]


def test_beyond_the_counting_limit_the_log_says_more_than(signed_in, officer, clock, monkeypatch):
    monkeypatch.setattr(enquiries, "PER_PAGE", 2)
    monkeypatch.setattr(enquiry_pages, "COUNT_LIMIT", 3)
    _log(5)

    page = signed_in(officer).get("/enquiries?status=all")

    text = page.get_text(" ", strip=True)
    assert "Showing 1 to 2 of more than 3 enquiries." in text
    assert "Download these enquiries as CSV" in text


def test_at_the_counting_limit_the_count_is_exact(signed_in, officer, clock, monkeypatch):
    monkeypatch.setattr(enquiry_pages, "COUNT_LIMIT", 3)
    _log(3)

    text = signed_in(officer).get("/enquiries?status=all").get_text(" ", strip=True)

    assert "Showing 1 to 3 of 3 enquiries." in text
    assert "Download these 3 enquiries as CSV" in text


def test_a_hand_edited_position_is_refused_with_the_reason(signed_in, officer, clock):
    _log(1)

    page = signed_in(officer).get("/enquiries?after=yesterday", _expected_status=400)

    assert "Not a position in the log" in page.select_one(".error-summary").text
    assert page.select("tr.enquiry-row") == []
