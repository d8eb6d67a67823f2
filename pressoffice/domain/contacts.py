"""Media contacts: what a contact's details must be, who may be sent anything, and when a contact
no longer used is anonymised.

- **Do-not-contact always wins.** ``may_contact`` is the one question every sender asks (an
  embargoed copy, a release at its embargo, any list send): a contact flagged do-not-contact, or
  anonymised, or without an email address, is never sent anything, whatever list they are on and
  whatever their consent says.
- **Lawful basis.** A UK press office holds journalists' work details under UK GDPR Article 6 on
  one of three bases: legitimate interests (the usual one for working journalists), consent (the
  contact asked to be on a list) or public task (a public body's press office informing the
  media as part of its functions). The date the basis was established is kept with it.
- **Anonymisation.** A contact not used for ``months`` months (``CONTACT_RETENTION_MONTHS``) is
  anonymised: the name, email, phone and do-not-contact reason go; the row stays so that the
  counts of past distributions do not change. "Used" is the last time the office sent the contact
  something (``last_used_at``), or, never used, when the contact was added. A contact whose last
  use is exactly ``months`` months before now is kept; one a second older goes.

Pure: no Flask, no database; the current instant or day is an argument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .enquiries import months_before
from .input_rules import UNSTORABLE_TEXT, has_lone_surrogate, single_line_problem

CONSENT_BASES = {
    "legitimate_interests": "Legitimate interests",
    "consent": "Consent",
    "public_task": "Public task",
}
DEFAULT_CONSENT_BASIS = "legitimate_interests"

DEFAULT_REGION = "GB"
REMOVED_NAME = "Contact removed"

# Every field has a limit.
LIMITS = {
    "name": 120,
    "outlet": 120,
    "email": 254,
    "phone": 40,  # as typed; stored as E.164, at most 16 characters
    "do_not_contact_reason": 500,
}
BEAT_MAX = 60
BEATS_MAX = 20
LIST_NAME_MAX = 120
# The most contacts one request may add to a list.
MEMBERS_PER_REQUEST_MAX = 5000
EARLIEST_CONSENT = date(1990, 1, 1)

FIELD_LABELS = {
    "name": "Name",
    "outlet": "Outlet",
    "email": "Email address",
    "phone": "Phone number",
    "beats": "Beats",
    "consent_basis": "Basis for holding their details",
    "consent_at": "Date of consent or basis",
    "do_not_contact": "Do not contact",
    "do_not_contact_reason": "Reason not to contact",
}
FIELDS = tuple(FIELD_LABELS)
ONE_LINE_FIELDS = ("name", "outlet", "email", "phone")

_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off", ""}
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


class ContactLike(Protocol):
    do_not_contact: bool
    anonymised_at: datetime | None
    email: str | None


@dataclass(frozen=True)
class ContactDetails:
    """A contact's details, checked: email lower-cased, phone in E.164, beats trimmed and
    without repeats."""

    name: str
    outlet: str
    email: str | None
    phone: str | None
    beats: list[str]
    consent_basis: str
    consent_at: date | None
    do_not_contact: bool
    do_not_contact_reason: str | None

    def as_dict(self) -> dict[str, Any]:
        """The details as plain values, by field name."""
        return {name: getattr(self, name) for name in FIELDS}


# --- who may be sent anything -------------------------------------------------------------


def contact_refusal(contact: ContactLike) -> str | None:
    """Why nothing may be sent to ``contact``, in words for the officer, or None when it may.
    Do-not-contact is asked first: it wins over everything else."""
    if contact.do_not_contact:
        return "This contact asked not to be contacted"
    if contact.anonymised_at is not None:
        return "This contact's details have been removed"
    if not contact.email:
        return "This contact has no email address"
    return None


def may_contact(contact: ContactLike) -> bool:
    """Whether the office may send ``contact`` anything by email: not do-not-contact, not
    anonymised, and holding an email address. The rule every send must ask."""
    return contact_refusal(contact) is None


# --- anonymisation -------------------------------------------------------------------------


def anonymisation_cutoff(now: datetime, months: int) -> datetime:
    """The instant before which a contact's last use makes them due for anonymisation."""
    return months_before(now, months)


def last_use(last_used_at: datetime | None, created_at: datetime) -> datetime:
    """When the contact was last used: the last send to them, or when they were added."""
    return last_used_at if last_used_at is not None else created_at


def due_for_anonymisation(
    *,
    last_used_at: datetime | None,
    created_at: datetime,
    anonymised_at: datetime | None,
    now: datetime,
    months: int,
) -> bool:
    """Whether a contact is to be anonymised at ``now``: not yet anonymised, and last used
    strictly before ``months`` months ago."""
    if anonymised_at is not None:
        return False
    return last_use(last_used_at, created_at) < anonymisation_cutoff(now, months)


# --- checking details ---------------------------------------------------------------------


def clean_text(value: Any) -> str:
    """Strip surrounding space; None is the empty string."""
    if value is None:
        return ""
    return str(value).strip()


def parse_yes_no(value: Any) -> bool | None:
    """A do-not-contact value as a spreadsheet or form writes it (yes/no, true/false, 1/0,
    empty for no), or None when it is none of those."""
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def parse_beats(value: Any) -> list[str] | None:
    """Beats from a list, or from text separated by semicolons (or by commas when there is no
    semicolon); None when the value is neither text nor a list of text."""
    if value is None:
        return []
    if isinstance(value, str):
        separator = ";" if ";" in value else ","
        items: list[Any] = value.split(separator)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return [item.strip() for item in items if item.strip()]


