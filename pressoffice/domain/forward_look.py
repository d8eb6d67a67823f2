"""The forward look (the "grid"): what goes out on which day over the coming weeks.

A *planned entry* is a line on the grid made before any release is written: a title, an owner,
a UK date and perhaps a time, and a status: provisional, confirmed or cancelled. It may be
announced on the public release calendar under a public title, and it may later be linked to the
release written for it, which then shows its own state on the grid.

The rules, in plain words:

- any member of the press office (officer or above, ``domain.roles``) may plan, edit, move and
  cancel entries and write the release for one;
- a new entry, or a new date, is today or later in UK time;
- moving a *confirmed* entry needs a reason, kept on the entry's timeline (and shown on the public
  calendar when the entry is announced); moving a provisional one does not; once its release is
  published the date is history and no longer moves;
- cancelling needs a reason; a cancelled entry changes no more; an entry whose release has been
  scheduled or published cannot be cancelled (withdraw or unschedule the release instead);
- an announced entry has a public title, the only words of it the public ever sees;
- the grid's days are UK days: an instant belongs to the London date it falls on, whatever the
  offset that day (GMT or BST).

Nothing here knows of Flask or the database; the current instant is always an argument.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .roles import has_role
from .signoff import ALLOWED, Actor, Decision, invalid, not_you, refused

LONDON = ZoneInfo("Europe/London")

PROVISIONAL, CONFIRMED, CANCELLED = "provisional", "confirmed", "cancelled"
STATUSES = (PROVISIONAL, CONFIRMED, CANCELLED)
STATUS_LABELS = {PROVISIONAL: "Provisional", CONFIRMED: "Confirmed", CANCELLED: "Cancelled"}
# The statuses a person chooses on the entry form; cancelling has its own page and reason.
CHOSEN_STATUSES = (PROVISIONAL, CONFIRMED)

TITLE_MAX = 200
PUBLIC_TITLE_MAX = 200
NOTES_MAX = 5000
REASON_MAX = 1000

DEFAULT_WEEKS = 4
MAX_WEEKS = 12
# How far the grid may be moved from today, either way: far enough for any planning, near
# enough that an address cannot name a year the date types refuse.
FURTHEST_WEEKS = 520

# Release states (``domain.visibility.computed_status``) as the grid names them.
RELEASE_LABELS = {
    "draft": "Release drafted",
    "in_review": "Release in review",
    "approved": "Release approved",
    "scheduled": "Release scheduled",
    "published": "Published",
    "withdrawn": "Withdrawn",
}
RELEASE_GONE_OUT = ("scheduled", "published", "withdrawn")
RELEASE_OUT = ("published", "withdrawn")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


# --- UK days and times ----------------------------------------------------------------------


def uk_today(now: datetime) -> date:
    """The London date at ``now``."""
    if now.tzinfo is None:
        raise ValueError("the forward look needs an aware instant")
    return now.astimezone(LONDON).date()


def uk_day_of(instant: datetime) -> date:
    """The London date an instant falls on."""
    return uk_today(instant)


def start_of_uk_day(day: date) -> datetime:
    """The instant (UTC) the London date ``day`` begins: midnight is never in a clock-change gap
    in the UK, so this is always exactly one instant."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def wall_time_problem(day: date, at: time) -> str | None:
    """Why ``at`` on ``day`` is not exactly one UK instant, or None when it is.

    The hour the clocks go forward does not exist and the hour they go back happens twice; a
    planned time in either is refused rather than guessed."""
    wall = datetime.combine(day, at)
    instants = set()
    for fold in (0, 1):
        instant = wall.replace(tzinfo=LONDON, fold=fold).astimezone(UTC)
        if instant.astimezone(LONDON).replace(tzinfo=None) == wall:
            instants.add(instant)
    if len(instants) == 1:
        return None
    when = f"{day:%A} {day.day} {day:%B %Y}"
    if not instants:
        return (
            f"{at:%H:%M} does not exist in the UK on {when}: the clocks go forward that night. "
            "Choose a time outside 01:00 to 01:59."
        )
    return (
        f"{at:%H:%M} happens twice in the UK on {when}: the clocks go back that night. "
        "Choose a time outside 01:00 to 01:59."
    )


