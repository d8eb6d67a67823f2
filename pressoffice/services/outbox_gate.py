"""Whether a distribution's message may still go: the facts gathered under the claim's lock,
and ``domain.distribution.may_message_go`` asked of them.

Every path that sends asks here, at the moment it takes a row: the claim of one message, of a
batch, of a row whose worker's lease ran out (a worker killed), and each message of a batch
just before it goes. A message the rule drops is cancelled there and then, with the rule's
reason and without its links' secrets; one that must wait (the embargo moved later) is queued
again for its instant. Messages that are not a distribution's (staff notifications, answers to
enquiries) are not asked about: they go as they always have.

Locks: the releases of the messages, then their contacts, are locked for share (PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` holds the database) before the facts are read, so a withdrawal, a
cancel or a do-not-contact that commits first is seen, and one that comes after waits for the
claim and then cancels what the claim did not take. The order is every use case's: release,
then the rest, then the outbox rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..domain import distribution as rules
from ..domain.links import EMBARGO_LINE
from ..extensions import db
from ..models import (
    Contact,
    Distribution,
    DistributionRecipient,
    EmbargoRecipient,
    OutboxMessage,
    Release,
)
from .outbox import stop_messages


@dataclass(frozen=True)
class ContactNow:
    """A contact as they are at the claim."""

    id: int
    email: str | None
    do_not_contact: bool
    anonymised_at: datetime | None


@dataclass
class HeldBack:
    """What the rule stopped among the rows asked about: dropped for good, or queued again for
    a later instant."""

    dropped: list[int] = field(default_factory=list)
    waiting: list[tuple[int, datetime]] = field(default_factory=list)

    def stopped(self, message_id: int) -> bool:
        """Whether the rule stopped this row."""
        return message_id in self.dropped or any(i == message_id for i, _ in self.waiting)


@functools.cache
def _statements() -> tuple:
    """The two statements the question takes, built once: it is asked before every message of
    a batch, and building them costs more than running them."""
    ids = sa.bindparam("ids", expanding=True)
    share = (
        sa.select(Release.id, Contact.id)
        .select_from(OutboxMessage)
        .join(
            DistributionRecipient,
            DistributionRecipient.id == OutboxMessage.distribution_recipient_id,
        )
        .join(Distribution, Distribution.id == DistributionRecipient.distribution_id)
        .join(Release, Release.id == Distribution.release_id)
        .join(Contact, Contact.id == DistributionRecipient.contact_id)
        .where(OutboxMessage.id.in_(ids))
        .order_by(Release.id, Contact.id)
        .with_for_update(read=True, of=[Release.__table__, Contact.__table__])
    )
    read = (
        sa.select(
            OutboxMessage.id,
            Distribution.kind,
            Distribution.cancelled_at,
            Distribution.cancel_reason,
            Distribution.created_at,
            Release.state,
            Release.embargo_until,
            Release.approved_at,
            Contact.id.label("contact_id"),
            Contact.email,
            Contact.do_not_contact,
            Contact.anonymised_at,
            EmbargoRecipient.revoked_at,
            EmbargoRecipient.expires_at,
            # Only an embargoed copy's words are needed: the embargo line it states.
            sa.case(
                (Distribution.kind == rules.EMBARGOED_COPY, OutboxMessage.body_text),
                else_=sa.null(),
            ).label("body_text"),
        )
        .join(
            DistributionRecipient,
            DistributionRecipient.id == OutboxMessage.distribution_recipient_id,
            isouter=True,
        )
        .join(Distribution, Distribution.id == DistributionRecipient.distribution_id, isouter=True)
        .join(Release, Release.id == Distribution.release_id, isouter=True)
        .join(Contact, Contact.id == DistributionRecipient.contact_id, isouter=True)
        .join(
            EmbargoRecipient,
            EmbargoRecipient.id == DistributionRecipient.embargo_recipient_id,
            isouter=True,
        )
        .where(OutboxMessage.id.in_(ids), OutboxMessage.distribution_recipient_id.is_not(None))
    )
    return share, read


def message_facts(ids: Sequence[int], *, lock: bool = True) -> dict[int, rules.MessageFacts]:
    """Inside the claim's unit of work: the facts of each distribution message among ``ids``
    (others are left out), read after locking their releases and contacts for share (unless
    ``lock`` is False: see ``hold_back``)."""
    ids = list(ids)
    if not ids:
        return {}
    share, read = _statements()
    connection = db.session.connection()
    if lock and connection.dialect.name == "postgresql":
        # SQLite's BEGIN IMMEDIATE already holds the database: no statement is needed there.
        connection.execute(share, {"ids": ids}).all()
    rows = connection.execute(read, {"ids": ids}).all()
    facts = {}
    for row in rows:
        line = EMBARGO_LINE.search(row.body_text) if row.body_text else None
        facts[row.id] = rules.MessageFacts(
            kind=row.kind if row.state is not None else None,
            distribution_cancelled=row.cancelled_at is not None,
            cancel_reason=row.cancel_reason,
            contact=ContactNow(row.contact_id, row.email, row.do_not_contact, row.anonymised_at)
            if row.contact_id is not None
            else None,
            release_state=row.state or "",
            embargo_until=row.embargo_until,
            approved_at=row.approved_at,
            written_at=row.created_at,
            link_revoked_at=row.revoked_at,
            link_expires_at=row.expires_at,
            embargo_line=line[0] if line else None,
        )
    return facts


def hold_back(ids: Sequence[int], condition, now: datetime, *, lock: bool = True) -> HeldBack:
    """Inside the claim's unit of work: ask the rule of each distribution message among
    ``ids`` that meets ``condition`` (SQL: due for sending, or still this worker's), and stop
    those it may not send now: cancelled with the rule's reason and without its links'
    secrets, or queued again for the instant the rule names. Answers what was stopped.

    ``lock=False`` reads the facts without the share locks: for a row this worker already
    holds (the next message of its batch), which no cancel changes under a live lease, so a
    change committed just after the read is one that came after the message went, as for the
    message on the wire; it spares a write to the release's row before every message."""
    held = HeldBack()
    verdicts = {
        message_id: rules.may_message_go(facts, now)
        for message_id, facts in message_facts(ids, lock=lock).items()
    }
    by_reason: dict[str, list[int]] = {}
    for message_id, verdict in verdicts.items():
        if verdict.answer == rules.DROP:
            by_reason.setdefault(verdict.reason or "", []).append(message_id)
    for reason, dropped in by_reason.items():
        held.dropped += stop_messages(
            dropped,
            condition,
            {"status": "cancelled", "lease_until": None, "last_error": reason},
        )
    for message_id, verdict in verdicts.items():
        if verdict.answer != rules.WAIT or verdict.until is None:
            continue
        moved = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, condition)
            .values(
                status="queued",
                lease_until=None,
                send_at=verdict.until,
                next_attempt_at=verdict.until,
            )
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 1:
            held.waiting.append((message_id, verdict.until))
    return held
