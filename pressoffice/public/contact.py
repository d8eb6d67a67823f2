"""Contact the press office: which line to call right now and why, and the enquiry form for
journalists (no account, no JavaScript; rate limited; a hidden field and a minimum fill time
keep most robots out)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Optional

from .. import clock
from ..auth import public
from ..domain import enquiries as rules
from ..domain.caching import soonest
from ..extensions import limiter
from ..forms import show_refusal
from ..services import enquiries, office_calendar
from ..services.errors import ValidationFailed
from ..timefmt import to_london
from ..web.enquiry_forms import OCCURRENCES, TIME_FORMATS, UKTime
from . import bp
from .caching import shared_cache

# A person takes longer than this to fill in the form; a robot usually does not.
MIN_FILL = timedelta(seconds=3)
# A form left open longer than this is refreshed and sent back, with everything typed kept.
MAX_FILL = timedelta(hours=12)


class PublicEnquiryForm(FlaskForm):
    journalist_name = StringField("Your name")
    outlet = StringField(
        "Outlet", description="The newspaper, broadcaster or website you work for, if any"
    )
    email = StringField("Email address")
    phone = StringField("Phone number")
    subject = StringField("What is your enquiry about?", description="A few words")
    details = TextAreaField("Your questions")
    deadline_day = DateField(
        "Deadline date", description="For example, 2016-12-27", validators=[Optional()]
    )
    deadline_time = TimeField(
        "Deadline time",
        description="24-hour clock, UK time: for example 16:00",
        validators=[Optional()],
        format=TIME_FORMATS,
    )
    deadline_occurrence = RadioField("Which one", choices=OCCURRENCES, validators=[Optional()])
    urgent = BooleanField("This is urgent: I need an answer within the next few hours")
    # Hidden from people; robots fill in every field they find.
    website = StringField("Leave this field empty")
    started = HiddenField()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="public-enquiry-form")


def _start_token(now: datetime) -> str:
    return _serializer().dumps(now.timestamp())


def _fill_time_problem(token: str | None, now: datetime) -> str | None:
    """Why the form's signed start time rules the submission out, or None."""
    try:
        started = float(_serializer().loads(token or ""))
    except (BadSignature, TypeError, ValueError):
        return "Please check your enquiry and send it again."
    elapsed = now.timestamp() - started
    if elapsed < MIN_FILL.total_seconds():
        return "That was very quick. Please check your enquiry and send it again."
    if elapsed > MAX_FILL.total_seconds():
        return "This form was open for a long time. Please check your enquiry and send it again."
    return None


def _public_limit() -> str:
    return current_app.config["PUBLIC_ENQUIRY_LIMIT"]


def _contact_changes_at(instant: datetime) -> datetime | None:
    """The contact page says which line answers and the time now, to the minute: it changes
    when the office opens or closes, and at the next minute."""
    next_minute = instant.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return soonest(office_calendar.route_and_next_change(instant)[1], next_minute)


@bp.get("/contact", endpoint="contact")
@public
@shared_cache(changes_at=_contact_changes_at, keep=True)
def contact():
    now = clock.now()
    routing, changes_at = office_calendar.route_and_next_change(now)
    return render_template("public/contact.html", routing=routing, changes_at=changes_at, now=now)


def _to_the_visitor(problems: dict[str, str]) -> dict[str, str]:
    # The rules speak to staff about "the journalist"; on this form the journalist is "you",
    # whose box is labelled "Your name".
    worded = dict(problems)
    name = worded.get("journalist_name")
    if name:
        staff_label = rules.FIELD_LABELS["journalist_name"]
        worded["journalist_name"] = name.replace("Enter the journalist's name", "Enter your name")
        worded["journalist_name"] = worded["journalist_name"].replace(staff_label, "Your name")
    return worded


@bp.route("/contact/enquiry", methods=["GET", "POST"], endpoint="enquiry_form")
@public
@limiter.shared_limit(_public_limit, scope="public-enquiries", methods=["POST"])
def enquiry_form():
    form = PublicEnquiryForm()
    deadline = UKTime(form, "deadline", "of your deadline")
    now = clock.now()
    notice = None
    if request.method == "POST":
        form.validate()
        deadline_at = deadline.instant(required=False)
        if (form.website.data or "").strip():
            notice = (
                "We could not accept this form. If you are a person, leave the last field, "
                "'Leave this field empty', blank and send it again."
            )
        else:
            notice = _fill_time_problem(form.started.data, now)
        raw = {
            name: form[name].data
            for name in ("journalist_name", "outlet", "email", "phone", "subject", "details")
        }
        raw["deadline"] = deadline_at
        raw["channel"] = "web_form"
        if notice is not None:
            # The spam check's notice comes with, never instead of, what is wrong with a field.
            _details, problems = rules.validate_details(raw, received_at=now, now=now)
            show_refusal(form, _to_the_visitor(problems), {"deadline": "deadline_day"})
        elif not form.errors:
            try:
                enquiry = enquiries.log_enquiry(raw, now=now, urgent=form.urgent.data)
            except ValidationFailed as exc:
                show_refusal(form, _to_the_visitor(exc.fields), {"deadline": "deadline_day"})
            else:
                urgent = rules.is_urgent(form.urgent.data, enquiry.deadline, now)
                session["enquiry_sent"] = {
                    "reference": enquiry.reference,
                    "route": enquiry.route,
                    "reason": enquiry.route_reason,
                    "line": enquiry.line,
                    "urgent": urgent,
                    "reply_by": "email" if enquiry.email else "phone",
                    "deadline": enquiry.deadline.isoformat() if enquiry.deadline else None,
                }
                return redirect(url_for("public.enquiry_submitted"), 303)
    form.started.data = _start_token(now)
    status = 200 if request.method == "GET" else 400
    return (
        render_template(
            "public/contact_form.html", form=form, deadline=deadline, notice=notice, now=now
        ),
        status,
    )


@bp.get("/contact/enquiry/sent", endpoint="enquiry_submitted")
@public
def enquiry_submitted():
    sent = session.get("enquiry_sent")
    if not sent:
        return redirect(url_for("public.contact"))
    deadline = sent.get("deadline")
    return render_template(
        "public/contact_sent.html",
        sent=sent,
        deadline=datetime.fromisoformat(deadline) if deadline else None,
        now=to_london(clock.now()),
    )
