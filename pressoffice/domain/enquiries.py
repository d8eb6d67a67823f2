"""The rules of a media enquiry: its fields, its reference, its statuses and its deadline.

Plain Python: no Flask, no database. The current instant is an argument wherever it matters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

from .input_rules import single_line_problem

# --- statuses ---------------------------------------------------------------------------------

NEW, ASSIGNED, ANSWERED, CLOSED = "new", "assigned", "answered", "closed"
STATUSES = (NEW, ASSIGNED, ANSWERED, CLOSED)
OPEN_STATUSES = (NEW, ASSIGNED)
UNCLOSED_STATUSES = (NEW, ASSIGNED, ANSWERED)
STATUS_LABELS = {NEW: "New", ASSIGNED: "Assigned", ANSWERED: "Answered", CLOSED: "Closed"}

# action -> the statuses it applies to
TRANSITIONS = {
    "assign": (NEW, ASSIGNED, ANSWERED),
    "respond": (NEW, ASSIGNED),
    "close": (NEW, ASSIGNED, ANSWERED),
}

WHY_NOT = {
    ("assign", CLOSED): "This enquiry is closed, so it cannot be reassigned",
    ("respond", ANSWERED): "This enquiry has already been answered",
    ("respond", CLOSED): "This enquiry is closed, so it cannot be answered",
    ("close", CLOSED): "This enquiry is already closed",
}


def why_not(action: str, status: str) -> str | None:
    """None when ``action`` applies to an enquiry in ``status``, otherwise the reason in words
    a press officer understands."""
    if action not in TRANSITIONS:
        raise ValueError(f"unknown enquiry action {action!r}")
    if status in TRANSITIONS[action]:
        return None
    return WHY_NOT.get((action, status), f"You cannot {action} an enquiry that is {status}")


def status_after(action: str, status: str) -> str:
    """The status an enquiry moves to. Reassigning an answered enquiry keeps it answered."""
    if action == "assign":
        return ANSWERED if status == ANSWERED else ASSIGNED
    return {"respond": ANSWERED, "close": CLOSED}[action]


# --- the reference ----------------------------------------------------------------------------

REFERENCE_PATTERN = re.compile(r"^ENQ-(\d{8})-(\d{4,})$")


def format_reference(london_day: date, number: int) -> str:
    """ENQ-20161227-0001: the London date it was received and its number that day."""
    if number < 1:
        raise ValueError("reference numbers start at 1")
    return f"ENQ-{london_day:%Y%m%d}-{number:04d}"


def is_reference(text: str) -> bool:
    """True when ``text`` has the shape of an enquiry reference, ENQ-YYYYMMDD-NNNN."""
    return bool(REFERENCE_PATTERN.match(text or ""))


# --- fields -----------------------------------------------------------------------------------

CHANNELS = ("phone", "email", "web_form", "in_person")
CHANNEL_LABELS = {
    "phone": "Phone",
    "email": "Email",
    "web_form": "Web form",
    "in_person": "In person",
}

LIMITS = {
    "journalist_name": 120,
    "outlet": 120,
    "email": 254,
    "phone": 40,
    "subject": 200,
    "details": 5000,
    "response": 10000,
    "comment": 2000,
}

FIELD_LABELS = {
    "journalist_name": "Name",
    "outlet": "Outlet",
    "email": "Email address",
    "phone": "Phone number",
    "subject": "Subject",
    "details": "Details",
    "deadline": "Deadline",
    "channel": "How it came in",
    "received_at": "Received",
    "response": "Response",
    "comment": "Note",
}

# Shown on one line in the log, the enquiry's page and the CSV export.
ONE_LINE_FIELDS = ("journalist_name", "outlet", "subject")

PHONE_CHARACTERS = re.compile(r"^[0-9+()\-. ]+$")


@dataclass(frozen=True)
class EnquiryDetails:
    """The fields a caller supplies, cleaned: stripped, empty optional ones as None."""

    journalist_name: str
    outlet: str
    email: str | None
    phone: str | None
    subject: str
    details: str
    deadline: datetime | None
    channel: str


def clean_text(value: Any) -> str:
    """Strip surrounding space. Line breaks inside are kept: they are what the person typed."""
    if value is None:
        return ""
    return str(value).strip()


def check_length(field: str, value: str, errors: dict[str, str]) -> None:
    """Add a message under ``field`` to ``errors`` when ``value`` is longer than its limit."""
    limit = LIMITS[field]
    if len(value) > limit:
        errors[field] = f"{FIELD_LABELS[field]} must be {limit} characters or fewer"


def validate_details(
    raw: Mapping[str, Any], *, received_at: datetime, now: datetime
) -> tuple[EnquiryDetails | None, dict[str, str]]:
    """Check the fields of a new enquiry. Returns the cleaned details and no errors, or None
    and every problem found, keyed by field name (the caller stores nothing then)."""
    errors: dict[str, str] = {}
    text = {name: clean_text(raw.get(name)) for name in LIMITS if name in raw}

    name = text.get("journalist_name", "")
    if not name:
        errors["journalist_name"] = "Enter the journalist's name"
    subject = text.get("subject", "")
    if not subject:
        errors["subject"] = "Enter what the enquiry is about"
    for field in ("journalist_name", "outlet", "email", "phone", "subject", "details"):
        if field in text:
            check_length(field, text[field], errors)
    for field in ONE_LINE_FIELDS:
        hidden = single_line_problem(text.get(field, ""), FIELD_LABELS[field])
        if hidden:
            errors[field] = hidden

    email = text.get("email") or None
    phone = text.get("phone") or None
    if email and "email" not in errors:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    if phone and "phone" not in errors:
        digits = sum(ch.isdigit() for ch in phone)
        if not PHONE_CHARACTERS.match(phone) or not 6 <= digits <= 15:
            errors["phone"] = (
                "Enter a phone number, like 020 7946 0000 or +44 7700 900123 "
                "(digits, spaces, + and brackets only)"
            )
    if not email and not phone:
        errors["email"] = "Enter an email address or a phone number, so we can reply"

    channel = clean_text(raw.get("channel"))
    if channel not in CHANNELS:
        errors["channel"] = "Choose how the enquiry came in: " + ", ".join(
            CHANNEL_LABELS[c].lower() for c in CHANNELS
        )

    deadline = raw.get("deadline")
    if deadline is not None:
        if not isinstance(deadline, datetime) or deadline.utcoffset() is None:
            errors["deadline"] = "Enter the deadline as a date and time"
        elif deadline <= received_at:
            errors["deadline"] = "The deadline must be after the enquiry was received"

    problem = received_at_problem(received_at, now)
    if problem:
        errors["received_at"] = problem

    if errors:
        return None, errors
    return (
        EnquiryDetails(
            journalist_name=name,
            outlet=text.get("outlet", ""),
            email=email,
            phone=phone,
            subject=subject,
            details=text.get("details", ""),
            deadline=deadline.astimezone(UTC) if deadline else None,
            channel=channel,
        ),
        {},
    )


def received_at_problem(received_at: datetime, now: datetime) -> str | None:
    """A call may be logged after it came in, never before it happened."""
    if received_at.utcoffset() is None:
        return "The time received needs a time-zone offset"
    if received_at > now:
        return "The time received cannot be in the future"
    return None


def validate_response(text: Any) -> tuple[str, dict[str, str]]:
    """The answer given to the journalist: required, within its limit."""
    response = clean_text(text)
    errors: dict[str, str] = {}
    if not response:
        errors["response"] = "Enter the response given to the journalist"
    else:
        check_length("response", response, errors)
    return response, errors


# --- the deadline -----------------------------------------------------------------------------

SOON = timedelta(hours=1)


def describe_duration(span: timedelta) -> str:
    """'2 days 3 hours', '1 hour 5 minutes', '45 minutes', 'less than a minute'."""
    seconds = int(abs(span).total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes = seconds // 60
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    return " ".join(parts[:2]) or "less than a minute"


@dataclass(frozen=True)
class DeadlineState:
    """How an enquiry stands against its deadline: ``kind`` is one of none, ok, soon, overdue
    (still open) or met, missed, closed (no longer open); ``text`` says it in words."""

    kind: str
    text: str

    @property
    def overdue(self) -> bool:
        return self.kind == "overdue"


def deadline_state(
    status: str, deadline: datetime | None, answered_at: datetime | None, now: datetime
) -> DeadlineState:
    """Time left, overdue, or whether the answer beat the deadline. An answer at the deadline
    instant is in time; an open enquiry is overdue once the deadline has passed."""
    if status in OPEN_STATUSES:
        if deadline is None:
            return DeadlineState("none", "No deadline")
        if now > deadline:
            return DeadlineState("overdue", f"Overdue by {describe_duration(now - deadline)}")
        left = deadline - now
        return DeadlineState("soon" if left <= SOON else "ok", f"{describe_duration(left)} left")
    if answered_at is None:
        return DeadlineState("closed", "Closed without an answer")
    if deadline is None:
        return DeadlineState("met", "Answered")
    if answered_at <= deadline:
        return DeadlineState("met", "Answered before the deadline")
    return DeadlineState(
        "missed", f"Answered {describe_duration(answered_at - deadline)} after the deadline"
    )


def next_step(status: str, journalist_name: str, deadline: DeadlineState) -> str:
    """What to do now with an enquiry, in one sentence, as the release page says it: reply
    (with how it stands against the deadline), close once answered, or nothing once closed."""
    if status in OPEN_STATUSES:
        when = "no deadline given" if deadline.kind == "none" else deadline.text.lower()
        return f"Reply to {journalist_name}: {when}."
    if status == ANSWERED:
        return f"Close the enquiry: {journalist_name} has had the answer."
    return "Nothing: this enquiry is closed."


# The duty officer's order: overdue first, then the rest still to answer, then those answered
# but not closed, then closed ones; within each, the soonest deadline first (none last), then
# the longest waiting.
DUTY_OVERDUE, DUTY_WAITING, DUTY_ANSWERED, DUTY_CLOSED = 0, 1, 2, 3


def duty_rank(status: str, deadline: datetime | None, now: datetime) -> int:
    """Where an enquiry stands in the duty officer's order at ``now``: overdue (open and past
    its deadline, not at it), waiting to be answered, answered but open, or closed."""
    if status in OPEN_STATUSES:
        return DUTY_OVERDUE if deadline is not None and now > deadline else DUTY_WAITING
    return DUTY_ANSWERED if status == ANSWERED else DUTY_CLOSED


# A journalist who needs an answer sooner than this is told the number to call now.
URGENT_WITHIN = timedelta(hours=4)


def is_urgent(flagged: bool, deadline: datetime | None, now: datetime) -> bool:
    """Urgent when the journalist says so, or when their deadline is close."""
    return bool(flagged) or (deadline is not None and deadline - now <= URGENT_WITHIN)


# --- spreadsheets -----------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = "=+-@\t\r"


def spreadsheet_safe(value: Any) -> str:
    """A cell value that a spreadsheet shows as text rather than running as a formula: a
    leading apostrophe is added to anything that starts like a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and text[0] in FORMULA_STARTS:
        return "'" + text
    return text


