"""Media contacts: adding, editing, finding, marking do-not-contact and anonymising them.

Every change is one unit of work that locks the contact first and records what changed on the
contact's timeline. Who may be sent anything is ``domain.contacts.may_contact``: senders ask it of
each contact, so do-not-contact always wins whatever list the contact is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import timefmt
from ..domain import contacts as rules
from ..domain.input_rules import written_out_of_range
from ..extensions import db
from ..models import Contact, ContactEvent, ContactListMember, User
from . import distribution_records
from .errors import NotFound, ValidationFailed, WrongState
from .paging import Page
from .text_search import contains
from .unit_of_work import unit_of_work

PER_PAGE = 50
SEARCH_MAX = 200
EMAIL_JUST_TAKEN = "Another contact was given this email address a moment ago: find them instead"


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def lock_contact(contact_id: Any) -> Contact:
    """The contact, locked until the unit of work ends and read afresh. NotFound when there
    is no such contact."""
    if not _is_row_id(contact_id):
        raise NotFound("There is no contact with that number")
    found = db.session.scalars(
        sa.select(Contact)
        .where(Contact.id == contact_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NotFound("There is no contact with that number")
    return found


def _is_row_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 2**31 - 1


def get_contact(contact_id: Any) -> Contact:
    """One contact with their lists. NotFound when there is none."""
    if not _is_row_id(contact_id):
        raise NotFound("There is no contact with that number")
    found = db.session.scalars(
        sa.select(Contact).where(Contact.id == contact_id).options(selectinload(Contact.lists))
    ).first()
    if found is None:
        raise NotFound("There is no contact with that number")
    return found


def contact_by_email(email: str | None) -> Contact | None:
    """The contact holding this address (any case), or None."""
    address = (email or "").strip().lower()
    if not address or len(address) > rules.LIMITS["email"]:
        return None
    return db.session.scalars(
        sa.select(Contact).where(Contact.email == address).options(selectinload(Contact.lists))
    ).first()


def contact_timeline(contact_id: int) -> list[ContactEvent]:
    """What happened to the contact, newest first."""
    return list(
        db.session.scalars(
            sa.select(ContactEvent)
            .where(ContactEvent.contact_id == contact_id)
            .order_by(ContactEvent.created_at.desc(), ContactEvent.id.desc())
        )
    )


def search_contacts(
    q: str | None = None, *, page: Any = 1, per_page: int = PER_PAGE, include_removed=False
) -> Page:
    """Contacts whose name, outlet or email contains every word of ``q`` (any case), by name,
    one page at a time. Anonymised contacts are left out unless asked for."""
    words = (q or "").strip()[:SEARCH_MAX].split()
    query = sa.select(Contact)
    if not include_removed:
        query = query.where(Contact.anonymised_at.is_(None))
    for word in words[:10]:
        query = query.where(
            sa.or_(
                contains(Contact.name, word),
                contains(Contact.outlet, word),
                contains(Contact.email, word),
            )
        )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page_number = _page_number(page)
    pages = max(1, -(-total // per_page))
    page_number = min(page_number, pages)
    items = list(
        db.session.scalars(
            query.options(selectinload(Contact.lists))
            .order_by(sa.func.lower(Contact.name), Contact.id)
            .limit(per_page)
            .offset((page_number - 1) * per_page)
        )
    )
    return Page(items=items, page=page_number, per_page=per_page, total=total)


def _page_number(page: Any) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    if written_out_of_range(number) or number < 1:
        return 1
    return number


def _today(now: datetime):
    return timefmt.to_london(now).date()


def _email_taken(email: str | None, *, other_than: int | None = None) -> Contact | None:
    if not email:
        return None
    query = sa.select(Contact).where(Contact.email == email)
    if other_than is not None:
        query = query.where(Contact.id != other_than)
    return db.session.scalars(query).first()


def _duplicate_email_error(existing: Contact) -> ValidationFailed:
    return ValidationFailed(
        {"email": f"{existing.name} already has this email address: edit that contact instead"}
    )


def _record(contact: Contact, action: str, actor: User | None, now: datetime, comment=None):
    db.session.add(
        ContactEvent(
            contact_id=contact.id,
            actor_id=_actor_id(actor),
            action=action,
            comment=comment,
            created_at=now,
        )
    )


@unit_of_work
def create_contact(fields: dict[str, Any], *, actor: User | None, now: datetime) -> Contact:
    """Add a media contact. ValidationFailed (by field) when a detail is wrong or another
    contact already has the email address; nothing is stored then."""
    details, errors = rules.validate_contact(fields, today=_today(now))
    if errors:
        raise ValidationFailed(errors)
    existing = _email_taken(details.email)
    if existing is not None:
        raise _duplicate_email_error(existing)
    contact = Contact(**details.as_dict(), created_by_id=_actor_id(actor))
    contact.created_at = contact.updated_at = now
    if details.do_not_contact:
        contact.do_not_contact_at = now
    try:
        with db.session.begin_nested():
            db.session.add(contact)
            db.session.flush()
    except IntegrityError:
        # Another officer added this address a moment ago (PostgreSQL, where only the unique
        # index serialises two new contacts).
        raise ValidationFailed({"email": EMAIL_JUST_TAKEN}) from None
    _record(contact, "created", actor, now)
    if details.do_not_contact:
        _record(contact, "do_not_contact", actor, now, details.do_not_contact_reason)
    return contact


def stored_details(contact: Contact) -> dict[str, Any]:
    """A contact's details by field name, as an edit starts from them."""
    return {name: getattr(contact, name) for name in rules.FIELDS}


