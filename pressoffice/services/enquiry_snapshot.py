"""What an enquiry use case answers: the enquiry as it stood, read before the commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..extensions import db
from ..models import Enquiry, User


@dataclass(frozen=True)
class PersonSnapshot:
    """The member of staff an enquiry names, as they were when the use case ran."""

    id: int
    name: str
    email: str


@dataclass(frozen=True)
class EnquirySnapshot:
    """An enquiry as it stood when its use case finished, read *before* the commit.

    The answer to a change (the journalist's reference, the staff page's message) is built from
    this, never from the database after the commit: once the change is stored, a connection
    dropping cannot turn its answer into a failure, so nobody submits the same enquiry twice."""

    id: int
    reference: str
    received_at: datetime
    journalist_name: str
    outlet: str
    email: str | None
    phone: str | None
    subject: str
    details: str
    deadline: datetime | None
    channel: str
    release_id: int | None
    route: str
    line: str
    route_reason: str
    assignee_id: int | None
    assignee: PersonSnapshot | None
    needs_attention: bool
    status: str
    response: str | None
    answered_at: datetime | None
    closed_at: datetime | None
    anonymised_at: datetime | None
    logged_by_id: int | None
    logged_by: PersonSnapshot | None
    created_at: datetime
    # The statement the answer was given from, and its version then.
    statement_id: int | None = None
    statement_version: int | None = None

    @property
    def assignee_name(self) -> str | None:
        return self.assignee.name if self.assignee else None


def _person(user: User | None) -> PersonSnapshot | None:
    return None if user is None else PersonSnapshot(id=user.id, name=user.name, email=user.email)


def snapshot(enquiry: Enquiry) -> EnquirySnapshot:
    """Every value of ``enquiry`` an answer may show, read now (inside the transaction)."""
    db.session.flush()
    return EnquirySnapshot(
        id=enquiry.id,
        reference=enquiry.reference,
        received_at=enquiry.received_at,
        journalist_name=enquiry.journalist_name,
        outlet=enquiry.outlet,
        email=enquiry.email,
        phone=enquiry.phone,
        subject=enquiry.subject,
        details=enquiry.details,
        deadline=enquiry.deadline,
        channel=enquiry.channel,
        release_id=enquiry.release_id,
        route=enquiry.route,
        line=enquiry.line,
        route_reason=enquiry.route_reason,
        assignee_id=enquiry.assignee_id,
        assignee=_person(enquiry.assignee),
        needs_attention=enquiry.needs_attention,
        status=enquiry.status,
        response=enquiry.response,
        answered_at=enquiry.answered_at,
        closed_at=enquiry.closed_at,
        anonymised_at=enquiry.anonymised_at,
        logged_by_id=enquiry.logged_by_id,
        logged_by=_person(enquiry.logged_by),
        created_at=enquiry.created_at,
        statement_id=enquiry.statement_id,
        statement_version=enquiry.statement_version,
    )
