"""Admins keep the duty rota and the office calendar; enquiries follow them."""

from datetime import UTC, datetime

from ..factories import make_enquiry


def shift_form(user, **overrides):
    data = {
        "user_id": str(user.id),
        "starts_day": "2016-12-02",
        "starts_time": "17:00",
        "ends_day": "2016-12-05",
        "ends_time": "08:30",
    }
    data.update(overrides)
    return data


def test_an_admin_puts_an_officer_on_duty_and_out_of_hours_enquiries_go_to_them(
    signed_in, admin, officer, clock
):
    page = signed_in(admin)

    result = page.post("/admin/calendar/shifts", shift_form(officer))

    row = result.select_one("#rota ~ table tbody tr").get_text(" ", strip=True)
    assert "Olivia Officer" in row
    assert "17:00 GMT on Friday 2 December 2016" in row
    assert "08:30 GMT on Monday 5 December 2016" in row
    enquiry = make_enquiry(received_at=datetime(2016, 12, 3, 11, 0, tzinfo=UTC))
    assert enquiry.assignee.name == "Olivia Officer"


def test_a_duty_that_ends_before_it_starts_is_refused_next_to_the_field(
    signed_in, admin, officer, clock
):
    page = signed_in(admin).post(
        "/admin/calendar/shifts",
        shift_form(officer, ends_day="2016-12-02", ends_time="16:00"),
        _expected_status=400,
    )

    summary = page.select_one(".error-summary")
    assert summary.select_one("a")["href"] == "#ends_day"
    assert "The duty must end after it starts" in summary.get_text()


def test_a_part_day_closure_sends_calls_to_the_out_of_hours_line(signed_in, admin, client, clock):
    page = signed_in(admin)

    result = page.post(
        "/admin/calendar/exceptions",
        {
            "day": "2016-11-29",
            "kind": "closed",
            "starts": "09:30",
            "ends": "12:00",
            "reason": "Fire drill",
        },
    )

    assert "Fire drill" in result.select_one("#calendar ~ table").get_text()
    assert "Office closed: Fire drill (09:30 to 12:00)" in result.select_one(".panel").get_text()
    answer = client.get("/api/v1/routing").get_json()
    assert (answer["route"], answer["reason"]) == (
        "out_of_hours",
        "Office closed: Fire drill (09:30 to 12:00)",
    )


def test_a_closure_needs_both_times_or_neither_and_a_reason(signed_in, admin, clock):
    page = signed_in(admin).post(
        "/admin/calendar/exceptions",
        {"day": "2016-11-29", "kind": "closed", "starts": "09:30", "ends": "", "reason": ""},
        _expected_status=400,
    )

    links = {a["href"] for a in page.select(".error-summary a")}
    assert links == {"#ends", "#reason"}


def test_officers_cannot_change_the_rota(signed_in, officer, client, clock):
    signed_in(officer)

    assert client.get("/admin/calendar").status_code == 403
    assert client.post("/admin/calendar/shifts", data=shift_form(officer)).status_code == 403
