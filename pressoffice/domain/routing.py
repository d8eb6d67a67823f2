"""Office hours or out of hours: which press line answers at a given instant, and why.

The rule: convert the instant to the office's time zone (Europe/London). It is office hours when
that local time falls on an office day (Monday to Friday), 08:30:00 <= time < 17:00:00, and the
local date is neither a bank holiday in England and Wales nor a closure entered by an admin. An
admin may also add an extra opening (a whole day or part of one) on a day the office would
otherwise be shut. Everything here is plain Python: the instant and the calendar are arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import holidays

from ..timefmt import clock_time, time_span

OFFICE_HOURS = "office_hours"
OUT_OF_HOURS = "out_of_hours"
ROUTES = (OFFICE_HOURS, OUT_OF_HOURS)
ROUTE_LABELS = {OFFICE_HOURS: "Office hours", OUT_OF_HOURS: "Out of hours"}

CLOSED = "closed"
OPEN = "open"

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def hhmm(moment: time) -> str:
    """08:30, or 08:30:15 when the seconds matter (``timefmt.clock_time``)."""
    return clock_time(moment)


@dataclass(frozen=True)
class CalendarException:
    """A closure or an extra opening on one local date: the whole day when ``starts`` and
    ``ends`` are both None, otherwise local wall times ``starts <= t < ends``."""

    day: date
    kind: str  # CLOSED or OPEN
    reason: str
    starts: time | None = None
    ends: time | None = None

    def __post_init__(self) -> None:
        if self.kind not in (CLOSED, OPEN):
            raise ValueError(f"unknown calendar exception kind {self.kind!r}")
        if (self.starts is None) != (self.ends is None):
            raise ValueError("a part-day exception needs both a start and an end")
        if self.starts is not None and not self.starts < self.ends:
            raise ValueError("a part-day exception must end after it starts")

    @property
    def whole_day(self) -> bool:
        return self.starts is None

    def covers(self, local_time: time, opens: time, closes: time) -> bool:
        """Whether this exception applies at ``local_time``. A whole-day closure covers the
        whole day; a whole-day extra opening means the usual opening hours."""
        if self.whole_day:
            return self.kind == CLOSED or opens <= local_time < closes
        return self.starts <= local_time < self.ends

    def span(self, opens: time, closes: time) -> str:
        if self.whole_day:
            return "all day" if self.kind == CLOSED else time_span(opens, closes)
        return time_span(self.starts, self.ends)


@lru_cache(maxsize=8)
def bank_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    """The public holidays of a country (and subdivision), substitute days included. Cached:
    building one is slow, and the package fills in years lazily as dates are asked about."""
    return holidays.country_holidays(country, subdiv=subdivision, language="en_GB")


def holiday_name(name: str) -> str:
    """The package says "(observed)"; in the UK a bank holiday moved off a weekend is a
    "substitute day"."""
    return name.replace("(observed)", "(substitute day)")


@dataclass(frozen=True)
class OfficeCalendar:
    """The office's hours, time zone, lines and calendar."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    opens: time = time(8, 30)
    closes: time = time(17, 0)
    days: frozenset[int] = frozenset(range(5))  # Monday = 0
    office_line: str = ""
    out_of_hours_line: str = ""
    holiday_country: str = "GB"
    holiday_subdivision: str | None = "ENG"
    exceptions: tuple[CalendarException, ...] = ()

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], exceptions: Iterable[CalendarException] = ()
    ) -> OfficeCalendar:
        """Build the calendar from the app's settings (``OFFICE_*``, ``*_LINE``, ``HOLIDAY_*``)."""
        return cls(
            timezone=ZoneInfo(config.get("OFFICE_TIMEZONE", "Europe/London")),
            opens=_as_time(config.get("OFFICE_HOURS_START", "08:30")),
            closes=_as_time(config.get("OFFICE_HOURS_END", "17:00")),
            days=_as_days(config.get("OFFICE_DAYS", (0, 1, 2, 3, 4))),
            office_line=config.get("OFFICE_LINE", ""),
            out_of_hours_line=config.get("OUT_OF_HOURS_LINE", ""),
            holiday_country=config.get("HOLIDAY_COUNTRY", "GB"),
            holiday_subdivision=config.get("HOLIDAY_SUBDIVISION", "ENG") or None,
            exceptions=tuple(exceptions),
        )

    def with_exceptions(self, exceptions: Iterable[CalendarException]) -> OfficeCalendar:
        return OfficeCalendar(**{**self.__dict__, "exceptions": tuple(exceptions)})

    def holiday_on(self, day: date) -> str | None:
        """The bank holiday's name on ``day`` (several joined with "; "), or None."""
        names = bank_holidays(self.holiday_country, self.holiday_subdivision).get_list(day)
        return "; ".join(holiday_name(n) for n in names) or None

    def exceptions_on(self, day: date) -> list[CalendarException]:
        return [e for e in self.exceptions if e.day == day]

    def line_for(self, route: str) -> str:
        return self.office_line if route == OFFICE_HOURS else self.out_of_hours_line

    @property
    def hours(self) -> str:
        return time_span(self.opens, self.closes)


