"""WTForms classes: field parsing and field validation only. Workflow rules live in the domain
and reach the forms through the services' refusals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import Form
from wtforms.fields import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional


class _CSRFWithoutId(_FlaskFormCSRF):
    """The hidden CSRF input of every form, rendered without an id: a page with several forms
    (the duty rota and calendar, an enquiry, a user) has several of them, and one id given to
    each would repeat on the page. Nothing refers to the input by id; it is sent by name."""

    def setup_form(self, form):
        fields = super().setup_form(form)
        for _name, unbound in fields:
            unbound.kwargs["render_kw"] = {**unbound.kwargs.get("render_kw", {}), "id": False}
        return fields


# Every FlaskForm of the app, whichever module declares it, renders its CSRF input this way.
FlaskForm.Meta.csrf_class = _CSRFWithoutId


def show_refusal(form, fields: Mapping[str, str], field_for: Mapping[str, str] | None = None):
    """Put each message of a refused use case next to its field on ``form``; ``field_for``
    names the form's field where it differs from the service's (a deadline typed as a day and
    a time). A message without a field of its own goes above the form: none is dropped."""
    for name, message in fields.items():
        target = (field_for or {}).get(name, name)
        if target in form:
            form[target].errors = [*form[target].errors, message]
        else:
            form.form_errors.append(message)


# === Releases ================================================================================

LIST_NAMES = ("quotes", "links", "notes")
LIST_LIMIT = 30
LIST_NOUNS = {"quotes": "quote", "links": "link", "notes": "note"}


class QuoteForm(Form):
    # Keeps a quote's identity through edits and reordering (a speaker's sign-off follows it).
    key = HiddenField()
    speaker = StringField("Who said it", description="For example, Zoë Billingham")
    role = StringField("Their role", description="For example, HM Inspector of Constabulary")
    text = TextAreaField("What they said")


class LinkForm(Form):
    label = StringField("Link text", description="For example, Get the report")
    url = StringField("Web address", description="Starting with https:// or http://")


class ReleaseForm(FlaskForm):
    """The release editor. Quotes, links and notes are ordered lists that are added to, removed
    from and reordered with ordinary submit buttons, so it works without JavaScript and keeps
    everything typed."""

    version = HiddenField()
    title = StringField("Headline")
    summary = TextAreaField("Standfirst", description="One or two sentences that sum up the story.")
    body = TextAreaField(
        "Body",
        description="Markdown: a blank line starts a new paragraph, ## starts a heading, "
        "* starts a bullet point.",
    )
    quotes = FieldList(FormField(QuoteForm))
    links = FieldList(FormField(LinkForm))
    notes = FieldList(TextAreaField("Note"))
    change_note = TextAreaField(
        "What has changed",
        description="Shown to the public with the corrected release, for example "
        "'Corrected the date of the inspection'.",
    )

    def content(self) -> dict:
        """The release content as typed, with wholly blank list entries left out (they hold
        nothing the officer typed)."""
        quotes = [
            {key: (entry[key] or "").strip() for key in ("key", "speaker", "role", "text")}
            for entry in self.quotes.data
        ]
        links = [
            {key: (entry[key] or "").strip() for key in ("label", "url")}
            for entry in self.links.data
        ]
        return {
            "title": (self.title.data or "").strip(),
            "summary": (self.summary.data or "").strip(),
            "body": (self.body.data or "").strip(),
            "quotes": [
                quote for quote in quotes if any(quote[k] for k in ("speaker", "role", "text"))
            ],
            "links": [link for link in links if any(link.values())],
            "notes": [note.strip() for note in self.notes.data if note and note.strip()],
        }

    def entry_positions(self) -> dict[str, list[int]]:
        """For each list, the form index of each entry kept by ``content()``: lets an error
        about the service's n-th quote be shown next to the right box."""
        positions: dict[str, list[int]] = {}
        for name in LIST_NAMES:
            kept = []
            for index, entry in enumerate(getattr(self, name).data):
                if isinstance(entry, dict):
                    values = [v for k, v in entry.items() if k != "key"]
                else:
                    values = [entry]
                if any((value or "").strip() for value in values):
                    kept.append(index)
            positions[name] = kept
        return positions

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class ListAction:
    """One press of an 'Add another', 'Remove', 'Move up' or 'Move down' button."""

    verb: str  # add, remove, up, down
    list_name: str
    index: int | None = None

    @classmethod
    def parse(cls, raw: str | None) -> ListAction | None:
        if not raw:
            return None
        parts = raw.split(":")
        if len(parts) == 2 and parts[0] == "add" and parts[1] in LIST_NAMES:
            return cls("add", parts[1])
        if len(parts) == 3 and parts[0] in ("remove", "up", "down") and parts[1] in LIST_NAMES:
            try:
                return cls(parts[0], parts[1], int(parts[2]))
            except ValueError:
                return None
        return None

    def apply(self, data: dict) -> str:
        """Change the lists in ``data`` (a ReleaseForm's data) and say what happened, for the
        page to announce."""
        items = list(data[self.list_name])
        noun = LIST_NOUNS[self.list_name]
        if self.verb == "add":
            if len(items) >= LIST_LIMIT:
                return f"A release can have at most {LIST_LIMIT} {self.list_name}"
            items.append("" if self.list_name == "notes" else {})
            message = f"Added a new {noun} at the end"
        elif self.index is None or not 0 <= self.index < len(items):
            return "Nothing changed"
        elif self.verb == "remove":
            items.pop(self.index)
            message = f"Removed {noun} {self.index + 1}"
        else:
            target = self.index - 1 if self.verb == "up" else self.index + 1
            if not 0 <= target < len(items):
                return "Nothing changed"
            items[self.index], items[target] = items[target], items[self.index]
            message = f"Moved {noun} {self.index + 1} to position {target + 1}"
        data[self.list_name] = items
        return message


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    old = RadioField("From revision", coerce=int, validators=[Optional()])
    new = RadioField("To revision", coerce=int, validators=[Optional()])


