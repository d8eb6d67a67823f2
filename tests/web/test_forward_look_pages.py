"""The forward look's staff pages, the public release calendar and both iCalendar downloads, as
a person (or a calendar program) meets them; and the print view of a release."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from pressoffice.services import forward_look, releases

from ..factories import create_release

ENTRY_FORM = {
    "title": "Northshire children's services inspection",
    "day": "6",
    "month": "12",
    "year": "2016",
    "time": "09:30",
    "status": "confirmed",
    "announced": "yes",
    "public_title": "Children's services inspection report",
    "notes": "Embargoed copies to the regional press",
}


def _text(soup) -> str:
    return " ".join(soup.get_text(" ").split())


@pytest.fixture
def planned(officer):
    return forward_look.create_entry(
        actor=officer,
        owner_id=officer.id,
        **{k: v for k, v in ENTRY_FORM.items() if k != "time"},
        at="09:30",
    )


def test_the_grid_is_in_the_staff_menu_and_shows_four_weeks_of_uk_days(signed_in, officer):
    page = signed_in(officer)

    grid = page.get("/forward-look")

    assert grid.find("a", string="Forward look")["href"] == "/forward-look"
    days = grid.select("section.grid-day")
    assert len(days) == 28
    assert days[0].h3.get_text(" ", strip=True).startswith("Tuesday 29 November 2016")
    assert days[-1].h3.get_text(" ", strip=True) == "Monday 26 December 2016"
    assert grid.select_one(".grid-day--today")["id"] == "2016-11-29"
    # Week navigation works without JavaScript: plain links.
    assert grid.find("a", string="Next week")["href"] == "/forward-look?from=2016-12-06"
    assert grid.find("a", string="Previous week")["href"] == "/forward-look?from=2016-11-22"
    assert len(page.get("/forward-look?from=2016-12-06").select("section.grid-day")) == 28


def test_a_nonsense_first_day_shows_the_grid_from_today(signed_in, officer):
    grid = signed_in(officer).get("/forward-look?from=2016-02-31")

    assert grid.select("section.grid-day")[0]["id"] == "2016-11-29"


def test_planning_an_entry_puts_it_on_its_day_of_the_grid(signed_in, officer):
    page = signed_in(officer)
    form = page.get("/forward-look/new?day=2016-12-06")
    assert form.find("input", id="day")["value"] == "6"
    assert form.find("input", id="year")["value"] == "2016"

    entry_page = page.post("/forward-look/new", {**ENTRY_FORM, "owner_id": str(officer.id)})

    assert "Planned: it is on the forward look" in _text(entry_page)
    assert "Tuesday 6 December 2016, 09:30 GMT" in _text(entry_page)
    day = page.get("/forward-look").find("section", id="2016-12-06")
    assert "Northshire children's services inspection" in _text(day)
    assert "09:30 GMT" in _text(day) and "Confirmed" in _text(day) and "Announced" in _text(day)


def test_a_refused_plan_shows_the_error_summary_and_keeps_what_was_typed(signed_in, officer):
    page = signed_in(officer)

    form = page.post(
        "/forward-look/new",
        {**ENTRY_FORM, "owner_id": str(officer.id), "day": "31", "month": "11", "public_title": ""},
        _expected_status=400,
    )

    summary = form.select_one(".error-summary")
    links = {a["href"]: a.get_text() for a in summary.select("a")}
    assert links == {
        "#day": "The date must be a real date, for example 27 3 2017",
        "#public_title": "Enter the title the public will see",
    }
    assert form.find("input", id="title")["value"] == ENTRY_FORM["title"]
    assert form.find("textarea", id="notes").get_text() == ENTRY_FORM["notes"]
    assert form.find("input", id="day")["value"] == "31"
    assert form.title.get_text().startswith("Error:")


def test_changing_a_confirmed_date_asks_for_the_reason_and_shows_it_on_the_timeline(
    signed_in, officer, planned
):
    page = signed_in(officer)
    url = f"/forward-look/{planned.id}/date"
    form = page.get(url)
    assert "the new date and your reason will be shown on the public release calendar" in _text(
        form
    )

    refused = page.post(
        url,
        {"day": "8", "month": "12", "year": "2016", "time": "09:30", "version": "1"},
        _expected_status=400,
    )
    assert refused.select_one(".error-summary a")["href"] == "#reason"
    assert refused.find("input", id="day")["value"] == "8"

    done = page.post(
        url,
        {
            "day": "8",
            "month": "12",
            "year": "2016",
            "time": "09:30",
            "reason": "The inspectorate moved publication",
            "version": "1",
        },
    )
    text = _text(done)
    assert "Date changed: now Thursday 8 December 2016 at 09:30" in text
    assert (
        "Date changed: from Tuesday 6 December 2016, 09:30 GMT "
        "to Thursday 8 December 2016, 09:30 GMT" in text
    )
    assert "The inspectorate moved publication" in text


def test_cancelling_asks_for_a_reason_then_marks_the_entry_cancelled(signed_in, officer, planned):
    page = signed_in(officer)
    url = f"/forward-look/{planned.id}/cancel"

    refused = page.post(url, {"reason": "", "version": "1"}, _expected_status=400)
    assert refused.select_one(".error-summary a")["href"] == "#reason"

    done = page.post(url, {"reason": "The report was postponed to the new year", "version": "1"})

    assert "Cancelled" in _text(done.select_one(".summary-list"))
    assert "The report was postponed to the new year" in _text(done)
    assert done.find("a", string="Edit details") is None
    day = page.get("/forward-look").find("section", id="2016-12-06")
    assert "Cancelled" in _text(day)


def test_editing_from_an_old_page_is_refused_with_both_versions_named(signed_in, officer, planned):
    page = signed_in(officer)
    forward_look.move_entry(planned.id, actor=officer, day="7", month="12", year="2016", reason="x")

    form = page.post(
        f"/forward-look/{planned.id}/edit",
        {**ENTRY_FORM, "owner_id": str(officer.id), "title": "New title", "version": "1"},
        _expected_status=409,
    )

    assert "now version 2" in _text(form.select_one(".error-summary"))
    assert form.find("input", id="title")["value"] == "New title"
    assert forward_look.get_entry(planned.id).title == ENTRY_FORM["title"]


def test_from_planned_entry_to_published_release(signed_in, officer, approver, planned, clock):
    page = signed_in(officer)

    editor = page.post(f"/forward-look/{planned.id}/release", {})

    assert "Draft release started from the planned entry" in _text(editor)
    assert editor.find("input", id="title")["value"] == ENTRY_FORM["title"]
    release_id = forward_look.get_entry(planned.id).release_id
    release_page = page.get(f"/releases/{release_id}")
    link = release_page.find("a", string=ENTRY_FORM["title"])
    assert link["href"] == f"/forward-look/{planned.id}"
    assert release_page.find("a", string="Print for the sign-off meeting")["href"] == (
        f"/releases/{release_id}/print"
    )
    day = page.get("/forward-look").find("section", id="2016-12-06")
    assert "Release drafted" in _text(day)

    releases.update_release(
        release_id,
        actor=officer,
        expected_version=1,
        title=ENTRY_FORM["title"],
        summary="A standfirst.",
        body="The body.",
    )
    releases.submit_release(release_id, actor=officer)
    releases.approve_release(release_id, actor=approver)
    embargo = datetime(2016, 12, 6, 9, 30, tzinfo=UTC)
    releases.schedule_release(release_id, actor=officer, embargo_until=embargo)
    assert "Release scheduled" in _text(page.get("/forward-look").find("section", id="2016-12-06"))

    # A week on, the sign-in has long ended: sign in again.
    clock.set(embargo)
    page = signed_in(officer)
    grid = page.get("/forward-look")
    assert "Published" in _text(grid.find("section", id="2016-12-06"))


def test_the_print_view_has_state_version_embargo_approval_quotes_notes_and_contacts(
    signed_in, officer, approver
):
    embargo = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    page = signed_in(officer)

    sheet = page.get(f"/releases/{release.id}/print")

    facts = _text(sheet.select_one(".print-facts"))
    assert "Status Scheduled" in facts
    assert "Version 1" in facts
    assert "00:01 GMT on Thursday 1 December 2016 (00:01 UTC)" in facts
    assert "by Amir Approver" in facts and "The approval covers this version." in facts
    text = _text(sheet)
    assert "Chief Inspector Ann Lee said:" in text or "Ann Lee" in text
    assert "Speaker’s sign-off: Not asked" in text
    assert "The inspection took place in August." in text
    assert "Press office contact" in text
    assert sheet.find("link", rel="stylesheet") is not None


def test_the_print_view_is_for_staff_only(client, officer):
    release = create_release(author=officer)

    response = client.get(f"/releases/{release.id}/print")

    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_staff_calendar_download_parses_back_with_every_entry(signed_in, officer, planned):
    forward_look.create_entry(
        actor=officer,
        owner_id=officer.id,
        title="Whole-day visit",
        day="8",
        month="12",
        year="2016",
        status="provisional",
    )
    page = signed_in(officer)

    response = page.client.get("/forward-look.ics")

    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    calendar = icalendar.Calendar.from_ical(response.data)
    found = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    timed = found[ENTRY_FORM["title"]]
    assert timed.decoded("dtstart") == datetime(2016, 12, 6, 9, 30, tzinfo=UTC)
    assert str(timed["status"]) == "CONFIRMED"
    whole_day = found["Whole-day visit"]
    assert whole_day.decoded("dtstart") == date(2016, 12, 8)
    assert whole_day.decoded("dtend") == date(2016, 12, 9)
    assert str(whole_day["status"]) == "TENTATIVE"
    assert b"DTSTART;VALUE=DATE:20161208" in response.data


def test_a_summer_time_entry_downloads_as_its_utc_instant(signed_in, officer, clock):
    clock.set(datetime(2016, 6, 1, 9, 0, tzinfo=UTC))
    forward_look.create_entry(
        actor=officer,
        owner_id=officer.id,
        title="Summer",
        day="14",
        month="6",
        year="2016",
        at="09:30",
        status="confirmed",
    )

    response = signed_in(officer).client.get("/forward-look.ics")

    [event] = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2016, 6, 14, 8, 30, tzinfo=UTC)
    assert b"DTSTART:20160614T083000Z" in response.data


def test_the_staff_calendar_needs_a_sign_in(client):
    response = client.get("/forward-look.ics")

    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_public_calendar_shows_announced_entries_and_reasons_only(client, officer, planned):
    forward_look.create_entry(
        actor=officer,
        owner_id=officer.id,
        title="Unannounced ministerial visit",
        day="7",
        month="12",
        year="2016",
        status="confirmed",
    )
    forward_look.move_entry(
        planned.id, actor=officer, day="8", month="12", year="2016", at="09:30", reason="Printers"
    )

    response = client.get("/calendar")

    text = response.get_data(as_text=True)
    assert "Children's services inspection report" in text or (
        "Children&#39;s services inspection report" in text
    )
    assert "Unannounced" not in text
    assert "Northshire" not in text and "regional press" not in text
    assert (
        "Moved from Tuesday 6 December 2016, 09:30 GMT to Thursday 8 December 2016, 09:30 GMT"
        in text
    )
    assert "Printers" in text
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert "Release calendar" in text  # in the public menu


def test_the_public_calendar_feed_parses_back_with_public_titles_only(client, officer, planned):
    response = client.get("/calendar.ics")

    calendar = icalendar.Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Children's services inspection report"
    assert event.decoded("dtstart") == datetime(2016, 12, 6, 9, 30, tzinfo=UTC)
    assert b"Northshire" not in response.data and b"regional press" not in response.data
    assert response.headers["Cache-Control"].startswith("public, max-age=")


def test_a_public_calendar_is_kept_by_a_cache_no_later_than_uk_midnight(client, clock, planned):
    clock.set(datetime(2016, 11, 29, 23, 59, 30, tzinfo=UTC))

    response = client.get("/calendar")

    assert response.headers["Cache-Control"] == "public, max-age=30"
