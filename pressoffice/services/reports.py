"""The enquiries dashboard: today and this week by route, open and overdue, the share answered
before the deadline, and a chart of enquiries per day split by route (an SVG drawn here, so
the page needs no JavaScript)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup, escape

from ..domain import enquiries as rules
from ..domain.routing import OFFICE_HOURS, OUT_OF_HOURS, OfficeCalendar
from ..extensions import db
from ..models import Enquiry

# At least a week: today's and this week's figures are read off the chart's days.
CHART_DAYS = 28
PERFORMANCE_DAYS = 28


@dataclass(frozen=True)
class RouteCounts:
    office_hours: int = 0
    out_of_hours: int = 0

    @property
    def total(self) -> int:
        return self.office_hours + self.out_of_hours


@dataclass(frozen=True)
class DayCounts:
    day: date
    office_hours: int
    out_of_hours: int

    @property
    def total(self) -> int:
        return self.office_hours + self.out_of_hours


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    today: RouteCounts
    this_week: RouteCounts
    week_starts: date
    open: int
    overdue: int
    needs_attention: int
    answered_in_time: int
    with_known_outcome: int
    performance_days: int
    days: list[DayCounts]
    chart: Markup

    @property
    def share_in_time(self) -> int | None:
        """Percentage answered by the deadline, of those whose outcome is known (answered, or
        the deadline has passed); None when there are none."""
        if not self.with_known_outcome:
            return None
        return round(100 * self.answered_in_time / self.with_known_outcome)


def _midnight(day: date, calendar: OfficeCalendar) -> datetime:
    return datetime.combine(day, time(0), tzinfo=calendar.timezone).astimezone(UTC)


def _by_route(days: list[DayCounts], since: date) -> RouteCounts:
    """The chart's days from ``since`` on, added up by route (the chart always reaches back
    further than the start of the week, so today and this week need no query of their own)."""
    chosen = [d for d in days if d.day >= since]
    return RouteCounts(sum(d.office_hours for d in chosen), sum(d.out_of_hours for d in chosen))


def dashboard(now: datetime) -> Dashboard:
    """The figures as they stand at ``now``; days and weeks are London days and weeks
    (Monday to Sunday)."""
    calendar = OfficeCalendar.from_config(current_app.config)
    today = now.astimezone(calendar.timezone).date()
    week_starts = today - timedelta(days=today.weekday())

    # Only the open enquiries are read (through the status index), however long the log.
    open_count, overdue, attention = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count().filter(Enquiry.deadline.is_not(None), Enquiry.deadline < now),
            sa.func.count().filter(Enquiry.needs_attention.is_(True)),
        ).where(Enquiry.status.in_(rules.OPEN_STATUSES))
    ).one()

    since = _midnight(today - timedelta(days=PERFORMANCE_DAYS - 1), calendar)
    in_time, known = db.session.execute(
        sa.select(
            sa.func.count().filter(
                Enquiry.answered_at.is_not(None), Enquiry.answered_at <= Enquiry.deadline
            ),
            sa.func.count().filter(
                sa.or_(Enquiry.answered_at.is_not(None), Enquiry.deadline < now)
            ),
        ).where(Enquiry.received_at >= since, Enquiry.deadline.is_not(None))
    ).one()

    days = per_day(today, CHART_DAYS, calendar)
    return Dashboard(
        now=now,
        today=_by_route(days, today),
        this_week=_by_route(days, week_starts),
        week_starts=week_starts,
        open=open_count,
        overdue=overdue,
        needs_attention=attention,
        answered_in_time=in_time,
        with_known_outcome=known,
        performance_days=PERFORMANCE_DAYS,
        days=days,
        chart=chart_svg(days),
    )


def _utc_hour():
    """The UTC hour an enquiry was received in, as the database can group by it."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date_trunc("hour", Enquiry.received_at)
    # SQLite keeps instants as text, "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
    return sa.func.substr(Enquiry.received_at, 1, 13)


def _hour_start(value) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC)
    # "YYYY-MM-DD HH" (fromisoformat is many times quicker than strptime).
    return datetime.fromisoformat(f"{value}:00+00:00")


def per_day(last_day: date, count: int, calendar: OfficeCalendar) -> list[DayCounts]:
    """Enquiries received on each of the ``count`` London days ending ``last_day``.

    Counted by the database per UTC hour and route (at most 24 x 2 rows a day, however many
    enquiries), then each hour put on its London day: while the office's time zone is a whole
    number of hours from UTC (London always is), an hour never straddles two days."""
    first_day = last_day - timedelta(days=count - 1)
    start = _midnight(first_day, calendar)
    end = _midnight(last_day + timedelta(days=1), calendar)
    if not _whole_hours(calendar, start, end):
        return _per_day_row_by_row(first_day, count, calendar, start, end)
    hour = _utc_hour().label("hour")
    rows = db.session.execute(
        sa.select(hour, Enquiry.route, sa.func.count())
        .where(Enquiry.received_at >= start, Enquiry.received_at < end)
        .group_by(hour, Enquiry.route)
    ).all()
    tally: Counter = Counter()
    for at, route, number in rows:
        tally[(_hour_start(at).astimezone(calendar.timezone).date(), route)] += number
    return _days(first_day, count, tally)