def planned_instant(day: date, at: time | None) -> datetime | None:
    """The UTC instant of a planned UK date and time; None for an entry with no time."""
    if at is None:
        return None
    if wall_time_problem(day, at):
        raise ValueError("not exactly one UK instant")
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


def describe_planned(day: date | None, at: time | None = None) -> str:
    """A planned date and time in words, with the UK zone it falls in: 'Friday 11 December
    2026, 00:01 GMT'; the date alone when there is no time."""
    if day is None:
        return ""
    words = f"{day:%A} {day.day} {day:%B %Y}"
    if at is None:
        return words
    if wall_time_problem(day, at):
        return f"{words}, {at:%H:%M} UK time"
    zone = datetime.combine(day, at, tzinfo=LONDON).tzname()
    return f"{words}, {at:%H:%M} {zone}"


# --- reading what was typed -----------------------------------------------------------------


def clean_line(value, field_name: str, limit: int, *, required: str | None = None):
    """One line of text, trimmed: ``(text, errors)``; refuses control characters and text over
    ``limit``; ``required`` is the message when it must be given."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.strip()
    if not text:
        return "", ({field_name: required} if required else {})
    if _CONTROL.search(text) or "\n" in text or "\r" in text:
        return text, {field_name: "Use plain text on one line, without hidden characters"}
    if len(text) > limit:
        return text, {field_name: f"Use {limit} characters or fewer (you used {len(text)})"}
    return text, {}


def clean_text(value, field_name: str, limit: int, *, required: str | None = None):
    """Text that may run over several lines: ``(text, errors)``."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return "", ({field_name: required} if required else {})
    if _CONTROL.search(text):
        return text, {field_name: "Use plain text, without hidden characters"}
    if len(text) > limit:
        return text, {field_name: f"Use {limit} characters or fewer (you used {len(text)})"}
    return text, {}


def parse_day(day_text, month_text, year_text, field_name: str = "day") -> tuple[date | None, dict]:
    """A date typed as GOV.UK asks, in three boxes: day, month, year."""
    parts = [str(v or "").strip() for v in (day_text, month_text, year_text)]
    if not any(parts):
        return None, {field_name: "Enter the date, for example 27 3 2017"}
    names = ("a day", "a month", "a year")
    missing = [name for name, value in zip(names, parts, strict=True) if not value]
    if missing:
        return None, {field_name: f"The date must include {' and '.join(missing)}"}
    if not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
        return None, {field_name: "The date must be numbers only, for example 27 3 2017"}
    d, m, y = (int(p) for p in parts)
    if len(parts[2]) != 4:
        return None, {field_name: "The year must have 4 numbers, for example 2017"}
    try:
        return date(y, m, d), {}
    except ValueError:
        return None, {field_name: "The date must be a real date, for example 27 3 2017"}


def parse_time(text, field_name: str = "time") -> tuple[time | None, dict]:
    """An optional UK time on the 24-hour clock, such as 09:30 or 0930; blank means none."""
    raw = str(text or "").strip()
    if not raw:
        return None, {}
    match = re.fullmatch(r"([0-9]{1,2})[:.]?([0-9]{2})", raw)
    if not match:
        return None, {field_name: "Enter the time on the 24-hour clock, for example 09:30 or 14:00"}
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None, {field_name: "The time must be a real time, from 00:00 to 23:59"}
    return time(hours, minutes), {}


def check_day_and_time(
    day: date | None, at: time | None, today: date, errors: dict, *, day_field="day"
) -> None:
    """Add the refusals of a planned date and time: today or later, exactly one UK instant."""
    if day is None:
        return
    if day < today:
        errors.setdefault(day_field, "The date must be today or later")
    elif abs((day - today).days) > FURTHEST_WEEKS * 7:
        errors.setdefault(day_field, "The date must be within the next ten years")
    if at is not None and "time" not in errors:
        problem = wall_time_problem(day, at)
        if problem:
            errors["time"] = problem