class ScheduleForm(FlaskForm):
    """An embargo given as UK wall time, the way GOV.UK asks for a date and a time: day, month
    and year boxes, and the time typed on the 24-hour clock. ``occurrence`` is asked only when
    the time happens twice (the hour the clocks go back); ``confirmed`` is set by the check
    page. ``wall_time()`` reads the boxes and puts any problem next to its box."""

    day = StringField("Day")
    month = StringField("Month")
    year = StringField("Year")
    at = StringField(
        "Time",
        description="24-hour clock, UK time: for example 00:01, 09:30 or 17:45",
    )
    occurrence = RadioField(
        "Which one",
        choices=[SelectChoice("first"), SelectChoice("second")],
        validators=[Optional()],
    )
    confirmed = HiddenField()

    # The date's one message (GOV.UK shows one for the three boxes) and the boxes it is about.
    date_error: str | None = None
    date_error_parts: tuple[str, ...] = ()

    def wall_time(self) -> tuple[date, time] | None:
        """The day and the time typed, or None with the problems placed on the form."""
        self.validate()
        day = self._read_date()
        at = self._read_time()
        if day is None or at is None or self.occurrence.errors:
            return None
        return day, at

    def _date_problem(self, message: str, *parts: str) -> None:
        self.date_error = message
        self.date_error_parts = parts or ("day", "month", "year")

    def _read_date(self) -> date | None:
        raw = {name: (self[name].data or "").strip() for name in ("day", "month", "year")}
        if not any(raw.values()):
            self._date_problem("Enter the date the embargo lifts")
            return None
        if any(len(value) > DATE_PART_LIMIT for value in raw.values()):
            long = tuple(n for n, v in raw.items() if len(v) > DATE_PART_LIMIT)
            self._date_problem("Enter the date as numbers, for example 27 3 2017", *long)
            return None
        missing = [name for name, value in raw.items() if not value]
        if missing:
            names = [f"a {name}" for name in missing]
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            self._date_problem(f"The date must include {listed}", *missing)
            return None
        month = MONTH_NAMES.get(raw["month"].lower()[:3]) if not raw["month"].isdigit() else None
        numbers = {}
        for name in ("day", "month", "year"):
            if name == "month" and month is not None:
                numbers[name] = month
            elif raw[name].isascii() and raw[name].isdigit():
                numbers[name] = int(raw[name])
        wrong = tuple(name for name in ("day", "month", "year") if name not in numbers)
        if wrong:
            self._date_problem("Enter the date as numbers, for example 27 3 2017", *wrong)
            return None
        if len(raw["year"]) != 4:
            self._date_problem("The year must include 4 numbers, for example 2017", "year")
            return None
        try:
            return date(numbers["year"], numbers["month"], numbers["day"])
        except ValueError:
            bad = ("month",) if not 1 <= numbers["month"] <= 12 else ("day",)
            self._date_problem("The date must be a real date, for example 27 3 2017", *bad)
            return None

    def _read_time(self) -> time | None:
        raw = (self.at.data or "").strip()
        if not raw:
            self.at.errors = ["Enter the time the embargo lifts, for example 00:01"]
            return None
        if len(raw) > TIME_LIMIT:
            self.at.errors = [TIME_FORMAT_MESSAGE]
            return None
        if TWELVE_HOUR.search(raw):
            self.at.errors = [
                "Enter the time on the 24-hour clock, for example 20:30 rather than 8:30pm"
            ]
            return None
        match = CLOCK_TIME.fullmatch(raw)
        if match is None:
            self.at.errors = [TIME_FORMAT_MESSAGE]
            return None
        hours, minutes = int(match["hours"]), int(match["minutes"])
        if hours > 23 or minutes > 59:
            self.at.errors = [
                "Enter a real time on the 24-hour clock: hours from 00 to 23, minutes from 00 to 59"
            ]
            return None
        return time(hours, minutes)


