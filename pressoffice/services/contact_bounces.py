"""Mail the desk sent that bounced for good shows on the media contact holding the address: on
their timeline, with the mail server's reason, and on their page while it is still their
address. Their do-not-contact flag is theirs and the officers' to set: a bounce leaves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..domain import contacts as rules
from ..extensions import db
from ..models import Contact, ContactEvent

BOUNCED = "mail_bounced"
# The server's reason is kept to this many characters on the timeline.
REASON_LIMIT = 1000


@dataclass(frozen=True)
class Bounced:
    """The newest permanent bounce of mail to a contact's present address."""

    at: datetime
    reason: str


def _prefix(address: str) -> str:
    return f"Mail to {address} bounced: "


def record_bounce(address: str, *, reason: str, at: datetime) -> Contact | None:
    """Inside the caller's unit of work: a permanent bounce of mail to ``address`` (at ``at``,
    for ``reason``, the mail server's words) goes on the timeline of the media contact holding
    that address, locked first so an anonymisation at the same moment keeps nothing of it.
    Answers the contact, or None when no contact holds the address."""
    address = (address or "").strip().lower()
    if not address or len(address) > rules.LIMITS["email"]:
        return None
    contact = db.session.scalars(
        sa.select(Contact)
        .where(Contact.email == address, Contact.anonymised_at.is_(None))
        .order_by(Contact.id)
        .with_for_update()
    ).first()
    if contact is None:
        return None
    reason = " ".join((reason or "").split())[:REASON_LIMIT] or "No reason given"
    db.session.add(
        ContactEvent(
            contact_id=contact.id,
            action=BOUNCED,
            comment=_prefix(address) + reason,
            created_at=at,
        )
    )
    return contact


def last_bounce(contact: Contact) -> Bounced | None:
    """The newest permanent bounce of mail to the contact's present address (one to an address
    they had before does not count), or None."""
    if not contact.email:
        return None
    prefix = _prefix(contact.email)
    comments = db.session.execute(
        sa.select(ContactEvent.created_at, ContactEvent.comment)
        .where(ContactEvent.contact_id == contact.id, ContactEvent.action == BOUNCED)
        .order_by(ContactEvent.created_at.desc(), ContactEvent.id.desc())
    )
    for at, comment in comments:
        if comment and comment.startswith(prefix):
            return Bounced(at=at, reason=comment[len(prefix) :])
    return None
