"""WTForms classes: field parsing and field validation only. Workflow rules live in the domain
and reach the forms through the services' refusals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import Form
from wtforms.fields import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Optional


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
    """An embargo given as UK wall time. ``occurrence`` is asked only when the time happens
    twice (the hour the clocks go back); ``confirmed`` is set by the check page."""

    day = DateField("Date", validators=[InputRequired("Enter the date the embargo lifts")])
    at = TimeField(
        "Time",
        description="24-hour clock, UK time: for example 00:01 or 09:30",
        validators=[InputRequired("Enter the time the embargo lifts, for example 00:01")],
    )
    occurrence = RadioField(
        "Which one",
        choices=[("first", "first"), ("second", "second")],
        validators=[Optional()],
    )
    confirmed = HiddenField()


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
