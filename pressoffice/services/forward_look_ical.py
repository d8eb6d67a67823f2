"""The forward look as iCalendar (RFC 5545), built with the ``icalendar`` package.

Times are UTC instants (``DTSTART:20161206T093000Z``): every calendar program shows them in its
own zone, and no ``VTIMEZONE`` can go stale. An entry without a time is an all-day event on its
UK date (``DTSTART;VALUE=DATE``, ``DTEND`` the day after, as RFC 5545 asks).

The staff feed carries every entry and release on the grid, with owners and notes; the public
feed carries only what the public release calendar shows: announced entries, under their public
titles, with the reasons for changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from ..domain import forward_look as rules
from ..timefmt import uk_datetime
from .forward_look_grid import PublicEntry

# How long a timed entry lasts in a calendar: a release goes out at an instant, not over an hour.
EVENT_LENGTH = timedelta(minutes=15)

ICAL_STATUS = {
    rules.PROVISIONAL: "TENTATIVE",
    rules.CONFIRMED: "CONFIRMED",
    rules.CANCELLED: "CANCELLED",
}


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Pressoffice//Forward look//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _when(event: Event, day: date, instant: datetime | None) -> None:
    if instant is None:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    else:
        event.add("dtstart", instant)
        event.add("dtend", instant + EVENT_LENGTH)


def _day_words(day: date, at=None) -> str:
    return rules.describe_planned(day, at)


def staff_calendar(
    days: list[rules.GridDay],
    *,
    office: str,
    host: str,
    now: datetime,
    entry_url: Callable[[int], str],
    release_url: Callable[[int], str],
) -> bytes:
    """Every item on the staff grid as one iCalendar document."""
    calendar = _calendar(f"{office}: forward look")
    for grid_day in days:
        for item in grid_day.items:
            event = Event()
            if item.kind == "entry":
                event.add("uid", f"planned-entry-{item.entry_id}@{host}")
                event.add("url", entry_url(item.entry_id))
            else:
                event.add("uid", f"release-{item.release_id}@{host}")
                event.add("url", release_url(item.release_id))
            event.add("summary", item.title)
            event.add("dtstamp", now)
            _when(event, item.day, item.instant)
            status = ICAL_STATUS.get(item.status)
            if status is None:
                status = "CANCELLED" if item.status == "withdrawn" else "CONFIRMED"
            event.add("status", status)
            lines = [f"Status: {item.label}", f"Owner: {item.owner}"]
            if item.instant is not None:
                lines.append(f"At {uk_datetime(item.instant)}")
            if item.announced:
                lines.append("Announced on the public release calendar")
            event.add("description", "\n".join(lines))
            calendar.add_component(event)
    return calendar.to_ical()


def public_calendar(entries: list[PublicEntry], *, office: str, host: str, now: datetime) -> bytes:
    """The public release calendar as one iCalendar document: public titles, dates, statuses and
    the reasons for changes; nothing else."""
    calendar = _calendar(f"{office}: release calendar")
    for entry in entries:
        event = Event()
        event.add("uid", f"calendar-{entry.id}@{host}")
        event.add("summary", entry.title)
        event.add("dtstamp", now)
        _when(event, entry.day, entry.instant)
        event.add("status", ICAL_STATUS[entry.status])
        lines = [f"Status: {entry.label}"]
        for change in entry.changes:
            if change.action == "move":
                lines.append(
                    f"Moved from {_day_words(change.from_day, change.from_at)} to "
                    f"{_day_words(change.to_day, change.to_at)}"
                )
                if change.reason:
                    lines[-1] += f": {change.reason}"
            else:
                lines.append(f"Cancelled: {change.reason}")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()
