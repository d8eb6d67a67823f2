"""Who was told what, by journalist: built from the enquiry log (the enquiries they made, the
statements they were given from), from the embargoed copies sent to them and, where the
address belongs to one, from the media contact (their details and lists).

A journalist is known by their email address, matched without regard to case. An enquiry whose
personal data has been removed (``enquiry_retention``) no longer carries the address, so it no
longer appears here: the removal applies to this page as to the log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Contact, EmbargoRecipient, Enquiry, Release, Statement
from .errors import NotFound

EMAIL_MAX = 254


@dataclass(frozen=True)
class StatementGiven:
    reference: str
    statement_id: int
    statement_title: str
    version: int | None
    answered_at: datetime | None


@dataclass(frozen=True)
class CopyReceived:
    release_id: int
    release_title: str
    sent_at: datetime
    revoked_at: datetime | None
    opened: int


@dataclass(frozen=True)
class JournalistRecord:
    email: str
    names: list[str]
    outlets: list[str]
    enquiries: list[Enquiry]
    statements_given: list[StatementGiven]
    copies: list[CopyReceived]
    # The media contact holding this address, if there is one (an anonymised contact holds
    # none, so it no longer appears).
    contact: Contact | None = None


def journalist_record(email: str) -> JournalistRecord:
    """Everything the office holds about what it told the journalist with this address:
    their enquiries (newest first), the statements they were given and the embargoed copies
    sent to them. NotFound when the office holds nothing for the address."""
    address = (email or "").strip().lower()
    if not address or len(address) > EMAIL_MAX:
        raise NotFound("The press office holds nothing for that address")
    enquiries = list(
        db.session.scalars(
            sa.select(Enquiry)
            .where(sa.func.lower(Enquiry.email) == address, Enquiry.anonymised_at.is_(None))
            .order_by(Enquiry.received_at.desc(), Enquiry.id.desc())
        )
    )
    statement_ids = {e.statement_id for e in enquiries if e.statement_id}
    titles = {}
    if statement_ids:
        titles = dict(
            db.session.execute(
                sa.select(Statement.id, Statement.title).where(Statement.id.in_(statement_ids))
            ).all()
        )
    given = [
        StatementGiven(
            reference=e.reference,
            statement_id=e.statement_id,
            statement_title=titles.get(e.statement_id, ""),
            version=e.statement_version,
            answered_at=e.answered_at,
        )
        for e in enquiries
        if e.statement_id
    ]
    recipients = list(
        db.session.scalars(
            sa.select(EmbargoRecipient)
            .where(sa.func.lower(EmbargoRecipient.email) == address)
            .options(joinedload(EmbargoRecipient.views))
            .order_by(EmbargoRecipient.created_at.desc())
        ).unique()
    )
    release_titles = {}
    if recipients:
        release_titles = dict(
            db.session.execute(
                sa.select(Release.id, Release.title).where(
                    Release.id.in_({r.release_id for r in recipients})
                )
            ).all()
        )
    copies = [
        CopyReceived(
            release_id=r.release_id,
            release_title=release_titles.get(r.release_id, ""),
            sent_at=r.created_at,
            revoked_at=r.revoked_at,
            opened=len(r.views),
        )
        for r in recipients
    ]
    contact = db.session.scalars(
        sa.select(Contact)
        .where(Contact.email == address, Contact.anonymised_at.is_(None))
        .options(selectinload(Contact.lists))
    ).first()
    if not enquiries and not copies and contact is None:
        raise NotFound("The press office holds nothing for that address")
    known_as = [contact.name] if contact else []
    names = list(
        dict.fromkeys(
            known_as + [e.journalist_name for e in enquiries] + [r.name for r in recipients]
        )
    )
    outlets = list(
        dict.fromkeys(
            ([contact.outlet] if contact and contact.outlet else [])
            + [e.outlet for e in enquiries if e.outlet]
            + [r.outlet for r in recipients if r.outlet]
        )
    )
    return JournalistRecord(address, names, outlets, enquiries, given, copies, contact)
