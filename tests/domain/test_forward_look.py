"""The forward look's rules as truth tables: UK days at their edges (midnight, the clock changes),
who may plan and move entries, when a reason is needed, and where an entry sits on the grid."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from pressoffice.domain import forward_look as rules
from pressoffice.domain.signoff import Actor

OFFICER = Actor(id=1, role="officer")
APPROVER = Actor(id=2, role="approver")
ADMIN = Actor(id=3, role="admin")
NOBODY = Actor(id=4, role="journalist")

# Tuesday 29 November 2016, 10:00 GMT.
NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def entry(status="provisional", day=date(2016, 12, 6), at=None, announced=False, release=None):
    return rules.EntryFacts(
        status=status, day=day, at=at, announced=announced, release_status=release
    )


# --- UK days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "uk_day"),
    [
        # Winter: UK time is UTC.
        (datetime(2016, 11, 29, 23, 59, 59, tzinfo=UTC), date(2016, 11, 29)),
        (datetime(2016, 11, 30, 0, 0, 0, tzinfo=UTC), date(2016, 11, 30)),
        # Summer: UK midnight is 23:00 UTC the day before.
        (datetime(2016, 6, 14, 22, 59, 59, tzinfo=UTC), date(2016, 6, 14)),
        (datetime(2016, 6, 14, 23, 0, 0, tzinfo=UTC), date(2016, 6, 15)),
        # The night the clocks go forward (Sunday 27 March 2016, 01:00 GMT -> 02:00 BST).
        (datetime(2016, 3, 27, 0, 59, 59, tzinfo=UTC), date(2016, 3, 27)),
        (datetime(2016, 3, 27, 23, 0, 0, tzinfo=UTC), date(2016, 3, 28)),
        # The night the clocks go back (Sunday 30 October 2016, 02:00 BST -> 01:00 GMT).
        (datetime(2016, 10, 29, 22, 59, 59, tzinfo=UTC), date(2016, 10, 29)),
        (datetime(2016, 10, 29, 23, 0, 0, tzinfo=UTC), date(2016, 10, 30)),
        (datetime(2016, 10, 30, 23, 59, 59, tzinfo=UTC), date(2016, 10, 30)),
        (datetime(2016, 10, 31, 0, 0, 0, tzinfo=UTC), date(2016, 10, 31)),
    ],
)
def test_an_instant_belongs_to_the_uk_date_it_falls_on(instant, uk_day):
    assert rules.uk_day_of(instant) == uk_day


def test_the_grid_shows_four_weeks_from_today_in_uk_time_by_default():
    window = rules.grid_window(NOW)

    assert (window.first_day, window.last_day) == (date(2016, 11, 29), date(2016, 12, 26))
    assert len(window.days) == 28
    assert window.starts_at == datetime(2016, 11, 29, 0, 0, tzinfo=UTC)
    assert window.ends_at == datetime(2016, 12, 27, 0, 0, tzinfo=UTC)
    assert (window.previous_week, window.next_week) == (date(2016, 11, 22), date(2016, 12, 6))


def test_at_23_30_utc_in_summer_the_grid_already_starts_on_the_next_uk_day():
    window = rules.grid_window(datetime(2016, 6, 14, 23, 30, tzinfo=UTC))

    assert window.first_day == date(2016, 6, 15)
    assert window.starts_at == datetime(2016, 6, 14, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "held"),
    [
        # The window from Monday 24 October 2016 for a week spans the clocks going back: it
        # starts at midnight BST (23:00 UTC) and ends at midnight GMT (00:00 UTC).
        (datetime(2016, 10, 23, 22, 59, 59, tzinfo=UTC), False),
        (datetime(2016, 10, 23, 23, 0, 0, tzinfo=UTC), True),
        (datetime(2016, 10, 30, 23, 59, 59, tzinfo=UTC), True),
        (datetime(2016, 10, 31, 0, 0, 0, tzinfo=UTC), False),
    ],
)
def test_a_week_across_the_clock_change_holds_exactly_its_uk_days(instant, held):
    window = rules.grid_window(NOW, date(2016, 10, 24), weeks=1)

    assert window.holds(instant) is held
    assert window.last_day == date(2016, 10, 30)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("2016-12-05", date(2016, 12, 5)),
        ("2016-02-30", None),
        ("5/12/2016", None),
        ("", None),
        ("2016-12-05' or 1=1", None),
    ],
)
def test_the_grid_address_names_its_first_day_or_nothing(text, first):
    assert rules.parse_first_day(text) == first


def test_a_first_day_beyond_ten_years_is_brought_back_to_today():
    assert rules.grid_window(NOW, date(9999, 12, 1)).first_day == date(2016, 11, 29)


# --- dates and times typed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "day", "error"),
    [
        (("6", "12", "2016"), date(2016, 12, 6), None),
        (("06", "12", "2016"), date(2016, 12, 6), None),
        (("", "", ""), None, "Enter the date, for example 27 3 2017"),
        (("6", "", "2016"), None, "The date must include a month"),
        (("", "", "2016"), None, "The date must include a day and a month"),
        (("31", "11", "2016"), None, "The date must be a real date, for example 27 3 2017"),
        (("6", "12", "16"), None, "The year must have 4 numbers, for example 2017"),
        (("six", "12", "2016"), None, "The date must be numbers only, for example 27 3 2017"),
        (("٦", "12", "2016"), None, "The date must be numbers only, for example 27 3 2017"),
    ],
)
def test_a_date_is_typed_in_three_boxes(parts, day, error):
    parsed, errors = rules.parse_day(*parts)

    assert parsed == day
    assert errors.get("day") == error


@pytest.mark.parametrize(
    ("text", "at", "error"),
    [
        ("", None, None),
        ("09:30", time(9, 30), None),
        ("0930", time(9, 30), None),
        ("9.30", time(9, 30), None),
        ("00:00", time(0, 0), None),
        ("23:59", time(23, 59), None),
        ("24:00", None, "The time must be a real time, from 00:00 to 23:59"),
        ("12:60", None, "The time must be a real time, from 00:00 to 23:59"),
        ("9:30pm", None, "Enter the time on the 24-hour clock, for example 09:30 or 14:00"),
    ],
)
def test_a_time_is_optional_and_on_the_24_hour_clock(text, at, error):
    parsed, errors = rules.parse_time(text)

    assert parsed == at
    assert errors.get("time") == error


@pytest.mark.parametrize(
    ("day", "at", "problem"),
    [
        (date(2016, 3, 27), time(0, 59), None),
        (date(2016, 3, 27), time(1, 0), "does not exist"),
        (date(2016, 3, 27), time(1, 59), "does not exist"),
        (date(2016, 3, 27), time(2, 0), None),
        (date(2016, 10, 30), time(0, 59), None),
        (date(2016, 10, 30), time(1, 0), "happens twice"),
        (date(2016, 10, 30), time(1, 59), "happens twice"),
        (date(2016, 10, 30), time(2, 0), None),
    ],
)
def test_a_planned_time_names_exactly_one_uk_instant(day, at, problem):
    found = rules.wall_time_problem(day, at)

    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize(
    ("day", "at", "instant"),
    [
        (date(2016, 12, 6), time(9, 30), datetime(2016, 12, 6, 9, 30, tzinfo=UTC)),
        (date(2016, 6, 14), time(9, 30), datetime(2016, 6, 14, 8, 30, tzinfo=UTC)),
        (date(2016, 6, 14), None, None),
    ],
)
def test_a_planned_uk_time_is_one_utc_instant(day, at, instant):
    assert rules.planned_instant(day, at) == instant


@pytest.mark.parametrize(
    ("day", "ok"),
    [(date(2016, 11, 28), False), (date(2016, 11, 29), True), (date(2016, 11, 30), True)],
)
def test_a_new_entry_is_planned_for_today_or_later_in_uk_time(day, ok):
    errors: dict[str, str] = {}
    rules.check_day_and_time(day, None, rules.uk_today(NOW), errors)

    assert ("day" not in errors) is ok


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"title": ""}, "title", "Enter what is planned, as a short title"),
        ({"title": "x" * 201}, "title", "Use 200 characters or fewer (you used 201)"),
        ({"title": "a\u202eb"}, "title", "Use plain text on one line, without hidden characters"),
        ({"owner_id": ""}, "owner_id", "Choose who owns this entry"),
        ({"owner_id": "99999999999"}, "owner_id", "Choose who owns this entry"),
        ({"status": "cancelled"}, "status", "Choose whether the date is provisional or confirmed"),
        ({"announced": "yes", "public_title": ""}, "public_title", "Enter the title the public"),
        ({"notes": "n" * 5001}, "notes", "Use 5000 characters or fewer (you used 5001)"),
    ],
)
def test_the_entry_form_names_the_field_that_needs_correcting(form, field, message):
    good = {"title": "Report", "owner_id": "1", "status": "provisional", "notes": ""}

    _details, errors = rules.clean_details({**good, **form})

    assert errors[field].startswith(message)


def test_an_announced_entry_keeps_its_public_title():
    details, errors = rules.clean_details(
        {
            "title": "Inspection of Northshire (embargoed)",
            "owner_id": "1",
            "status": "confirmed",
            "announced": "yes",
            "public_title": "Children's services inspection report",
        }
    )

    assert errors == {}
    assert details.announced and details.public_title == "Children's services inspection report"


# --- who may do what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "ok"), [(OFFICER, True), (APPROVER, True), (ADMIN, True), (NOBODY, False)]
)
def test_any_member_of_the_press_office_may_plan_edit_and_cancel(actor, ok):
    assert bool(rules.may_create(actor)) is ok
    assert bool(rules.may_edit(entry(), actor)) is ok
    assert bool(rules.may_cancel(entry(), actor, "Moved to next year")) is ok
    assert bool(rules.may_write_release(entry(), actor)) is ok


NEW_DAY = date(2016, 12, 8)


@pytest.mark.parametrize(
    ("facts", "new_day", "new_at", "reason", "ok", "field_or_words"),
    [
        # Provisional: moves without a reason.
        (entry("provisional"), NEW_DAY, None, "", True, None),
        # Confirmed: a reason is needed.
        (entry("confirmed"), NEW_DAY, None, "", False, "reason"),
        (entry("confirmed"), NEW_DAY, None, "   ", False, "reason"),
        (entry("confirmed"), NEW_DAY, None, "The minister is away", True, None),
        # A new time on the same day is a change of date too.
        (entry("confirmed", at=time(9, 30)), date(2016, 12, 6), time(11, 0), "", False, "reason"),
        # The same date and time is no change.
        (entry("provisional"), date(2016, 12, 6), None, "x", False, "day"),
        # Not into the past (UK today is Tuesday 29 November).
        (entry("provisional"), date(2016, 11, 28), None, "", False, "day"),
        (entry("provisional"), date(2016, 11, 29), None, "", True, None),
        # Not into an hour the clocks skip.
        (entry("provisional"), date(2017, 3, 26), time(1, 30), "", False, "time"),
        # Cancelled entries and published releases stay where they are.
        (entry("cancelled"), NEW_DAY, None, "why", False, "cancelled"),
        (entry("confirmed", release="published"), NEW_DAY, None, "why", False, "published"),
        # A release only scheduled may still move with its entry.
        (entry("confirmed", release="scheduled"), NEW_DAY, None, "why", True, None),
    ],
)
def test_moving_an_entry(facts, new_day, new_at, reason, ok, field_or_words):
    decision = rules.may_change_date(facts, OFFICER, new_day, new_at, reason, NOW)

    assert bool(decision) is ok
    if field_or_words in ("reason", "day", "time"):
        assert decision.field == field_or_words
    elif field_or_words:
        assert field_or_words in decision.reason


@pytest.mark.parametrize(
    ("facts", "reason", "ok", "words"),
    [
        (entry("provisional"), "Report delayed to the spring", True, None),
        (entry("confirmed"), "", False, "Say why it is cancelled"),
        (entry("cancelled"), "again", False, "already cancelled"),
        (entry("confirmed", release="draft"), "Dropped", True, None),
        (entry("confirmed", release="scheduled"), "Dropped", False, "unschedule or withdraw"),
        (entry("confirmed", release="published"), "Dropped", False, "unschedule or withdraw"),
    ],
)
def test_cancelling_needs_a_reason_and_a_release_not_yet_gone_out(facts, reason, ok, words):
    decision = rules.may_cancel(facts, OFFICER, reason)

    assert bool(decision) is ok
    if words:
        assert words in decision.reason


@pytest.mark.parametrize(
    ("facts", "ok"),
    [
        (entry("provisional"), True),
        (entry("confirmed"), True),
        (entry("cancelled"), False),
        (entry("confirmed", release="draft"), False),
    ],
)
def test_a_release_is_written_once_for_an_entry_that_is_not_cancelled(facts, ok):
    assert bool(rules.may_write_release(facts, OFFICER)) is ok


@pytest.mark.parametrize(("announced", "public"), [(True, True), (False, False)])
def test_a_reason_is_public_only_while_the_entry_is_announced(announced, public):
    assert rules.reason_is_public(entry("confirmed", announced=announced)) is public


# --- the grid -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry_status", "release_status", "shown"),
    [
        ("provisional", None, "provisional"),
        ("confirmed", None, "confirmed"),
        ("cancelled", None, "cancelled"),
        ("confirmed", "draft", "draft"),
        ("confirmed", "in_review", "in_review"),
        ("confirmed", "scheduled", "scheduled"),
        ("confirmed", "published", "published"),
        ("cancelled", "draft", "cancelled"),
    ],
)
def test_an_entry_shows_its_release_state_once_it_has_become_a_release(
    entry_status, release_status, shown
):
    assert rules.grid_status(entry_status, release_status) == shown


def test_an_entry_sits_at_its_release_embargo_once_scheduled():
    embargo = datetime(2016, 12, 7, 0, 1, tzinfo=UTC)

    assert rules.placed(date(2016, 12, 6), time(9, 30), "draft", embargo) == (
        date(2016, 12, 6),
        datetime(2016, 12, 6, 9, 30, tzinfo=UTC),
    )
    assert rules.placed(date(2016, 12, 6), time(9, 30), "scheduled", embargo) == (
        date(2016, 12, 7),
        embargo,
    )


def test_each_day_lists_all_day_entries_first_then_by_time_and_cancelled_last():
    window = rules.grid_window(NOW, date(2016, 12, 5), weeks=1)
    day = date(2016, 12, 6)

    def item(title, instant=None, status="confirmed"):
        return rules.GridItem("entry", day, instant, title, status)

    items = [
        item("Late", datetime(2016, 12, 6, 15, 0, tzinfo=UTC)),
        item("Dropped", status="cancelled"),
        item("Early", datetime(2016, 12, 6, 7, 0, tzinfo=UTC)),
        item("Whole day"),
        rules.GridItem("entry", date(2016, 12, 20), None, "Outside", "confirmed"),
    ]

    days = rules.by_day(items, window)

    assert [d.day for d in days][0] == date(2016, 12, 5) and len(days) == 7
    assert [i.title for i in days[1].items] == ["Whole day", "Early", "Late", "Dropped"]
    assert sum(len(d.items) for d in days) == 4
    assert [d.is_weekend for d in days] == [False] * 5 + [True] * 2


@pytest.mark.parametrize(
    ("day", "at", "words"),
    [
        (date(2016, 12, 6), None, "Tuesday 6 December 2016"),
        (date(2016, 12, 6), time(9, 30), "Tuesday 6 December 2016, 09:30 GMT"),
        (date(2016, 6, 14), time(9, 30), "Tuesday 14 June 2016, 09:30 BST"),
        (date(2016, 10, 30), time(0, 59), "Sunday 30 October 2016, 00:59 BST"),
        (date(2016, 10, 30), time(2, 0), "Sunday 30 October 2016, 02:00 GMT"),
    ],
)
def test_a_planned_time_is_told_with_the_uk_zone_it_falls_in(day, at, words):
    assert rules.describe_planned(day, at) == words
