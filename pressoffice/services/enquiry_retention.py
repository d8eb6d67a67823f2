"""Journalists' personal data is removed from closed enquiries once the retention period is
over; the enquiries themselves stay, so the office's figures never change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..domain import enquiries as rules
from ..extensions import db
from ..models import Enquiry, EnquiryEvent
from .mail_desk.retention import forget_messages
from .unit_of_work import unit_of_work


@dataclass
class AnonymiseResult:
    anonymised: int
    cutoff: datetime
    kept: int  # enquiries in the log, anonymised or not: the counts stay


@unit_of_work
def anonymise_closed(*, now: datetime, older_than_months: int | None = None) -> AnonymiseResult:
    """Remove the journalist's name, email, phone, the details and the response (and, for an
    emailed enquiry, its messages' raw copies, words, addresses and files, and who its outbox
    rows went to and what they said) from closed enquiries closed before the cutoff
    (``ENQUIRY_RETENTION_MONTHS``, default 24, before ``now``). The rows stay, with reference,
    dates, route, outlet, subject and status, so the figures on the dashboard do not change."""
    months = (
        older_than_months
        if older_than_months is not None
        else current_app.config.get("ENQUIRY_RETENTION_MONTHS", 24)
    )
    cutoff = rules.months_before(now, months)
    due = sa.and_(
        Enquiry.status == rules.CLOSED,
        Enquiry.closed_at < cutoff,
        Enquiry.anonymised_at.is_(None),
    )
    # The messages of the enquiry desk by email carry the journalist too: their raw message,
    # words, addresses and files go, and the outbox rows that carried the acknowledgement and
    # the answers keep only that they went and when.
    forget_messages(sa.select(Enquiry.id).where(due), now)
    # The timeline's notes quote the response: they go too.
    db.session.execute(
        sa.update(EnquiryEvent)
        .where(
            EnquiryEvent.enquiry_id.in_(sa.select(Enquiry.id).where(due)),
            EnquiryEvent.action == "answered",
        )
        .values(comment=None)
    )
    result = db.session.execute(
        sa.update(Enquiry)
        .where(due)
        .values(
            journalist_name=rules.REMOVED_NAME,
            email=None,
            phone=None,
            details="",
            response=None,
            anonymised_at=now,
        )
    )
    kept = db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry))
    return AnonymiseResult(anonymised=result.rowcount, cutoff=cutoff, kept=kept)