# --- keeping personal data no longer than needed ---------------------------------------------

REMOVED_NAME = "(removed)"


def months_before(instant: datetime, months: int) -> datetime:
    """The same wall time ``months`` calendar months earlier (the 31st becomes the last day of
    a shorter month)."""
    if months < 0:
        raise ValueError("months must not be negative")
    year, month = divmod(instant.year * 12 + instant.month - 1 - months, 12)
    month += 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return instant.replace(year=year, month=month, day=min(instant.day, last_day))


# Why an enquiry needs attention, by the timeline entry that flagged it.
ATTENTION_REASONS = {
    "needs_attention": (
        "this came in out of hours when nobody was on the duty rota. Assign it to someone."
    ),
    "follow_up": "the journalist wrote again after it was answered. Read their message and reply.",
    "delivery_failed": (
        "an email to the journalist could not be delivered. Reach them another way."
    ),
}


def attention_reason(actions: list[str]) -> str:
    """Why an enquiry flagged as needing attention needs it, in words for the page, from its
    timeline's actions oldest first: the latest flag wins. A message from the journalist is a
    flag only when it came after the enquiry was answered or closed (it reopened it)."""
    answered = False
    reason = "Assign it to someone and answer it."
    for action in actions:
        if action in ("answered", "closed"):
            answered = True
        elif action == "follow_up" and not answered:
            continue
        if action in ATTENTION_REASONS:
            reason = ATTENTION_REASONS[action]
            if action == "follow_up":
                answered = False
    return reason