@dataclass(frozen=True)
class EntryDetails:
    """What the entry form gives, checked: everything but the date (which moves on its own
    page, with its own rule)."""

    title: str
    owner_id: int | None
    status: str
    announced: bool
    public_title: str
    notes: str


def clean_details(form: dict) -> tuple[EntryDetails, dict[str, str]]:
    """Check the entry form's fields other than the date: ``(details, errors by field)``."""
    errors: dict[str, str] = {}
    title, e = clean_line(
        form.get("title"), "title", TITLE_MAX, required="Enter what is planned, as a short title"
    )
    errors.update(e)
    owner_raw = str(form.get("owner_id") or "").strip()
    owner_id = int(owner_raw) if owner_raw.isascii() and owner_raw.isdigit() else None
    if owner_id is None or not 0 < owner_id < 2**31:
        owner_id = None
        errors["owner_id"] = "Choose who owns this entry"
    status = str(form.get("status") or "").strip()
    if status not in CHOSEN_STATUSES:
        errors["status"] = "Choose whether the date is provisional or confirmed"
    announced_raw = form.get("announced")
    announced = announced_raw in (True, "yes", "on", "true", "1")
    if announced_raw not in (None, "", False, True, "yes", "on", "true", "1", "no", "false", "0"):
        errors["announced"] = "Say whether to announce it on the public calendar"
    public_title, e = clean_line(
        form.get("public_title"),
        "public_title",
        PUBLIC_TITLE_MAX,
        required="Enter the title the public will see" if announced else None,
    )
    errors.update(e)
    notes, e = clean_text(form.get("notes"), "notes", NOTES_MAX)
    errors.update(e)
    return EntryDetails(title, owner_id, status, announced, public_title, notes), errors


# --- who may do what, and when --------------------------------------------------------------


@dataclass(frozen=True)
class EntryFacts:
    """What the rules look at of a planned entry."""

    status: str
    day: date
    at: time | None = None
    announced: bool = False
    # The computed state of the linked release (``domain.visibility``), None when there is none.
    release_status: str | None = None


def _staff(actor: Actor | None) -> Decision:
    if actor is None or not has_role(actor.role, "officer"):
        return not_you("Only press office staff can plan the forward look")
    return ALLOWED


def may_create(actor: Actor | None) -> Decision:
    """Planning an entry: any member of the press office."""
    return _staff(actor)


def may_edit(entry: EntryFacts, actor: Actor | None) -> Decision:
    """Changing an entry's title, owner, status, announcement or notes."""
    who = _staff(actor)
    if not who:
        return who
    if entry.status == CANCELLED:
        return refused("This entry was cancelled; plan a new entry instead")
    return ALLOWED


def may_change_date(
    entry: EntryFacts,
    actor: Actor | None,
    new_day: date,
    new_at: time | None,
    reason: str,
    now: datetime,
) -> Decision:
    """Moving an entry to another date or time: a confirmed one needs a reason."""
    allowed = may_edit(entry, actor)
    if not allowed:
        return allowed
    if entry.release_status in RELEASE_OUT:
        return refused("Its release has been published, so its date can no longer change")
    if new_day == entry.day and new_at == entry.at:
        return invalid("day", "That is the date and time it already has: enter the new one")
    today = uk_today(now)
    if new_day < today:
        return invalid("day", "The new date must be today or later")
    if new_at is not None and wall_time_problem(new_day, new_at):
        return invalid("time", wall_time_problem(new_day, new_at))
    if entry.status == CONFIRMED and not reason.strip():
        return invalid(
            "reason", "Say why the confirmed date is changing: the reason is kept on its timeline"
        )
    return ALLOWED


def may_cancel(entry: EntryFacts, actor: Actor | None, reason: str) -> Decision:
    """Cancelling an entry: always with a reason, never once its release has gone out."""
    who = _staff(actor)
    if not who:
        return who
    if entry.status == CANCELLED:
        return refused("This entry is already cancelled")
    if entry.release_status in RELEASE_GONE_OUT:
        return refused(
            "Its release has been scheduled or published: unschedule or withdraw the release "
            "instead"
        )
    if not reason.strip():
        return invalid("reason", "Say why it is cancelled: the reason is kept on its timeline")
    return ALLOWED