DATE_PART_LIMIT = 9
TIME_LIMIT = 10
TIME_FORMAT_MESSAGE = (
    "Enter the time on the 24-hour clock as hours and minutes, for example 09:30 or 17:45"
)
# 09:30, 9:30, 09.30 and 0930 are all half past nine.
CLOCK_TIME = re.compile(r"(?P<hours>[0-9]{1,2})[:.]?(?P<minutes>[0-9]{2})")
TWELVE_HOUR = re.compile(r"[ap]\.?\s*m\.?$", re.IGNORECASE)
MONTH_NAMES = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


# --- UK wall time -----------------------------------------------------------------------------


class WallTimeProblem(ValueError):
    """A wall time that is not exactly one instant; ``message`` says why in plain words."""

    def __init__(self, message: str, choices: list[datetime] | None = None):
        super().__init__(message)
        self.message = message
        self.choices = choices or []


def _clock(local: datetime) -> str:
    return f"{local:%H:%M} {local.tzname()}"


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def london_instant(
    day: date, at: time, occurrence: str | None = None, zone: str = "Europe/London"
) -> datetime:
    """The UTC instant of a wall time in the office's zone.

    A wall time in the spring-forward gap does not exist; one in the autumn fall-back hour
    happens twice. Neither is guessed: both raise WallTimeProblem, the second with the two
    instants to choose from unless ``occurrence`` ('first' or 'second') names one.
    """
    tz = ZoneInfo(zone)
    wall = datetime.combine(day, at)
    candidates = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == wall and instant not in candidates:
            candidates.append(instant)
    if not candidates:
        before = (wall.replace(tzinfo=tz) - timedelta(hours=2)).astimezone(tz)
        after = (wall.replace(tzinfo=tz) + timedelta(hours=2)).astimezone(tz)
        raise WallTimeProblem(
            f"{at:%H:%M} does not exist in the UK on {_day(day)}: the clocks go forward "
            f"an hour that night ({before.tzname()} to {after.tzname()}). Choose a time "
            "outside the missing hour."
        )
    candidates.sort()
    if len(candidates) == 1:
        return candidates[0]
    if occurrence == "first":
        return candidates[0]
    if occurrence == "second":
        return candidates[1]
    first, second = (c.astimezone(tz) for c in candidates)
    raise WallTimeProblem(
        f"{at:%H:%M} happens twice in the UK on {_day(day)} because the clocks go back: "
        f"first at {_clock(first)}, then an hour later at {_clock(second)}. Choose which one.",
        choices=candidates,
    )


def clock_change_on(day: date, zone: str = "Europe/London") -> str | None:
    """A warning when the clocks change in the office's zone on ``day``, else None."""
    tz = ZoneInfo(zone)
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    if start.utcoffset() == end.utcoffset():
        return None
    if end.utcoffset() > start.utcoffset():
        return (
            f"The clocks go forward on {_day(day)}: at 01:00 GMT they jump to 02:00 BST, so "
            "times from 01:00 to 01:59 do not exist that night."
        )
    return (
        f"The clocks go back on {_day(day)}: at 02:00 BST they return to 01:00 GMT, so "
        "times from 01:00 to 01:59 happen twice that night."
    )


# === End of release forms ====================================================================
