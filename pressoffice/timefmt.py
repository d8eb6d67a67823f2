"""Showing instants to people: always UK time with the zone named ("09:30 GMT", "BST")."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def to_london(instant: datetime) -> datetime:
    """The instant as Europe/London wall time (aware)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: an instant needs its offset")
    return instant.astimezone(LONDON)


def uk_datetime(instant: datetime | None, empty: str = "") -> str:
    """'09:30 GMT on Thursday 1 December 2016'."""
    if instant is None:
        return empty
    local = to_london(instant)
    return f"{local:%H:%M} {local.tzname()} on {local:%A} {local.day} {local:%B %Y}"


def uk_datetime_short(instant: datetime | None, empty: str = "") -> str:
    """'1 Dec 2016 09:30 GMT'."""
    if instant is None:
        return empty
    local = to_london(instant)
    return f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"


def uk_date(instant: datetime | None, empty: str = "") -> str:
    """'Thursday 1 December 2016' (the London date)."""
    if instant is None:
        return empty
    local = to_london(instant)
    return f"{local:%A} {local.day} {local:%B %Y}"


def clock_time(moment: time) -> str:
    """A time of day as every page writes it: the 24-hour clock, '08:30' (or '08:30:15' when
    the seconds matter)."""
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def time_span(starts: time, ends: time) -> str:
    """Opening hours and other spans of the day, one way on every page: '08:30 to 17:00'."""
    return f"{clock_time(starts)} to {clock_time(ends)}"


def iso_utc(instant: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, as the API answers: '2016-12-01T00:01:00Z'."""
    if instant is None:
        return None
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app) -> None:
    app.add_template_filter(uk_datetime)
    app.add_template_filter(uk_datetime_short)
    app.add_template_filter(uk_date)
    app.add_template_filter(iso_utc)
    app.add_template_filter(clock_time)
    app.add_template_global(time_span)
    app.add_template_filter(to_london)