def may_write_release(entry: EntryFacts, actor: Actor | None) -> Decision:
    """Starting the release for an entry: once, and not for a cancelled entry."""
    who = _staff(actor)
    if not who:
        return who
    if entry.status == CANCELLED:
        return refused("This entry was cancelled, so no release is written for it")
    if entry.release_status is not None:
        return refused("A release has already been written for this entry")
    return ALLOWED


def reason_is_public(entry: EntryFacts) -> bool:
    """A reason given while the entry is announced is shown on the public calendar."""
    return entry.announced


# --- the grid --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """The UK days the grid shows, and the instants that bound them (end excluded)."""

    first_day: date
    last_day: date
    starts_at: datetime
    ends_at: datetime

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]

    @property
    def previous_week(self) -> date:
        return self.first_day - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.first_day + timedelta(days=7)

    def holds(self, instant: datetime) -> bool:
        """Whether an instant falls on one of the window's UK days."""
        return self.starts_at <= instant < self.ends_at


def grid_window(now: datetime, first_day: date | None = None, weeks: int = DEFAULT_WEEKS) -> Window:
    """The grid's days: from ``first_day`` (default: today in UK time) for ``weeks`` weeks.

    A first day further than ``FURTHEST_WEEKS`` from today is brought back to today."""
    today = uk_today(now)
    first = first_day or today
    if abs((first - today).days) > FURTHEST_WEEKS * 7:
        first = today
    weeks = max(1, min(int(weeks), MAX_WEEKS))
    last = first + timedelta(days=7 * weeks - 1)
    return Window(first, last, start_of_uk_day(first), start_of_uk_day(last + timedelta(days=1)))


def parse_first_day(text) -> date | None:
    """The grid's ``from`` in its address (YYYY-MM-DD); None for anything else."""
    raw = str(text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class GridItem:
    """One line on the grid: a planned entry (perhaps with its release) or a release with no
    entry. ``instant`` is set when it has a time; ``day`` is always its UK date."""

    kind: str  # "entry" | "release"
    day: date
    instant: datetime | None
    title: str
    status: str  # a key of STATUS_LABELS or of RELEASE_LABELS
    entry_id: int | None = None
    release_id: int | None = None
    owner: str = ""
    announced: bool = False
    # The entry's own planned date, when its scheduled release sits on another day.
    planned_day: date | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status) or RELEASE_LABELS.get(self.status, self.status)


def grid_status(entry_status: str, release_status: str | None) -> str:
    """What the grid says of an entry: its release's state once one is written (the entry has
    become the release), else its own status; a cancelled entry stays cancelled."""
    if entry_status == CANCELLED:
        return CANCELLED
    return release_status or entry_status


def placed(
    entry_day: date, entry_at: time | None, release_status: str | None, release_at: datetime | None
) -> tuple[date, datetime | None]:
    """Where an entry sits on the grid: at its release's embargo or publication instant once the
    release is scheduled or out, else at its own planned date and time."""
    if release_status in RELEASE_GONE_OUT and release_at is not None:
        return uk_day_of(release_at), release_at
    return entry_day, planned_instant(entry_day, entry_at)


@dataclass
class GridDay:
    day: date
    items: list[GridItem] = field(default_factory=list)

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5


def _sort_key(item: GridItem):
    # All-day entries first, then by time; cancelled entries last within their day.
    return (
        item.status == CANCELLED,
        item.instant is not None,
        item.instant or datetime.min.replace(tzinfo=UTC),
        item.title.lower(),
    )


def by_day(items: list[GridItem], window: Window) -> list[GridDay]:
    """The window's days in order, each with its items (all-day first, then by time); items
    outside the window are left out."""
    days = {day: GridDay(day) for day in window.days}
    for item in items:
        if item.day in days:
            days[item.day].items.append(item)
    for grid_day in days.values():
        grid_day.items.sort(key=_sort_key)
    return list(days.values())
