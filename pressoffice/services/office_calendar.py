"""The office calendar: the settings of ``config.py`` plus the closures and extra openings an
admin has entered, and the route of an instant according to them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..domain import enquiries as enquiry_rules
from ..domain.routing import (
    CLOSED,
    OPEN,
    CalendarException,
    OfficeCalendar,
    Routing,
    next_change,
    route_for,
)
from ..extensions import db
from ..models import OfficeException, User
from ..timefmt import iso_utc
from .errors import NotFound, ValidationFailed
from .public_freshness import public_change_token
from .unit_of_work import unit_of_work

# How far ahead the contact page looks for the next opening.
LOOKAHEAD_DAYS = 21
_KEPT_YEARS = "pressoffice.office_exceptions_by_year"


def _as_exception(row: OfficeException) -> CalendarException:
    return CalendarException(
        day=row.day, kind=row.kind, reason=row.reason, starts=row.starts, ends=row.ends
    )


def _exceptions_between(first_day: date, last_day: date) -> list[CalendarException] | None:
    """The admin's exceptions between the two London dates, read a whole year at a time and
    kept under the public-change token read first (a closure added or removed changes it), so
    a route asks the database only for that token. None when the token is missing.

    A year is kept no longer than ``PUBLIC_CACHE_MAX_AGE``, as the public pages showing it are:
    a closure entered straight in the database, which leaves the token alone, reroutes within
    it."""
    token = public_change_token()
    if token is None:
        return None
    kept = current_app.extensions.setdefault(_KEPT_YEARS, {})
    now = clock.now()
    oldest = now - timedelta(seconds=current_app.config["PUBLIC_CACHE_MAX_AGE"])
    found: list[CalendarException] = []
    for year in range(first_day.year, last_day.year + 1):
        read_at, exceptions = kept.get((token, year), (None, None))
        if exceptions is None or not oldest < read_at <= now:
            rows = db.session.scalars(
                sa.select(OfficeException).where(
                    OfficeException.day >= date(year, 1, 1),
                    OfficeException.day <= date(year, 12, 31),
                )
            )
            if len(kept) >= 64:
                kept.clear()
            exceptions = tuple(_as_exception(r) for r in rows)
            kept[(token, year)] = (now, exceptions)
        found.extend(e for e in exceptions if first_day <= e.day <= last_day)
    return found


def office_calendar(first_day: date | None = None, last_day: date | None = None) -> OfficeCalendar:
    """The calendar from the settings, with the admin's exceptions between the two London
    dates (all of them when no dates are given)."""
    if first_day is not None and last_day is not None:
        exceptions = _exceptions_between(first_day, last_day)
        if exceptions is not None:
            return OfficeCalendar.from_config(current_app.config, exceptions)
    query = sa.select(OfficeException)
    if first_day is not None:
        query = query.where(OfficeException.day >= first_day)
    if last_day is not None:
        query = query.where(OfficeException.day <= last_day)
    rows = db.session.scalars(query).all()
    return OfficeCalendar.from_config(current_app.config, [_as_exception(r) for r in rows])


def calendar_for(instant: datetime, days_after: int = 0) -> OfficeCalendar:
    """The calendar with the exceptions that can matter for ``instant`` (its London date, a
    day either side for safety, and ``days_after`` more)."""
    base = OfficeCalendar.from_config(current_app.config)
    day = instant.astimezone(base.timezone).date()
    return office_calendar(day - timedelta(days=1), day + timedelta(days=days_after + 1))


def route_at(instant: datetime) -> Routing:
    """Office hours or out of hours at ``instant``, the line to call and why."""
    return route_for(instant, calendar_for(instant))


def route_and_next_change(instant: datetime) -> tuple[Routing, datetime | None]:
    """The route now and the next instant it changes (for "the office line opens again at")."""
    calendar = calendar_for(instant, LOOKAHEAD_DAYS)
    return route_for(instant, calendar), next_change(instant, calendar, LOOKAHEAD_DAYS)


def routing_answer(routing: Routing) -> dict[str, str]:
    """The answer of ``GET /api/v1/routing`` and ``pressoffice route``: one shape for both."""
    local = routing.local.replace(microsecond=0)
    return {
        "at": iso_utc(routing.at),
        "local": local.isoformat(),
        "zone": local.tzname(),
        "route": routing.route,
        "line": routing.line,
        "reason": routing.reason,
    }


# --- admin: closures and extra openings -------------------------------------------------------


def list_exceptions(from_day: date | None = None) -> list[OfficeException]:
    """Office closures and extra openings by day, from ``from_day`` when given."""
    query = sa.select(OfficeException).order_by(OfficeException.day, OfficeException.starts)
    if from_day is not None:
        query = query.where(OfficeException.day >= from_day)
    return list(db.session.scalars(query))


@unit_of_work
def add_exception(
    *,
    day: date | None,
    kind: str,
    reason: str,
    starts: time | None,
    ends: time | None,
    actor: User,
    now: datetime,
) -> OfficeException:
    """Record a closure or an extra opening for a whole London day or part of one."""
    errors: dict[str, str] = {}
    reason = enquiry_rules.clean_text(reason)
    if day is None:
        errors["day"] = "Enter the date"
    if kind not in (CLOSED, OPEN):
        errors["kind"] = "Choose whether the office is closed or open"
    if not reason:
        errors["reason"] = "Enter the reason, for example 'Office move'"
    elif len(reason) > 200:
        errors["reason"] = "The reason must be 200 characters or fewer"
    if (starts is None) != (ends is None):
        field = "ends" if starts is not None else "starts"
        errors[field] = "Give both a start and an end time, or neither for the whole day"
    elif starts is not None and not starts < ends:
        errors["ends"] = "The end time must be after the start time"
    if errors:
        raise ValidationFailed(errors)
    row = OfficeException(
        day=day,
        kind=kind,
        reason=reason,
        starts=starts,
        ends=ends,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(row)
    return row


@unit_of_work
def remove_exception(exception_id: int) -> None:
    """Take a closure or extra opening off the calendar; NotFound when it is already gone."""
    row = db.session.get(OfficeException, exception_id)
    if row is None:
        raise NotFound("That closure or opening no longer exists")
    db.session.delete(row)
