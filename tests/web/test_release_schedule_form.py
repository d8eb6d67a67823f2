"""The embargo time as GOV.UK asks for it: day, month and year boxes and a 24-hour time typed
as text, read as UK time; each problem next to its box; a time already passed offers only
changing it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pressoffice.services import releases

from ..factories import create_release


def _when(day, month, year, at, release, **more):
    return {"day": day, "month": month, "year": year, "at": at, "version": release.version, **more}


@pytest.fixture
def approved(app_ctx, officer, approver, clock):
    clock.set(datetime(2017, 3, 20, 9, 0, tzinfo=UTC))
    return create_release(state="approved", author=officer, approver=approver)


def test_the_form_has_day_month_and_year_boxes_and_a_24_hour_time_box(signed_in, officer, approved):
    form = signed_in(officer).get(f"/releases/{approved.id}/schedule")

    boxes = {box["name"]: box for box in form.select("main form input:not([type=hidden])")}
    assert set(boxes) == {"day", "month", "year", "at"}
    for box in boxes.values():
        # Plain text boxes: no browser date or time picker with its own order or 12-hour clock.
        assert box.get("type", "text") == "text"
        assert box["inputmode"] == "numeric"
    assert form.select_one("fieldset legend").text.startswith("Date")
    assert [form.select_one(f"label[for={n}]").text for n in ("day", "month", "year")] == [
        "Day",
        "Month",
        "Year",
    ]
    assert "24-hour clock" in form.select_one("#at-hint").text


def test_the_boxes_are_read_as_uk_time_and_checked_with_the_utc_equivalent(
    signed_in, officer, approved
):
    page = signed_in(officer)
    check = page.post(
        f"/releases/{approved.id}/schedule", _when("14", "7", "2017", "9.30", approved)
    )

    assert check.select_one("#embargo-uk").text == "09:30 BST on Friday 14 July 2017"
    assert check.select_one("#embargo-utc").text == "08:30 UTC on Friday 14 July 2017"
    confirm = {i["name"]: i["value"] for i in check.select("main form input[type=hidden]")}
    page.post(f"/releases/{approved.id}/schedule", confirm)
    assert releases.get_release(approved.id).embargo_until == datetime(
        2017, 7, 14, 8, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("typed", "href", "message"),
    [
        (("", "", "", "09:30"), "#day", "Enter the date the embargo lifts"),
        (("14", "", "2017", "09:30"), "#month", "The date must include a month"),
        (("", "", "2017", "09:30"), "#day", "The date must include a day and a month"),
        (("31", "4", "2017", "09:30"), "#day", "The date must be a real date"),
        (("14", "13", "2017", "09:30"), "#month", "The date must be a real date"),
        (("14", "7", "17", "09:30"), "#year", "The year must include 4 numbers"),
        (("1st", "7", "2017", "09:30"), "#day", "Enter the date as numbers"),
        (("14", "7", "2017", ""), "#at", "Enter the time the embargo lifts"),
        (("14", "7", "2017", "8:30pm"), "#at", "20:30 rather than 8:30pm"),
        (("14", "7", "2017", "08:30 PM"), "#at", "on the 24-hour clock"),
        (("14", "7", "2017", "24:00"), "#at", "hours from 00 to 23"),
        (("14", "7", "2017", "half nine"), "#at", "as hours and minutes"),
        (("14", "7", "2017", "9" * 400), "#at", "as hours and minutes"),
        (("1" * 400, "7", "2017", "09:30"), "#day", "Enter the date as numbers"),
    ],
)
def test_each_problem_is_next_to_its_box_and_linked_from_the_summary(
    signed_in, officer, approved, typed, href, message
):
    refused = signed_in(officer).post(f"/releases/{approved.id}/schedule", _when(*typed, approved))

    link = refused.select_one(".error-summary a")
    assert link["href"] == href
    assert message in link.text
    box = refused.select_one(href)
    group = box.find_parent(class_="form-group--error")
    assert group is not None and message in group.select_one(".error-message").text
    # Nothing typed is lost.
    for name, value in zip(("day", "month", "year", "at"), typed, strict=True):
        assert refused.select_one(f"#{name}").get("value", "") == value
    assert releases.get_release(approved.id).state == "approved"


def test_a_month_may_be_typed_as_its_name(signed_in, officer, approved):
    check = signed_in(officer).post(
        f"/releases/{approved.id}/schedule", _when("14", "July", "2017", "00:01", approved)
    )
    assert check.select_one("#embargo-uk").text == "00:01 BST on Friday 14 July 2017"


def test_a_time_already_passed_offers_only_changing_it(signed_in, officer, approved):
    page = signed_in(officer)
    check = page.post(
        f"/releases/{approved.id}/schedule", _when("20", "3", "2017", "08:59", approved)
    )

    assert check.select_one("h1").text == "That time has already passed"
    buttons = [b.get_text(" ", strip=True) for b in check.select("main button")]
    assert buttons == ["Change the time"]
    assert not check.select("input[name=confirmed]")

    change = check.select_one("main button")
    back = page.post(
        change["formaction"],
        {i["name"]: i["value"] for i in check.select("main form input[type=hidden]")},
    )
    assert back.select_one("h1").text == "When does the embargo lift?"
    assert back.select_one("#at")["value"] == "08:59"
    assert not back.select(".error-summary")
    assert releases.get_release(approved.id).state == "approved"


def test_the_minute_after_now_can_be_scheduled(signed_in, officer, approved):
    check = signed_in(officer).post(
        f"/releases/{approved.id}/schedule", _when("20", "3", "2017", "09:01", approved)
    )
    assert [b.get_text(" ", strip=True) for b in check.select("main button")] == [
        "Schedule for 09:01 GMT on Monday 20 March 2017"
    ]


def test_a_missing_hour_in_spring_is_refused_next_to_the_time_box(signed_in, officer, approved):
    refused = signed_in(officer).post(
        f"/releases/{approved.id}/schedule", _when("26", "3", "2017", "01:30", approved)
    )
    link = refused.select_one(".error-summary a")
    assert link["href"] == "#at"
    assert "does not exist in the UK on Sunday 26 March 2017" in link.text
    assert (
        "The clocks go forward on Sunday 26 March 2017" in refused.select_one(".warning-text").text
    )


def test_a_repeated_hour_in_autumn_is_chosen_and_the_check_page_warns(
    signed_in, clock, officer, approver
):
    clock.set(datetime(2017, 10, 20, 9, 0, tzinfo=UTC))
    release = create_release(state="approved", author=officer, approver=approver)
    page = signed_in(officer)
    data = _when("29", "10", "2017", "01:15", release)

    asked = page.post(f"/releases/{release.id}/schedule", data)
    assert asked.select_one(".error-summary a")["href"] == "#occurrence-0"
    assert asked.select_one("#day")["value"] == "29"

    check = page.post(f"/releases/{release.id}/schedule", {**data, "occurrence": "first"})
    assert check.select_one("#embargo-uk").text == "01:15 BST on Sunday 29 October 2017"
    assert check.select_one("#embargo-utc").text == "00:15 UTC on Sunday 29 October 2017"
    assert "The clocks go back on Sunday 29 October 2017" in check.select_one(".warning-text").text


def test_the_api_still_takes_an_iso_instant_with_its_offset(client, officer, approved, api_token):
    answer = client.post(
        f"/api/v1/releases/{approved.id}/schedule",
        json={"embargo_until": "2017-07-14T09:30:00+01:00", "version": approved.version},
        headers=api_token(officer),
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["embargo_until"] == "2017-07-14T08:30:00Z"
