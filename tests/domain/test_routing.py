# ruff: noqa: E501 -- the rota sheet reads best one row to a line
"""Office hours or out of hours, read like the office's own rota sheet."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from pressoffice.domain.routing import (
    CLOSED,
    OFFICE_HOURS,
    OPEN,
    OUT_OF_HOURS,
    CalendarException,
    OfficeCalendar,
    next_change,
    on_duty_at,
    parse_instant,
    route_for,
)

LONDON = ZoneInfo("Europe/London")
OFFICE_LINE = "020 7946 0000"
DUTY_LINE = "07700 900123"

CALENDAR = OfficeCalendar(office_line=OFFICE_LINE, out_of_hours_line=DUTY_LINE)

OFFICE = OFFICE_HOURS
OUT = OUT_OF_HOURS

# instant as given                 -> route, reason, London wall time
ROTA_SHEET = [
    # The opening and closing seconds of an ordinary winter day (GMT: London = UTC).
    ("2023-01-10T08:29:59Z", OUT, "Before 08:30 on a Tuesday", "2023-01-10 08:29:59 GMT"),
    ("2023-01-10T08:30:00Z", OFFICE, "Office hours (Tuesday 08:30 to 17:00)", "2023-01-10 08:30:00 GMT"),
    ("2023-01-10T16:59:59Z", OFFICE, "Office hours (Tuesday 08:30 to 17:00)", "2023-01-10 16:59:59 GMT"),
    ("2023-01-10T17:00:00Z", OUT, "After 17:00 on a Tuesday", "2023-01-10 17:00:00 GMT"),
    # The same seconds in summer (BST: London = UTC + 1).
    ("2023-07-12T07:29:59Z", OUT, "Before 08:30 on a Wednesday", "2023-07-12 08:29:59 BST"),
    ("2023-07-12T07:30:00Z", OFFICE, "Office hours (Wednesday 08:30 to 17:00)", "2023-07-12 08:30:00 BST"),
    ("2023-07-12T15:59:59Z", OFFICE, "Office hours (Wednesday 08:30 to 17:00)", "2023-07-12 16:59:59 BST"),
    ("2023-07-12T16:00:00Z", OUT, "After 17:00 on a Wednesday", "2023-07-12 17:00:00 BST"),
    ("2016-07-01T07:45:00Z", OFFICE, "Office hours (Friday 08:30 to 17:00)", "2016-07-01 08:45:00 BST"),
    ("2023-06-09T16:00:00Z", OUT, "After 17:00 on a Friday", "2023-06-09 17:00:00 BST"),
    # Clocks go forward on Sunday 26 March 2023 at 01:00 UTC.
    ("2023-03-24T16:59:59Z", OFFICE, "Office hours (Friday 08:30 to 17:00)", "2023-03-24 16:59:59 GMT"),
    ("2023-03-24T17:00:00Z", OUT, "After 17:00 on a Friday", "2023-03-24 17:00:00 GMT"),
    ("2023-03-26T00:59:59Z", OUT, "Weekend (Sunday)", "2023-03-26 00:59:59 GMT"),
    ("2023-03-26T01:00:00Z", OUT, "Weekend (Sunday)", "2023-03-26 02:00:00 BST"),
    ("2023-03-27T07:29:59Z", OUT, "Before 08:30 on a Monday", "2023-03-27 08:29:59 BST"),
    ("2023-03-27T07:30:00Z", OFFICE, "Office hours (Monday 08:30 to 17:00)", "2023-03-27 08:30:00 BST"),
    ("2023-03-27T15:59:59Z", OFFICE, "Office hours (Monday 08:30 to 17:00)", "2023-03-27 16:59:59 BST"),
    ("2023-03-27T16:00:00Z", OUT, "After 17:00 on a Monday", "2023-03-27 17:00:00 BST"),
    # Clocks go back on Sunday 29 October 2023 at 01:00 UTC.
    ("2023-10-27T07:30:00Z", OFFICE, "Office hours (Friday 08:30 to 17:00)", "2023-10-27 08:30:00 BST"),
    ("2023-10-27T15:59:59Z", OFFICE, "Office hours (Friday 08:30 to 17:00)", "2023-10-27 16:59:59 BST"),
    ("2023-10-27T16:00:00Z", OUT, "After 17:00 on a Friday", "2023-10-27 17:00:00 BST"),
    ("2023-10-29T00:59:59Z", OUT, "Weekend (Sunday)", "2023-10-29 01:59:59 BST"),
    ("2023-10-29T01:00:00Z", OUT, "Weekend (Sunday)", "2023-10-29 01:00:00 GMT"),
    ("2023-10-30T07:30:00Z", OUT, "Before 08:30 on a Monday", "2023-10-30 07:30:00 GMT"),
    ("2023-10-30T08:29:59Z", OUT, "Before 08:30 on a Monday", "2023-10-30 08:29:59 GMT"),
    ("2023-10-30T08:30:00Z", OFFICE, "Office hours (Monday 08:30 to 17:00)", "2023-10-30 08:30:00 GMT"),
    ("2023-10-30T16:59:59Z", OFFICE, "Office hours (Monday 08:30 to 17:00)", "2023-10-30 16:59:59 GMT"),
    ("2023-10-30T17:00:00Z", OUT, "After 17:00 on a Monday", "2023-10-30 17:00:00 GMT"),
    # Instants given in other offsets, landing on a different London date.
    ("2023-06-05T06:00:00+14:00", OUT, "Weekend (Sunday)", "2023-06-04 17:00:00 BST"),
    ("2023-06-06T02:00:00+14:00", OFFICE, "Office hours (Monday 08:30 to 17:00)", "2023-06-05 13:00:00 BST"),
    ("2023-01-03T02:00:00+05:30", OUT, "Bank holiday: New Year's Day (substitute day)", "2023-01-02 20:30:00 GMT"),
    ("2023-01-10T13:59:59+05:30", OUT, "Before 08:30 on a Tuesday", "2023-01-10 08:29:59 GMT"),
    ("2023-01-10T14:00:00+05:30", OFFICE, "Office hours (Tuesday 08:30 to 17:00)", "2023-01-10 08:30:00 GMT"),
    ("2023-06-09T19:30:00-05:00", OUT, "Weekend (Saturday)", "2023-06-10 01:30:00 BST"),
    ("2023-06-09T04:00:00-05:00", OFFICE, "Office hours (Friday 08:30 to 17:00)", "2023-06-09 10:00:00 BST"),
    ("2016-12-26T23:30:00-05:00", OUT, "Bank holiday: Christmas Day (substitute day)", "2016-12-27 04:30:00 GMT"),
    # Christmas and New Year, substitute days included.
    ("2016-12-27T10:00:00Z", OUT, "Bank holiday: Christmas Day (substitute day)", "2016-12-27 10:00:00 GMT"),
    ("2016-12-28T10:00:00Z", OFFICE, "Office hours (Wednesday 08:30 to 17:00)", "2016-12-28 10:00:00 GMT"),
    ("2021-12-27T10:00:00Z", OUT, "Bank holiday: Christmas Day (substitute day)", "2021-12-27 10:00:00 GMT"),
    ("2021-12-28T10:00:00Z", OUT, "Bank holiday: Boxing Day (substitute day)", "2021-12-28 10:00:00 GMT"),
    ("2022-01-03T10:00:00Z", OUT, "Bank holiday: New Year's Day (substitute day)", "2022-01-03 10:00:00 GMT"),
    ("2023-12-25T10:00:00Z", OUT, "Bank holiday: Christmas Day", "2023-12-25 10:00:00 GMT"),
    ("2023-12-26T10:00:00Z", OUT, "Bank holiday: Boxing Day", "2023-12-26 10:00:00 GMT"),
    ("2024-01-01T10:00:00Z", OUT, "Bank holiday: New Year's Day", "2024-01-01 10:00:00 GMT"),
    # Easter.
    ("2023-04-07T10:00:00Z", OUT, "Bank holiday: Good Friday", "2023-04-07 11:00:00 BST"),
    ("2023-04-10T10:00:00Z", OUT, "Bank holiday: Easter Monday", "2023-04-10 11:00:00 BST"),
    ("2023-04-11T10:00:00Z", OFFICE, "Office hours (Tuesday 08:30 to 17:00)", "2023-04-11 11:00:00 BST"),
    # The May, spring and summer bank holidays, and the one-off days.
    ("2023-05-01T10:00:00Z", OUT, "Bank holiday: May Day", "2023-05-01 11:00:00 BST"),
    ("2020-05-08T10:00:00Z", OUT, "Bank holiday: May Day", "2020-05-08 11:00:00 BST"),
    ("2023-05-29T10:00:00Z", OUT, "Bank holiday: Spring Bank Holiday", "2023-05-29 11:00:00 BST"),
    ("2022-06-02T10:00:00Z", OUT, "Bank holiday: Spring Bank Holiday", "2022-06-02 11:00:00 BST"),
    ("2023-08-28T10:00:00Z", OUT, "Bank holiday: Late Summer Bank Holiday", "2023-08-28 11:00:00 BST"),
    ("2022-09-19T10:00:00Z", OUT, "Bank holiday: State Funeral of Queen Elizabeth II", "2022-09-19 11:00:00 BST"),
    ("2023-05-08T10:00:00Z", OUT, "Bank holiday: Coronation of Charles III", "2023-05-08 11:00:00 BST"),
    # Weekends.
    ("2023-01-14T12:00:00Z", OUT, "Weekend (Saturday)", "2023-01-14 12:00:00 GMT"),
    ("2023-01-15T12:00:00Z", OUT, "Weekend (Sunday)", "2023-01-15 12:00:00 GMT"),
    # Leap days: a Thursday in 2024, a Saturday in 2020.
    ("2024-02-29T12:00:00Z", OFFICE, "Office hours (Thursday 08:30 to 17:00)", "2024-02-29 12:00:00 GMT"),
    ("2024-02-29T17:00:00Z", OUT, "After 17:00 on a Thursday", "2024-02-29 17:00:00 GMT"),
    ("2020-02-29T12:00:00Z", OUT, "Weekend (Saturday)", "2020-02-29 12:00:00 GMT"),
]  # fmt: skip


@pytest.mark.parametrize(("given", "route", "reason", "london"), ROTA_SHEET)
def test_the_route_follows_the_rota_sheet(given, route, reason, london):
    routing = route_for(datetime.fromisoformat(given), CALENDAR)

    assert (routing.route, routing.reason) == (route, reason)
    assert routing.local.strftime("%Y-%m-%d %H:%M:%S %Z") == london
    assert routing.line == (OFFICE_LINE if route == OFFICE else DUTY_LINE)


def test_the_answer_gives_the_instant_in_utc_whatever_offset_it_came_in():
    routing = route_for(datetime.fromisoformat("2023-06-06T02:00:00+14:00"), CALENDAR)

    assert routing.at == datetime(2023, 6, 5, 12, 0, tzinfo=UTC)


def test_an_instant_without_an_offset_is_refused():
    with pytest.raises(ValueError, match="offset"):
        route_for(datetime(2023, 1, 10, 10, 0), CALENDAR)


def test_the_installed_holiday_calendar_knows_the_state_funeral():
    assert CALENDAR.holiday_on(date(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"


# --- closures and extra openings entered by an admin -------------------------------------------


def calendar_with(*exceptions):
    return CALENDAR.with_exceptions(exceptions)


def test_a_whole_day_closure_sends_every_call_that_day_out_of_hours():
    calendar = calendar_with(CalendarException(date(2023, 1, 10), CLOSED, "Office move"))

    routing = route_for(datetime(2023, 1, 10, 12, 0, tzinfo=UTC), calendar)

    assert routing.route == OUT
    assert routing.reason == "Office closed: Office move (all day)"
    assert route_for(datetime(2023, 1, 11, 12, 0, tzinfo=UTC), calendar).route == OFFICE


@pytest.mark.parametrize(
    ("london_time", "route"),
    [
        (time(12, 59, 59), OFFICE),
        (time(13, 0, 0), OUT),
        (time(14, 59, 59), OUT),
        (time(15, 0, 0), OFFICE),
    ],
)
def test_a_part_day_closure_covers_from_its_start_up_to_its_end(london_time, route):
    calendar = calendar_with(
        CalendarException(date(2023, 7, 12), CLOSED, "All-staff meeting", time(13), time(15))
    )
    instant = datetime.combine(date(2023, 7, 12), london_time, tzinfo=LONDON)

    routing = route_for(instant, calendar)

    assert routing.route == route
    if route == OUT:
        assert routing.reason == "Office closed: All-staff meeting (13:00 to 15:00)"


def test_a_whole_day_extra_opening_keeps_the_usual_hours_on_a_saturday():
    calendar = calendar_with(CalendarException(date(2023, 1, 14), OPEN, "Budget weekend"))

    before = route_for(datetime(2023, 1, 14, 8, 29, 59, tzinfo=UTC), calendar)
    during = route_for(datetime(2023, 1, 14, 8, 30, tzinfo=UTC), calendar)
    after = route_for(datetime(2023, 1, 14, 17, 0, tzinfo=UTC), calendar)

    assert (before.route, before.reason) == (OUT, "Weekend (Saturday)")
    assert (during.route, during.reason) == (
        OFFICE,
        "Extra opening: Budget weekend (08:30 to 17:00)",
    )
    assert during.line == OFFICE_LINE
    assert after.route == OUT


def test_a_part_day_extra_opening_opens_the_office_early_on_an_ordinary_day():
    calendar = calendar_with(
        CalendarException(date(2023, 1, 10), OPEN, "Results announcement", time(7), time(8, 30))
    )

    assert route_for(datetime(2023, 1, 10, 6, 59, 59, tzinfo=UTC), calendar).route == OUT
    early = route_for(datetime(2023, 1, 10, 7, 0, tzinfo=UTC), calendar)
    assert early.reason == "Extra opening: Results announcement (07:00 to 08:30)"
    assert route_for(datetime(2023, 1, 10, 8, 30, tzinfo=UTC), calendar).route == OFFICE


def test_an_extra_opening_on_a_bank_holiday_opens_the_office_line():
    calendar = calendar_with(
        CalendarException(date(2016, 12, 27), OPEN, "Flood response", time(10), time(12))
    )

    assert route_for(datetime(2016, 12, 27, 10, 0, tzinfo=UTC), calendar).route == OFFICE
    assert route_for(datetime(2016, 12, 27, 12, 0, tzinfo=UTC), calendar).reason == (
        "Bank holiday: Christmas Day (substitute day)"
    )


def test_a_closure_wins_over_an_extra_opening_at_the_same_time():
    calendar = calendar_with(
        CalendarException(date(2023, 1, 14), OPEN, "Budget weekend"),
        CalendarException(date(2023, 1, 14), CLOSED, "Fire alarm test", time(9), time(10)),
    )

    routing = route_for(datetime(2023, 1, 14, 9, 30, tzinfo=UTC), calendar)

    assert routing.reason == "Office closed: Fire alarm test (09:00 to 10:00)"


def test_a_part_day_exception_must_end_after_it_starts():
    with pytest.raises(ValueError, match="end after"):
        CalendarException(date(2023, 1, 10), CLOSED, "Oops", time(15), time(13))


def test_hours_days_and_lines_come_from_the_settings():
    calendar = OfficeCalendar.from_config(
        {
            "OFFICE_TIMEZONE": "Europe/London",
            "OFFICE_HOURS_START": "09:00",
            "OFFICE_HOURS_END": "17:30",
            "OFFICE_DAYS": (0, 1, 2, 3),
            "OFFICE_LINE": "020 1",
            "OUT_OF_HOURS_LINE": "077 2",
            "HOLIDAY_COUNTRY": "GB",
            "HOLIDAY_SUBDIVISION": "ENG",
        }
    )

    assert route_for(datetime(2023, 1, 10, 8, 45, tzinfo=UTC), calendar).reason == (
        "Before 09:00 on a Tuesday"
    )
    assert route_for(datetime(2023, 1, 10, 17, 15, tzinfo=UTC), calendar).line == "020 1"
    assert route_for(datetime(2023, 1, 13, 12, 0, tzinfo=UTC), calendar).reason == (
        "The office does not open on a Friday"
    )


# --- when the route changes next ---------------------------------------------------------------


def test_after_friday_closing_the_office_line_opens_again_on_monday_morning():
    assert next_change(datetime(2023, 6, 9, 16, 0, tzinfo=UTC), CALENDAR) == datetime(
        2023, 6, 12, 7, 30, tzinfo=UTC
    )


def test_over_christmas_the_office_line_opens_again_after_the_substitute_day():
    assert next_change(datetime(2016, 12, 23, 18, 0, tzinfo=UTC), CALENDAR) == datetime(
        2016, 12, 28, 8, 30, tzinfo=UTC
    )


def test_during_office_hours_the_next_change_is_closing_time():
    assert next_change(datetime(2023, 10, 27, 9, 0, tzinfo=UTC), CALENDAR) == datetime(
        2023, 10, 27, 16, 0, tzinfo=UTC
    )


# --- the duty rota -----------------------------------------------------------------------------


@dataclass
class Entry:
    id: int
    who: str
    starts_at: datetime
    ends_at: datetime


FRIDAY_EVENING = Entry(
    1, "Ann", datetime(2023, 6, 9, 16, 0, tzinfo=UTC), datetime(2023, 6, 12, 7, 30, tzinfo=UTC)
)
SATURDAY_COVER = Entry(
    2, "Bob", datetime(2023, 6, 10, 8, 0, tzinfo=UTC), datetime(2023, 6, 10, 20, 0, tzinfo=UTC)
)
ROTA = [FRIDAY_EVENING, SATURDAY_COVER]


@pytest.mark.parametrize(
    ("instant", "who"),
    [
        (datetime(2023, 6, 9, 15, 59, 59, tzinfo=UTC), None),
        (datetime(2023, 6, 9, 16, 0, tzinfo=UTC), "Ann"),
        (datetime(2023, 6, 10, 7, 59, 59, tzinfo=UTC), "Ann"),
        (datetime(2023, 6, 10, 8, 0, tzinfo=UTC), "Bob"),
        (datetime(2023, 6, 10, 20, 0, tzinfo=UTC), "Ann"),
        (datetime(2023, 6, 12, 7, 29, 59, tzinfo=UTC), "Ann"),
        (datetime(2023, 6, 12, 7, 30, tzinfo=UTC), None),
    ],
)
def test_the_duty_officer_is_whoever_the_rota_covers_at_that_instant(instant, who):
    entry = on_duty_at(instant, ROTA)

    assert (entry.who if entry else None) == who


# --- instants given as text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-12-27T10:00:00Z", datetime(2016, 12, 27, 10, 0, tzinfo=UTC)),
        ("2016-07-01T08:45:00+01:00", datetime(2016, 7, 1, 7, 45, tzinfo=UTC)),
    ],
)
def test_an_iso_instant_with_an_offset_is_accepted(text, expected):
    assert parse_instant(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-10-29T01:30:00", "needs a time-zone offset"),
        ("next tuesday", "Not an ISO 8601 instant"),
        ("", "Give an instant"),
    ],
)
def test_an_instant_without_an_offset_or_in_another_form_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_instant(text)
