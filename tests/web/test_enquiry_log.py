"""The staff enquiry log, as a press officer sees it."""

import csv
import io
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry
from pressoffice.services import enquiries

from ..factories import make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)  # the clock fixture's instant: Tuesday 10:00 GMT


def count_enquiries():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry))


def log_form(**overrides):
    data = {
        "received_day": "2016-11-29",
        "received_time": "09:15",
        "journalist_name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "jo@example.com",
        "phone": "",
        "channel": "phone",
        "subject": "Flood defences",
        "details": "How much was spent?",
        "deadline_day": "2016-11-29",
        "deadline_time": "15:00",
    }
    data.update(overrides)
    return data


# --- logging a call -------------------------------------------------------------------------------


def test_the_log_form_starts_at_now_in_uk_time_and_says_so(signed_in, officer, clock):
    clock.set(datetime(2016, 7, 1, 7, 45, tzinfo=UTC))

    page = signed_in(officer).get("/enquiries/new")

    assert page.select_one("#received_day")["value"] == "2016-07-01"
    assert page.select_one("#received_time")["value"] == "08:45"
    assert "UK time (Europe/London)" in page.get_text()


def test_a_call_logged_on_the_form_is_routed_and_shown_with_its_reference(
    signed_in, officer, clock
):
    page = signed_in(officer).post("/enquiries/new", log_form())

    assert page.select_one("h1").get_text(strip=True) == "Flood defences"
    text = page.get_text(" ", strip=True)
    assert "ENQ-20161129-0001" in text
    assert "Office hours (Tuesday 08:30 to 17:00)" in text
    assert "Office hours: Office hours" not in text
    assert "09:15 GMT on Tuesday 29 November 2016" in text
    assert "logged by Olivia Officer" in text


def test_a_received_time_in_the_future_is_refused_next_to_the_field(signed_in, officer, clock):
    page = signed_in(officer).post(
        "/enquiries/new", log_form(received_time="10:01"), _expected_status=400
    )

    summary = page.select_one(".error-summary")
    assert summary.select_one("a")["href"] == "#received_day"
    assert "cannot be in the future" in summary.get_text()
    assert "cannot be in the future" in page.select_one(".form-group--error").get_text()
    assert count_enquiries() == 0


def test_everything_typed_is_kept_when_the_form_is_refused(signed_in, officer, clock):
    page = signed_in(officer).post(
        "/enquiries/new", log_form(email="", phone="", details="Keep me"), _expected_status=400
    )

    assert "Enter an email address or a phone number" in page.select_one(".error-summary").text
    assert page.select_one("#journalist_name")["value"] == "Jo Reporter"
    assert page.select_one("#details").get_text().strip() == "Keep me"
    assert page.select_one("#deadline_time")["value"] == "15:00"


def test_a_time_that_happened_twice_asks_which_one_and_logs_the_chosen_one(
    signed_in, officer, clock
):
    clock.set(datetime(2016, 10, 31, 9, 0, tzinfo=UTC))
    page = signed_in(officer)
    form = log_form(received_day="2016-10-30", received_time="01:30", deadline_day="")
    form["deadline_time"] = ""

    asked = page.post("/enquiries/new", form, _expected_status=400)
    assert "happens twice" in asked.select_one(".error-summary").get_text()
    assert asked.select_one("#received_occurrence-second") is not None
    page.post("/enquiries/new", {**form, "received_occurrence": "second"})

    enquiry = db.session.scalar(sa.select(Enquiry))
    assert enquiry.received_at == datetime(2016, 10, 30, 1, 30, tzinfo=UTC)
    assert enquiry.route_reason == "Weekend (Sunday)"


# --- the list -----------------------------------------------------------------------------------


def test_overdue_enquiries_stand_out_in_the_log(signed_in, officer, clock):
    late = make_enquiry(
        received_at=NOW - timedelta(hours=3), deadline=NOW - timedelta(minutes=30), subject="Late"
    )
    make_enquiry(received_at=NOW - timedelta(hours=1), subject="In time")

    page = signed_in(officer).get("/enquiries")

    rows = page.select("tr.enquiry-row")
    assert [r.select("td")[3].get_text() for r in rows] == ["Late", "In time"]
    overdue = page.select("tr.enquiry-row--overdue")
    assert [r.select_one("a").get_text() for r in overdue] == [late.reference]
    assert "Overdue by 30 minutes" in overdue[0].get_text()
    assert "3 hours left" in rows[1].get_text()


def test_an_out_of_hours_enquiry_with_nobody_on_duty_shows_needs_attention(
    signed_in, officer, clock
):
    make_enquiry(received_at=datetime(2016, 11, 28, 20, 0, tzinfo=UTC))

    page = signed_in(officer).get("/enquiries")

    assert "Needs attention" in page.select_one("tr.enquiry-row--attention").get_text()