def parse_consent_date(value: Any) -> date | None:
    """A date given as a ``date``, as ``YYYY-MM-DD`` or as UK ``DD/MM/YYYY``. Raises
    ValueError when it is not a date."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("not a date")
    text = value.strip()
    if not text:
        return None
    match = _UK_DATE.fullmatch(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("not a date")
    return date.fromisoformat(text)


def normalise_phone(value: str, region: str = DEFAULT_REGION) -> str | None:
    """The phone number in E.164 (``+447700900123``), reading a number without a country
    code as a ``region`` (UK) number; None when it is not a possible, valid number."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    """A stored number as people read it: national format for UK numbers, international
    otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def normalise_email(value: str) -> str | None:
    """The address lower-cased, or None when it is not an email address."""
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def validate_contact(
    raw: Mapping[str, Any], *, today: date, region: str = DEFAULT_REGION
) -> tuple[ContactDetails | None, dict[str, str]]:
    """Check a contact's details (all of them: an edit merges the change into the stored
    details first). Returns the cleaned details and no errors, or None and every problem found,
    keyed by field name."""
    errors: dict[str, str] = {}
    text: dict[str, str] = {}
    for field, limit in LIMITS.items():
        value = raw.get(field)
        if value is not None and not isinstance(value, str):
            errors[field] = f"{FIELD_LABELS[field]} must be text"
            continue
        text[field] = clean_text(value)
        if has_lone_surrogate(text[field]):
            errors[field] = UNSTORABLE_TEXT
        elif len(text[field]) > limit:
            errors[field] = f"{FIELD_LABELS[field]} must be {limit} characters or fewer"
        elif field in ONE_LINE_FIELDS:
            hidden = single_line_problem(text[field], FIELD_LABELS[field])
            if hidden:
                errors[field] = hidden

    name = text.get("name", "")
    if not name and "name" not in errors:
        errors["name"] = "Enter the contact's name"

    email = text.get("email") or None
    if email and "email" not in errors:
        email = normalise_email(email)
        if email is None:
            errors["email"] = "Enter an email address in the correct format, like name@example.com"
    phone = text.get("phone") or None
    if phone and "phone" not in errors:
        phone = normalise_phone(phone, region)
        if phone is None:
            errors["phone"] = (
                "Enter a real phone number, like 020 7946 0000 or +44 7911 123456 "
                "(a number without a country code is read as a UK number)"
            )
    if not email and not phone and not {"email", "phone"} & errors.keys():
        errors["email"] = "Enter an email address or a phone number"

    beats = parse_beats(raw.get("beats"))
    if beats is None:
        errors["beats"] = "Beats must be a list of words, like Health; Education"
        beats = []
    else:
        given = len(beats)
        unique: dict[str, str] = {}
        for beat in beats:
            unique.setdefault(beat.casefold(), beat)
        beats = list(unique.values())
        too_long = next((b for b in beats if len(b) > BEAT_MAX), None)
        hidden = next((p for p in (single_line_problem(b, "A beat") for b in beats) if p), None)
        if given > BEATS_MAX:
            errors["beats"] = f"Give at most {BEATS_MAX} beats"
        elif too_long:
            errors["beats"] = f"Each beat must be {BEAT_MAX} characters or fewer"
        elif any(has_lone_surrogate(b) for b in beats):
            errors["beats"] = UNSTORABLE_TEXT
        elif hidden:
            errors["beats"] = hidden

    basis = raw.get("consent_basis")
    basis = clean_text(basis) if isinstance(basis, str) or basis is None else basis
    if not basis:
        basis = DEFAULT_CONSENT_BASIS
    if basis not in CONSENT_BASES:
        errors["consent_basis"] = "Choose the basis: " + ", ".join(
            f"{key} ({label.lower()})" for key, label in CONSENT_BASES.items()
        )

    consent_at: date | None = None
    try:
        consent_at = parse_consent_date(raw.get("consent_at"))
    except ValueError:
        errors["consent_at"] = "Enter the date as YYYY-MM-DD, like 2026-03-31"
    if consent_at is not None and "consent_at" not in errors:
        if consent_at > today:
            errors["consent_at"] = "The date of consent or basis cannot be in the future"
        elif consent_at < EARLIEST_CONSENT:
            errors["consent_at"] = f"The date must be on or after {EARLIEST_CONSENT:%d %B %Y}"

    flag = parse_yes_no(raw.get("do_not_contact"))
    if flag is None:
        errors["do_not_contact"] = "Do not contact must be yes or no"
        flag = False
    reason = text.get("do_not_contact_reason") or None
    if "do_not_contact_reason" not in errors:
        if flag and not reason:
            errors["do_not_contact_reason"] = "Say why this contact must not be contacted"
        elif reason and not flag:
            errors["do_not_contact_reason"] = (
                "A reason is kept only for a contact marked do not contact: "
                "mark them do not contact, or remove the reason"
            )

    if errors:
        return None, errors
    return (
        ContactDetails(
            name=name,
            outlet=text.get("outlet", ""),
            email=email,
            phone=phone,
            beats=beats,
            consent_basis=basis,
            consent_at=consent_at,
            do_not_contact=flag,
            do_not_contact_reason=reason if flag else None,
        ),
        {},
    )


def list_name_problem(value: Any) -> tuple[str, str | None]:
    """A list's name, cleaned, and why it cannot be one (or None)."""
    if value is not None and not isinstance(value, str):
        return "", "The list's name must be text"
    name = clean_text(value)
    if not name:
        return name, "Enter a name for the list"
    if has_lone_surrogate(name):
        return name, UNSTORABLE_TEXT
    if len(name) > LIST_NAME_MAX:
        return name, f"The list's name must be {LIST_NAME_MAX} characters or fewer"
    return name, single_line_problem(name, "The list's name")
