"""The dashboard's chart counts each enquiry on the UK day it arrived, counted by the database
an hour at a time: the hours either side of midnight in summer time and on the days the clocks
change land on the right day."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app

from pressoffice.domain.routing import OfficeCalendar
from pressoffice.services import reports

from ..factories import make_enquiry


def _chart(last_day: date) -> dict[date, tuple[int, int]]:
    calendar = OfficeCalendar.from_config(current_app.config)
    days = reports.per_day(last_day, 3, calendar)
    return {d.day: (d.office_hours, d.out_of_hours) for d in days}


def test_an_enquiry_after_23_00_utc_in_summer_counts_on_the_next_uk_day(app_ctx):
    make_enquiry(received_at=datetime(2016, 7, 4, 22, 59, tzinfo=UTC))  # 23:59 BST, Monday
    make_enquiry(received_at=datetime(2016, 7, 4, 23, 0, tzinfo=UTC))  # 00:00 BST, Tuesday
    make_enquiry(received_at=datetime(2016, 7, 5, 8, 0, tzinfo=UTC))  # 09:00 BST, Tuesday

    chart = _chart(date(2016, 7, 5))

    assert chart == {date(2016, 7, 3): (0, 0), date(2016, 7, 4): (0, 1), date(2016, 7, 5): (1, 1)}


def test_the_days_the_clocks_change_hold_the_enquiries_of_their_uk_hours(app_ctx):
    # 30 October 2016: 01:00-02:00 happens twice; 27 March 2016 had no 01:00-02:00.
    make_enquiry(received_at=datetime(2016, 10, 29, 23, 30, tzinfo=UTC))  # 00:30 BST, Sunday
    make_enquiry(received_at=datetime(2016, 10, 30, 23, 30, tzinfo=UTC))  # 23:30 GMT, Sunday
    make_enquiry(received_at=datetime(2016, 10, 31, 0, 30, tzinfo=UTC))  # 00:30 GMT, Monday

    chart = _chart(date(2016, 10, 31))

    assert chart[date(2016, 10, 30)] == (0, 2)
    assert chart[date(2016, 10, 31)] == (0, 1)