def test_the_log_filters_and_keeps_the_filters_in_the_pages_and_the_csv_link(
    signed_in, officer, clock, monkeypatch
):
    monkeypatch.setattr(enquiries, "PER_PAGE", 2)
    for minute in range(3):
        make_enquiry(received_at=NOW - timedelta(minutes=minute + 1), outlet="BBC News")
    make_enquiry(received_at=NOW - timedelta(minutes=30), outlet="Sky News")

    page = signed_in(officer).get("/enquiries?status=all&outlet=bbc")

    assert "Showing 1 to 2 of 3 enquiries matching the filters" in page.get_text(" ", strip=True)
    older = page.select_one("a[rel=next]")["href"]
    assert older.startswith("/enquiries?after=") and older.endswith("&outlet=bbc")
    assert page.select_one(".enquiry-count a")["href"] == "/enquiries.csv?status=all&outlet=bbc"
    assert page.select_one("#outlet")["value"] == "bbc"
    second = signed_in(officer).get(older)
    assert [row.a.text for row in second.select("tr.enquiry-row")] == ["ENQ-20161129-0003"]
    assert second.select_one("a[rel=prev]")["href"].endswith("&outlet=bbc")


def test_an_unknown_filter_value_is_shown_as_an_error_not_ignored(signed_in, officer, clock):
    page = signed_in(officer).get("/enquiries?status=lost&from=yesterday", _expected_status=400)

    summary = page.select_one(".error-summary")
    assert {a["href"] for a in summary.select("a")} == {"#status", "#from"}
    assert page.select("tr.enquiry-row") == []


def test_the_csv_download_holds_the_filtered_view_made_safe_for_spreadsheets(
    signed_in, officer, client, clock
):
    make_enquiry(journalist_name="=cmd|'/C calc'!A0", outlet="Evil Corp")
    make_enquiry(outlet="Sky News")
    signed_in(officer)

    response = client.get("/enquiries.csv?outlet=evil")

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 2
    assert rows[1][rows[0].index("Journalist")] == "'=cmd|'/C calc'!A0"


# --- the detail page ----------------------------------------------------------------------------


def test_an_officer_assigns_answers_and_closes_an_enquiry_from_its_page(
    signed_in, officer, approver, clock
):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    page = signed_in(officer)
    url = f"/enquiries/{enquiry.reference}"

    page.post(f"{url}/assign", {"assignee_id": str(approver.id)})
    clock.advance(minutes=20)
    answered = page.post(f"{url}/respond", {"response": "We spent £3m."})
    closed = page.post(f"{url}/close", {"comment": "Done"})

    assert "Answered before the deadline" in answered.get_text()
    assert "We spent £3m." in answered.select_one(".inset-text").get_text()
    text = closed.get_text(" ", strip=True)
    assert "Closed" in closed.select_one(".tag").get_text()
    assert "Assigned to Amir Approver" in text
    assert closed.select("form[action$='/respond']") == []


def test_an_empty_response_is_refused_next_to_the_field(signed_in, officer, clock):
    enquiry = make_enquiry()

    page = signed_in(officer).post(
        f"/enquiries/{enquiry.reference}/respond", {"response": " "}, _expected_status=422
    )

    assert "Enter the response given to the journalist" in page.select_one(".error-summary").text
    assert enquiries.get_enquiry(enquiry.reference).status == "new"


def test_an_unknown_reference_is_not_found(signed_in, officer, clock):
    signed_in(officer).get("/enquiries/ENQ-20161129-9999", _expected_status=404)


# --- the dashboard ------------------------------------------------------------------------------


def test_the_dashboard_counts_today_by_route_and_draws_a_chart_without_javascript(
    signed_in, officer, clock
):
    make_enquiry(received_at=NOW - timedelta(minutes=30))
    make_enquiry(received_at=datetime(2016, 11, 29, 7, 0, tzinfo=UTC))
    make_enquiry(received_at=datetime(2016, 11, 27, 12, 0, tzinfo=UTC))  # Sunday: last week
    answered = make_enquiry(received_at=datetime(2016, 11, 28, 9, 0, tzinfo=UTC))
    enquiries.respond(answered.reference, "Yes", actor=officer, now=answered.received_at)

    page = signed_in(officer).get("/dashboard")

    figures = [li.get_text(" ", strip=True) for li in page.select(".dashboard-figure")]
    assert figures[0] == "2 today 1 office hours, 1 out of hours"
    assert figures[1].startswith("3 this week (since Monday 28 November)")
    assert figures[2].startswith("3 open")
    # The Sunday enquiry's deadline passed unanswered; Monday's was answered in time.
    assert figures[4].startswith("50% answered before the deadline 1 of 2")
    chart = page.select_one("svg.enquiry-chart")
    assert chart.select_one("title").get_text() == "Enquiries per day, 2 Nov to 29 Nov"
    assert "4 enquiries in 28 days: 2 in office hours and 2 out of hours" in chart.get_text()
    assert page.select_one("script") is None
    table_rows = page.select(".dashboard-table tbody tr")
    assert table_rows[0].get_text(" ", strip=True) == "Tuesday 29 November 2016 1 1 2"


# --- the release it asks about ------------------------------------------------------------------


def test_an_enquiry_about_a_release_links_to_it_and_the_release_lists_it(
    app, signed_in, officer, clock
):
    from ..factories import create_release

    release = create_release(title="Prison inspection report")
    page = signed_in(officer)

    logged = page.post("/enquiries/new", log_form(release_id=str(release.id)))

    link = logged.find("a", string="Prison inspection report")
    assert link is not None and str(release.id) in link["href"]
    listed = page.get(f"/releases/{release.id}").select_one(".enquiries-for-release")
    assert "ENQ-20161129-0001" in listed.get_text() and "Flood defences" in listed.get_text()