def apply_details(
    contact: Contact, details: rules.ContactDetails, *, actor: User | None, now: datetime
) -> list[str]:
    """Write checked details onto a locked contact and record the change on its timeline.
    Answers the labels of the fields that changed (none: nothing is recorded)."""
    before = stored_details(contact)
    after = details.as_dict()
    changed = [name for name in rules.FIELDS if before[name] != after[name]]
    if not changed:
        return []
    for name in changed:
        setattr(contact, name, after[name])
    contact.updated_at = now
    if "do_not_contact" in changed:
        if details.do_not_contact:
            contact.do_not_contact_at = now
            _record(contact, "do_not_contact", actor, now, details.do_not_contact_reason)
        else:
            contact.do_not_contact_at = None
            _record(contact, "may_contact_again", actor, now)
    rest = [rules.FIELD_LABELS[n] for n in changed if n not in ("do_not_contact",)]
    if rest:
        _record(contact, "edited", actor, now, "Changed: " + ", ".join(rest))
    return [rules.FIELD_LABELS[n] for n in changed]


@unit_of_work
def update_contact(
    contact_id: Any, changes: dict[str, Any], *, actor: User | None, now: datetime
) -> Contact:
    """Change some of a contact's details (the others stay). ValidationFailed by field when
    the result would be wrong; WrongState for an anonymised contact."""
    contact = lock_contact(contact_id)
    if contact.anonymised_at is not None:
        raise WrongState("This contact's details have been removed: add them again as new")
    unknown = set(changes) - set(rules.FIELDS)
    if unknown:
        raise ValidationFailed({name: "This is not a detail of a contact" for name in unknown})
    merged = stored_details(contact) | changes
    details, errors = rules.validate_contact(merged, today=_today(now))
    if errors:
        raise ValidationFailed(errors)
    existing = _email_taken(details.email, other_than=contact.id)
    if existing is not None:
        raise _duplicate_email_error(existing)
    try:
        with db.session.begin_nested():
            apply_details(contact, details, actor=actor, now=now)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed({"email": EMAIL_JUST_TAKEN}) from None
    return contact


@unit_of_work
def mark_do_not_contact(
    contact_id: int, *, reason: str, now: datetime, actor: User | None = None
) -> Contact:
    """Mark a contact do-not-contact (an officer's decision or the contact's own unsubscribe).
    Already marked: the first reason and instant stay. Nothing is sent to them afterwards."""
    contact = lock_contact(contact_id)
    if contact.do_not_contact:
        return contact
    reason = (reason or "").strip()[: rules.LIMITS["do_not_contact_reason"]] or "Asked not to be"
    contact.do_not_contact = True
    contact.do_not_contact_reason = reason
    contact.do_not_contact_at = now
    contact.updated_at = now
    _record(contact, "do_not_contact", actor, now, reason)
    return contact


