"""Reading an embargo typed as UK wall time: every boundary of both clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from pressoffice.forms import WallTimeProblem, clock_change_on, london_instant


@pytest.mark.parametrize(
    ("day", "at", "occurrence", "utc"),
    [
        (date(2016, 12, 1), time(0, 1), None, datetime(2016, 12, 1, 0, 1)),
        (date(2016, 7, 14), time(0, 1), None, datetime(2016, 7, 13, 23, 1)),
        # The night the clocks go forward (26 March 2017): 00:59 GMT, then 02:00 BST.
        (date(2017, 3, 26), time(0, 59), None, datetime(2017, 3, 26, 0, 59)),
        (date(2017, 3, 26), time(2, 0), None, datetime(2017, 3, 26, 1, 0)),
        # The night the clocks go back (29 October 2017): 00:59 BST, 01:xx twice, 02:00 GMT.
        (date(2017, 10, 29), time(0, 59), None, datetime(2017, 10, 28, 23, 59)),
        (date(2017, 10, 29), time(1, 0), "first", datetime(2017, 10, 29, 0, 0)),
        (date(2017, 10, 29), time(1, 0), "second", datetime(2017, 10, 29, 1, 0)),
        (date(2017, 10, 29), time(1, 59), "second", datetime(2017, 10, 29, 1, 59)),
        (date(2017, 10, 29), time(2, 0), None, datetime(2017, 10, 29, 2, 0)),
    ],
)
def test_a_uk_wall_time_is_read_as_exactly_one_instant(day, at, occurrence, utc):
    assert london_instant(day, at, occurrence) == utc.replace(tzinfo=UTC)


@pytest.mark.parametrize("at", [time(1, 0), time(1, 30), time(1, 59)])
def test_a_time_in_the_spring_gap_is_refused_not_guessed(at):
    with pytest.raises(WallTimeProblem) as problem:
        london_instant(date(2017, 3, 26), at)
    assert "does not exist in the UK on Sunday 26 March 2017" in problem.value.message
    assert problem.value.choices == []


@pytest.mark.parametrize("at", [time(1, 0), time(1, 30), time(1, 59)])
def test_a_time_in_the_autumn_repeat_asks_which_one_is_meant(at):
    with pytest.raises(WallTimeProblem) as problem:
        london_instant(date(2017, 10, 29), at)
    assert "happens twice" in problem.value.message
    first, second = problem.value.choices
    assert (second - first).total_seconds() == 3600


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2017, 3, 25), None),
        (date(2017, 3, 26), "The clocks go forward on Sunday 26 March 2017"),
        (date(2017, 3, 27), None),
        (date(2017, 10, 29), "The clocks go back on Sunday 29 October 2017"),
        (date(2017, 10, 30), None),
    ],
)
def test_a_clock_change_day_is_warned_about(day, expected):
    warning = clock_change_on(day)
    assert (warning is None) if expected is None else warning.startswith(expected)
