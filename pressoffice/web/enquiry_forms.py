"""Forms for the enquiry log, the duty rota and the office calendar: field parsing only. The
rules (what a valid enquiry is, who may be assigned) are the services' to apply."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import Select

from ..domain.enquiries import CHANNEL_LABELS, CHANNELS, STATUS_LABELS, STATUSES
from ..domain.routing import ROUTE_LABELS, ROUTES
from ..forms import WallTimeProblem, london_instant

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
OCCURRENCES = [SelectChoice("first"), SelectChoice("second")]


class LongSelect(Select):
    """A select of many options (the release lists: 200 releases), each option written in one
    string rather than through WTForms' general attribute writer, which took over half the
    page's time. The HTML is the same, attributes aside from value and selected excepted."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw or isinstance(choice.value, bool):
            return super().render_option(choice, **kwargs)
        value, label = escape(choice.value), escape(choice.label or choice.value)
        selected = " selected" if choice.selected else ""
        # Both value and label are escaped on the line above.
        return Markup(f'<option value="{value}"{selected}>{label}</option>')  # noqa: S704


class UKTime:
    """A date field, a time field and, for the hour the clocks go back, which of the two
    times is meant: read together as one instant in UK time."""

    def __init__(self, form: FlaskForm, prefix: str, label: str):
        self.day = form[f"{prefix}_day"]
        self.at = form[f"{prefix}_time"]
        self.occurrence = form[f"{prefix}_occurrence"]
        self.label = label
        self.choices: list[datetime] = []

    def instant(self, required: bool) -> datetime | None:
        """The instant, or None when left blank (and not required). Problems are added to the
        fields' errors; the caller checks ``form.errors``."""
        if self.day.errors or self.at.errors:
            return None
        day, at = self.day.data, self.at.data
        if day is None and at is None:
            if required:
                self.day.errors.append(f"Enter the date {self.label}")
            return None
        if day is None:
            self.day.errors.append(f"Enter the date {self.label}")
            return None
        if at is None:
            self.at.errors.append(f"Enter the time {self.label}, for example 14:05")
            return None
        try:
            return london_instant(day, at, self.occurrence.data or None)
        except WallTimeProblem as problem:
            self.choices = problem.choices
            (self.occurrence if problem.choices else self.at).errors.append(problem.message)
            return None

    def fill(self, local: datetime) -> None:
        self.day.data = local.date()
        self.at.data = local.time().replace(second=0, microsecond=0)


def _day_field(label: str) -> DateField:
    return DateField(
        label,
        validators=[Optional()],
        format="%Y-%m-%d",
    )


def _time_field(label: str) -> TimeField:
    return TimeField(
        label,
        description="24-hour clock, UK time: for example 14:05",
        validators=[Optional()],
        format=TIME_FORMATS,
    )


class LogEnquiryForm(FlaskForm):
    journalist_name = StringField("Journalist's name")
    outlet = StringField(
        "Outlet", description="Newspaper, broadcaster or website. Leave blank for a freelance."
    )
    email = StringField("Email address")
    phone = StringField("Phone number")
    channel = RadioField(
        "How it came in",
        choices=[SelectChoice(c, CHANNEL_LABELS[c]) for c in CHANNELS],
        default="phone",
        validators=[Optional()],
        validate_choice=False,  # the service names an unknown channel
    )
    subject = StringField("Subject", description="A few words, for example 'Flood defences'")
    details = TextAreaField("Details", description="What the journalist asked.")
    received_day = _day_field("Date received")
    received_time = _time_field("Time received")
    received_occurrence = RadioField("Which one", choices=OCCURRENCES, validators=[Optional()])
    deadline_day = _day_field("Deadline date")
    deadline_time = _time_field("Deadline time")
    deadline_occurrence = RadioField("Which one", choices=OCCURRENCES, validators=[Optional()])
    assignee_id = SelectField("Assign to", validators=[Optional()], validate_choice=False)
    release_id = SelectField(
        "About a release", validators=[Optional()], validate_choice=False, widget=LongSelect()
    )

    def details_for_service(self) -> dict:
        return {
            name: self[name].data
            for name in (
                "journalist_name",
                "outlet",
                "email",
                "phone",
                "channel",
                "subject",
                "details",
                "assignee_id",
                "release_id",
            )
        }


class AssignForm(FlaskForm):
    assignee_id = SelectField("Assign to", validators=[Optional()], validate_choice=False)


class RespondForm(FlaskForm):
    response = TextAreaField(
        "Response", description="What was said or sent to the journalist, as given."
    )
    # Shown on an emailed enquiry only: unticked (or absent), the answer is emailed.
    record_only = BooleanField("Don't email it: I answered another way, only record it")


class CloseForm(FlaskForm):
    comment = TextAreaField(
        "Note (optional)", description="For example, 'Story dropped' or 'Answered by phone'."
    )


class LinkReleaseForm(FlaskForm):
    release_id = SelectField(
        "Release", validators=[Optional()], validate_choice=False, widget=LongSelect()
    )


class FilterForm(FlaskForm):
    """The log's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField("Search", description="Reference, name, outlet, email, subject or details")
    route = SelectField(
        "Route",
        choices=[SelectChoice("", "Any route")]
        + [SelectChoice(r, ROUTE_LABELS[r]) for r in ROUTES],
    )
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("open", "Open (new or assigned)"),
            SelectChoice("unclosed", "Not closed yet (new, assigned or answered)"),
        ]
        + [SelectChoice(s, STATUS_LABELS[s]) for s in STATUSES]
        + [SelectChoice("all", "Any status, closed ones too")],
        validate_choice=False,
    )
    assignee = SelectField("Assigned to", validate_choice=False)
    outlet = StringField("Outlet")
    from_ = StringField("Received from", name="from")
    to = StringField("Received to")
    overdue = BooleanField("Overdue only")
    attention = BooleanField("Needs attention only")


class ShiftForm(FlaskForm):
    user_id = SelectField("Who is on duty", validators=[Optional()], validate_choice=False)
    starts_day = _day_field("From date")
    starts_time = _time_field("From time")
    starts_occurrence = RadioField("Which one", choices=OCCURRENCES, validators=[Optional()])
    ends_day = _day_field("To date")
    ends_time = _time_field("To time")
    ends_occurrence = RadioField("Which one", choices=OCCURRENCES, validators=[Optional()])


class CalendarExceptionForm(FlaskForm):
    day = DateField(
        "Date",
        validators=[InputRequired("Enter the date")],
        format="%Y-%m-%d",
    )
    kind = RadioField(
        "What happens",
        choices=[
            SelectChoice("closed", "The office is closed (calls go to the out-of-hours line)"),
            SelectChoice("open", "The office is open when it would normally be closed"),
        ],
        validators=[Optional()],
        validate_choice=False,
    )
    starts = TimeField("From", validators=[Optional()], format=TIME_FORMATS)
    ends = TimeField("To", validators=[Optional()], format=TIME_FORMATS)
    reason = StringField("Reason", description="Shown to callers, for example 'Office move'")