@unit_of_work
def record_contact_use(contact_ids: list[int], *, at: datetime) -> None:
    """Note that the office sent these contacts something at ``at``: anonymisation counts
    from the last use. Joins the sender's unit of work."""
    if not contact_ids:
        return
    db.session.execute(
        sa.update(Contact)
        .where(Contact.id.in_(contact_ids), Contact.anonymised_at.is_(None))
        .values(last_used_at=at)
    )


# --- anonymisation -------------------------------------------------------------------------


@dataclass
class ContactAnonymiseResult:
    anonymised: int
    cutoff: datetime
    months: int
    dry_run: bool
    names: list[str]  # who was (or would be) anonymised, for the dry run's listing


def retention_months(older_than_months: int | None = None) -> int:
    """The months a contact may go unused before anonymisation: the argument, or the
    ``CONTACT_RETENTION_MONTHS`` setting (default 24)."""
    if older_than_months is not None:
        return older_than_months
    return int(current_app.config.get("CONTACT_RETENTION_MONTHS", 24))


def _due(cutoff: datetime):
    return sa.and_(
        Contact.anonymised_at.is_(None),
        sa.func.coalesce(Contact.last_used_at, Contact.created_at) < cutoff,
    )


def contacts_due_for_anonymisation(*, now: datetime, older_than_months: int | None = None):
    """The contacts anonymisation would remove at ``now``, by name."""
    months = retention_months(older_than_months)
    cutoff = rules.anonymisation_cutoff(now, months)
    return list(db.session.scalars(sa.select(Contact).where(_due(cutoff)).order_by(Contact.name)))


def anonymise_unused(
    *, now: datetime, older_than_months: int | None = None, dry_run: bool = False
) -> ContactAnonymiseResult:
    """Anonymise every contact not used for the retention period: name, email, phone and the
    do-not-contact reason go, as do their list places and the notes on their timeline; the row
    stays (outlet, beats, dates, the do-not-contact flag) so past counts do not change. With
    ``dry_run`` nothing is changed and the answer says who would be."""
    months = retention_months(older_than_months)
    if dry_run:
        due = contacts_due_for_anonymisation(now=now, older_than_months=months)
        return ContactAnonymiseResult(
            len(due), rules.anonymisation_cutoff(now, months), months, True, [c.name for c in due]
        )
    return _anonymise(now=now, months=months)


@unit_of_work
def _anonymise(*, now: datetime, months: int) -> ContactAnonymiseResult:
    cutoff = rules.anonymisation_cutoff(now, months)
    due_ids = list(db.session.scalars(sa.select(Contact.id).where(_due(cutoff))))
    names: list[str] = []
    for start in range(0, len(due_ids), 500):
        chunk = due_ids[start : start + 500]
        names += list(db.session.scalars(sa.select(Contact.name).where(Contact.id.in_(chunk))))
        db.session.execute(
            sa.delete(ContactListMember).where(ContactListMember.contact_id.in_(chunk))
        )
        db.session.execute(
            sa.update(ContactEvent).where(ContactEvent.contact_id.in_(chunk)).values(comment=None)
        )
        db.session.execute(
            sa.update(Contact)
            .where(Contact.id.in_(chunk))
            .values(
                name=rules.REMOVED_NAME,
                email=None,
                phone=None,
                do_not_contact_reason=None,
                anonymised_at=now,
                updated_at=now,
            )
        )
        distribution_records.forget_contacts(chunk, rules.REMOVED_NAME)
        db.session.add_all(
            ContactEvent(contact_id=cid, action="anonymised", created_at=now) for cid in chunk
        )
    return ContactAnonymiseResult(len(due_ids), cutoff, months, False, sorted(names))