@dataclass(frozen=True)
class Routing:
    """The answer for one instant: the route, the line to call and why."""

    at: datetime  # UTC
    local: datetime  # in the office's time zone
    route: str
    line: str
    reason: str

    @property
    def is_office_hours(self) -> bool:
        return self.route == OFFICE_HOURS

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS[self.route]


def route_for(instant: datetime, calendar: OfficeCalendar) -> Routing:
    """Which line answers at ``instant`` (an aware datetime in any offset), and why."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("route_for needs an instant with a time-zone offset")
    local = instant.astimezone(calendar.timezone)
    route, reason = _decide(local.date(), local.time().replace(microsecond=0), calendar)
    return Routing(
        at=instant.astimezone(UTC),
        local=local,
        route=route,
        line=calendar.line_for(route),
        reason=reason,
    )


def _decide(day: date, now: time, calendar: OfficeCalendar) -> tuple[str, str]:
    exceptions = calendar.exceptions_on(day)
    # A closure wins over everything: out-of-hours calls reach the duty officer, which is the
    # safe side when the two disagree.
    for exception in exceptions:
        if exception.kind == CLOSED and exception.covers(now, calendar.opens, calendar.closes):
            return OUT_OF_HOURS, (
                f"Office closed: {exception.reason} "
                f"({exception.span(calendar.opens, calendar.closes)})"
            )
    for exception in exceptions:
        if exception.kind == OPEN and exception.covers(now, calendar.opens, calendar.closes):
            return OFFICE_HOURS, (
                f"Extra opening: {exception.reason} "
                f"({exception.span(calendar.opens, calendar.closes)})"
            )
    day_name = DAY_NAMES[day.weekday()]
    holiday = calendar.holiday_on(day)
    if holiday:
        return OUT_OF_HOURS, f"Bank holiday: {holiday}"
    if day.weekday() not in calendar.days:
        if day.weekday() >= 5:
            return OUT_OF_HOURS, f"Weekend ({day_name})"
        return OUT_OF_HOURS, f"The office does not open on a {day_name}"
    if now < calendar.opens:
        return OUT_OF_HOURS, f"Before {hhmm(calendar.opens)} on a {day_name}"
    if now >= calendar.closes:
        return OUT_OF_HOURS, f"After {hhmm(calendar.closes)} on a {day_name}"
    return OFFICE_HOURS, f"Office hours ({day_name} {calendar.hours})"


def next_change(instant: datetime, calendar: OfficeCalendar, horizon_days: int = 21):
    """The first instant after ``instant`` at which the route changes, or None if it does not
    change within ``horizon_days``. Used to tell a caller when the office line opens again."""
    current = route_for(instant, calendar).route
    local = instant.astimezone(calendar.timezone)
    # The route only changes at the start of a day, at opening or closing time, or at an
    # exception's start or end: check those local moments in order.
    for offset in range(horizon_days + 1):
        day = local.date() + timedelta(days=offset)
        moments = {time(0, 0), calendar.opens, calendar.closes}
        for exception in calendar.exceptions_on(day):
            if not exception.whole_day:
                moments.update((exception.starts, exception.ends))
        for moment in sorted(moments):
            candidate = _wall_to_instant(day, moment, calendar.timezone)
            if candidate <= instant:
                continue
            if route_for(candidate, calendar).route != current:
                return candidate.astimezone(UTC)
    return None


def _wall_to_instant(day: date, moment: time, tz: ZoneInfo) -> datetime:
    # Round trip through UTC so that a wall time skipped by the clocks going forward lands on
    # the real instant just after the gap.
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC).astimezone(tz)


# --- the duty rota ---------------------------------------------------------------------------


class Shift(Protocol):
    starts_at: datetime
    ends_at: datetime


S = TypeVar("S", bound=Shift)


def on_duty_at(instant: datetime, shifts: Iterable[S]) -> S | None:
    """The rota entry covering ``instant`` (``starts_at <= instant < ends_at``). When entries
    overlap, the one that started last wins: it is the more specific cover (a swap or a
    stand-in entered on top of a weekly shift)."""
    covering = [s for s in shifts if s.starts_at <= instant < s.ends_at]
    if not covering:
        return None
    return max(covering, key=lambda s: (s.starts_at, getattr(s, "id", 0) or 0))


# --- instants given as text ------------------------------------------------------------------


# Instants outside these years are typing mistakes; near the ends of the calendar, working
# out the local day and its neighbours would run off it.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant that carries an offset ("Z" or "+01:00"). A time without an offset
    is ambiguous and refused, and so is one outside the years 1900 to 2999."""
    text = (text or "").strip()
    if not text:
        raise ValueError("Give an instant, for example 2016-12-27T10:00:00Z")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "Not an ISO 8601 instant: use a form like 2016-12-27T10:00:00Z or "
            "2016-12-27T10:00:00+00:00"
        ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(
            "The instant needs a time-zone offset (for example Z or +01:00): a local time "
            "without one can be ambiguous"
        )
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        raise ValueError(f"Give an instant between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return parsed


def _as_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def _as_days(value: Any) -> frozenset[int]:
    days = set()
    for item in value:
        if isinstance(item, int):
            days.add(item)
        else:
            days.add([d.lower()[:3] for d in DAY_NAMES].index(str(item).lower()[:3]))
    return frozenset(days)