def _whole_hours(calendar: OfficeCalendar, start: datetime, end: datetime) -> bool:
    """Whether the office's time zone is a whole number of hours from UTC all through."""
    instants = [start, end, *(start + timedelta(days=n) for n in range((end - start).days))]
    return all(
        at.astimezone(calendar.timezone).utcoffset().total_seconds() % 3600 == 0 for at in instants
    )


def _per_day_row_by_row(first_day, count, calendar, start, end) -> list[DayCounts]:
    # For a time zone with a half-hour offset: each enquiry's instant put on its day here.
    rows = db.session.execute(
        sa.select(Enquiry.received_at, Enquiry.route).where(
            Enquiry.received_at >= start, Enquiry.received_at < end
        )
    ).all()
    tally = Counter((at.astimezone(calendar.timezone).date(), route) for at, route in rows)
    return _days(first_day, count, tally)


def _days(first_day: date, count: int, tally: Counter) -> list[DayCounts]:
    return [
        DayCounts(day, tally[(day, OFFICE_HOURS)], tally[(day, OUT_OF_HOURS)])
        for day in (first_day + timedelta(days=n) for n in range(count))
    ]


# --- the chart ------------------------------------------------------------------------------

WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 36, 40


def _nice_top(value: int) -> tuple[int, int]:
    """A round top for the axis and the step between its ticks."""
    if value <= 5:
        return 5, 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if value / step <= 6:
            return step * -(-value // step), step
    step = 10 ** len(str(value))
    return step * -(-value // step), step // 5


def chart_svg(days: list[DayCounts]) -> Markup:
    """A stacked bar chart of enquiries per day, office hours below and out of hours above,
    with a title, a description, axis labels, a legend and a tooltip per bar."""
    top, step = _nice_top(max((d.total for d in days), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar_w = max(slot * 0.7, 1)
    total = sum(d.total for d in days)
    first, last = (days[0].day, days[-1].day) if days else (None, None)
    span = f"{_short(first)} to {_short(last)}" if days else "no days"
    parts = [
        f'<svg class="enquiry-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="enquiry-chart-title enquiry-chart-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="enquiry-chart-title">Enquiries per day, {escape(span)}</title>',
        f'<desc id="enquiry-chart-desc">{total} enquiries in {len(days)} days: '
        f"{sum(d.office_hours for d in days)} in office hours and "
        f"{sum(d.out_of_hours for d in days)} out of hours. "
        "The table below the chart gives each day's figures.</desc>",
        # legend
        f'<rect class="chart-office" x="{LEFT}" y="8" width="14" height="14"/>',
        f'<text class="chart-label" x="{LEFT + 20}" y="20">Office hours</text>',
        f'<rect class="chart-out" x="{LEFT + 140}" y="8" width="14" height="14"/>',
        f'<text class="chart-label" x="{LEFT + 160}" y="20">Out of hours</text>',
    ]
    for tick in range(0, top + 1, step):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text class="chart-label chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    for index, day in enumerate(days):
        x = LEFT + slot * index + (slot - bar_w) / 2
        office_h = plot_h * day.office_hours / top
        out_h = plot_h * day.out_of_hours / top
        base = TOP + plot_h
        tip = escape(
            f"{day.day:%a} {_short(day.day)}: {day.office_hours} in office hours, "
            f"{day.out_of_hours} out of hours"
        )
        parts.append(f"<g><title>{tip}</title>")
        if day.office_hours:
            parts.append(
                f'<rect class="chart-office" x="{x:.1f}" y="{base - office_h:.1f}" '
                f'width="{bar_w:.1f}" height="{office_h:.1f}"/>'
            )
        if day.out_of_hours:
            parts.append(
                f'<rect class="chart-out" x="{x:.1f}" y="{base - office_h - out_h:.1f}" '
                f'width="{bar_w:.1f}" height="{out_h:.1f}"/>'
            )
        parts.append("</g>")
        # Label Mondays (and the first day), so weeks can be read off the axis.
        if index == 0 or day.day.weekday() == 0:
            parts.append(
                f'<text class="chart-label chart-axis" x="{x + bar_w / 2:.1f}" '
                f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{_short(day.day)}</text>'
            )
    parts.append(
        f'<line class="chart-baseline" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
        f'y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>'
    )
    parts.append(
        f'<text class="chart-label" x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" '
        'text-anchor="middle">Day received (UK time); Mondays are labelled</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every piece of text above is escaped or a number


def _short(day: date | None) -> str:
    return f"{day.day} {day:%b}" if day else ""
