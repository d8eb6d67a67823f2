"""Distribution: a release sent to media lists, through the outbox.

- ``create_distribution`` takes the lists an officer chose, makes one recipient row per contact
  (each once; do-not-contact skipped and counted) and, for embargoed copies, at once gives each
  their own embargoed link and writes their email to the outbox, all in one unit of work.
- A release sent when it goes public is written to the outbox at once too, each message due at
  the embargo instant: no worker claims a message before it is due, so nothing goes early, and
  at the instant the workers only send (in batches of fifty over one connection each), asking
  whether each message may still go as they claim it and again just before it goes
  (``outbox_gate``: withdrawn, unscheduled, approved again, cancelled, do not contact...).
- ``follow_release`` is called by the release use cases in their own unit of work: an embargo
  moved moves the send; unscheduling, withdrawing or an edit cancels what has not gone (queued,
  or left by a killed worker whose lease ran out; a message a live worker holds is refused by
  the rule before it goes).
- ``unsubscribe`` is the one-click link of every message (RFC 8058): it sets do-not-contact and
  cancels whatever is still queued for that contact.

Lock order, as everywhere: the release, then the distribution's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..domain import distribution as rules
from ..domain import links
from ..extensions import db
from ..models import (
    Contact,
    ContactEvent,
    ContactList,
    ContactListMember,
    Distribution,
    DistributionRecipient,
    OutboxMessage,
    Release,
    User,
)
from . import distribution_records as records
from . import secret_links
from .errors import NotFound, ValidationFailed
from .outbox import cancel_messages
from .releases.revisions import lock_release, record_event
from .sign_off import refuse_unless
from .unit_of_work import unit_of_work

NOT_FOUND = "There is no such distribution for this release"
UNSUBSCRIBE_NOT_FOUND = "This unsubscribe link does not work"


@dataclass(frozen=True)
class Progress:
    """What a distribution has done, read from its rows: the release page shows it."""

    id: int
    release_id: int
    kind: str
    kind_label: str
    list_names: tuple[str, ...]
    send_at: datetime
    created_at: datetime
    created_by: str
    dispatched_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    recipients: int
    waiting: int
    queued: int
    sent: int
    failed: int
    cancelled: int
    skipped_do_not_contact: int
    duplicates: int
    status: str
    failures: tuple[tuple[str, str, str], ...]  # (name, email, the server's reason)


# --- making a distribution -------------------------------------------------------------------


def _list_ids(value: Any) -> list[int]:
    if not isinstance(value, list | tuple) or not value:
        raise ValidationFailed({"list_ids": "Choose at least one list"})
    if len(value) > rules.LISTS_MAX:
        raise ValidationFailed({"list_ids": f"Choose at most {rules.LISTS_MAX} lists"})
    ids = []
    for item in value:
        # A number, or a form's digits: not 1.5, not true, nothing a database integer can't hold.
        if isinstance(item, str) and item.isdigit() and len(item) < 11:
            item = int(item)
        if not isinstance(item, int) or isinstance(item, bool) or not 0 < item < 2**31:
            raise ValidationFailed({"list_ids": "Lists are named by their numbers"})
        ids.append(item)
    return list(dict.fromkeys(ids))


@unit_of_work
def create_distribution(
    release_id: int | str,
    *,
    actor: User,
    list_ids: Any,
    kind: Any,
    now: datetime | None = None,
) -> Progress:
    """Send a release to media lists: embargoed copies now, or the public release at its
    embargo instant (at once if it is public already). Refused, with nothing saved, for a
    release in the wrong state, an unknown kind or list, or lists with nobody to send to."""
    now = clock.instant(now)
    actor = secret_links.staff_member(actor)
    release = lock_release(release_id)
    if kind not in rules.KINDS:
        raise ValidationFailed(
            {"kind": "Choose embargoed copies or the release when it goes public"}
        )
    refuse_unless(rules.may_distribute(kind, release.state, release.embargo_until, now))
    ids = _list_ids(list_ids)
    lists = list(db.session.scalars(sa.select(ContactList).where(ContactList.id.in_(ids))))
    if len(lists) != len(ids):
        raise ValidationFailed({"list_ids": "One of the lists chosen does not exist"})
    order = {list_id: place for place, list_id in enumerate(ids)}
    lists.sort(key=lambda item: order[item.id])
    contacts = db.session.scalars(
        sa.select(Contact)
        .join(ContactListMember, ContactListMember.contact_id == Contact.id)
        .where(ContactListMember.list_id.in_(ids))
        .order_by(Contact.name, Contact.id)
    ).all()
    already = _already_sent(release.id, kind)
    plan = rules.choose_recipients(contacts, already=already)
    if not plan.to_send:
        if plan.already_sent:
            raise ValidationFailed(
                {"list_ids": "Everyone on these lists has already been sent this release"}
            )
        raise ValidationFailed(
            {"list_ids": "Nobody on these lists can be sent anything (empty, or do not contact)"}
        )
    send_at = rules.send_at_for(kind, release.state, release.embargo_until, now)
    distribution = Distribution(
        release_id=release.id,
        kind=kind,
        send_at=send_at,
        list_names=[item.name for item in lists],
        duplicates=plan.duplicates,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(distribution)
    db.session.flush()
    record_event(
        release,
        actor,
        "distribution",
        now,
        comment=_describe(kind, distribution.list_names, len(plan.to_send), send_at, now),
    )
    records.write_messages(distribution, release, plan.to_send, now)
    records.skip(distribution, plan.skipped_do_not_contact)
    db.session.flush()
    return _progress(distribution, now)


def _already_sent(release_id: int, kind: str) -> set[int]:
    """The contacts who have a message of this kind for this release that has gone or is still
    to go: a second distribution (a form sent twice, a retried request, an overlapping list)
    does not write to them again."""
    return set(
        db.session.scalars(
            sa.select(DistributionRecipient.contact_id)
            .join(Distribution, Distribution.id == DistributionRecipient.distribution_id)
            .join(OutboxMessage, OutboxMessage.id == DistributionRecipient.outbox_message_id)
            .where(
                Distribution.release_id == release_id,
                Distribution.kind == kind,
                OutboxMessage.status.in_(("queued", "sending", "sent")),
                DistributionRecipient.contact_id.is_not(None),
            )
        )
    )


def _describe(kind: str, names: list[str], count: int, send_at: datetime, now: datetime) -> str:
    from ..timefmt import uk_datetime_short

    lists = ", ".join(names)
    people = f"{count:,} contact{'s' if count != 1 else ''}"
    if kind == rules.EMBARGOED_COPY:
        return f"Embargoed copies sent to {people} on {lists}"
    if send_at > now:
        return f"The release will be sent to {people} on {lists} at {uk_datetime_short(send_at)}"
    return f"The release sent to {people} on {lists}"


# --- writing the messages at their instant -----------------------------------------------------


# --- following the release -------------------------------------------------------------------


def follow_release(release: Release, now: datetime) -> None:
    """Keep the release's distributions in step with it, inside the release use case's unit of
    work (the release is locked): a moved embargo moves the messages waiting for it; a release
    published before its embargo sends them now; a release no longer scheduled or public
    cancels what has not gone."""
    open_ones = db.session.scalars(
        sa.select(Distribution).where(
            Distribution.release_id == release.id, Distribution.cancelled_at.is_(None)
        )
    ).all()
    for distribution in open_ones:
        answer, later = rules.may_deliver(
            distribution.kind, release.state, release.embargo_until, now
        )
        if answer == rules.DROP:
            records.cancel(distribution, release, now, records.why_cancelled(release.state))
        elif answer == rules.WAIT and later != distribution.send_at:
            records.move(distribution, later, now)
        elif distribution.kind == rules.EMBARGOED_COPY:
            records.follow_embargo(distribution, release, now)
        elif answer == rules.SEND and distribution.send_at > now:
            records.move(distribution, now, now)


# --- one-click unsubscribe ---------------------------------------------------------------


@unit_of_work
def unsubscribe(token: Any, now: datetime | None = None) -> str:
    """Stop sending anything to the contact a message went to: do-not-contact is set (with the
    reason and instant, on the contact's timeline), and whatever is still queued for them is
    cancelled. Answers the contact's name; NotFound for a link that does not work."""
    now = clock.instant(now)
    if not links.is_well_formed(token):
        raise NotFound(UNSUBSCRIBE_NOT_FOUND)
    recipient = db.session.scalars(
        sa.select(DistributionRecipient).where(
            DistributionRecipient.unsubscribe_hash == links.token_hash(token)
        )
    ).first()
    if recipient is None or recipient.contact_id is None:
        raise NotFound(UNSUBSCRIBE_NOT_FOUND)
    contact = db.session.get(Contact, recipient.contact_id, populate_existing=True)
    if not contact.do_not_contact:
        contact.do_not_contact = True
        contact.do_not_contact_reason = "Unsubscribed from a release email"
        contact.do_not_contact_at = now
        contact.updated_at = now
        db.session.add(
            ContactEvent(
                contact_id=contact.id,
                actor_id=None,
                action="unsubscribed",
                comment="Unsubscribed with the link in a release email",
                created_at=now,
            )
        )
    waiting = db.session.scalars(
        sa.select(DistributionRecipient.outbox_message_id).where(
            DistributionRecipient.contact_id == contact.id,
            DistributionRecipient.outbox_message_id.is_not(None),
        )
    ).all()
    cancel_messages(waiting, now=now)
    return contact.name


def unsubscribe_link_works(token: Any) -> bool:
    """Whether an unsubscribe link names a message we sent (for its confirmation page)."""
    if not links.is_well_formed(token):
        return False
    return (
        db.session.scalar(
            sa.select(DistributionRecipient.id).where(
                DistributionRecipient.unsubscribe_hash == links.token_hash(token),
                DistributionRecipient.contact_id.is_not(None),
            )
        )
        is not None
    )


# --- reading progress --------------------------------------------------------------------------


def _progress(distribution: Distribution, now: datetime) -> Progress:
    rows = db.session.execute(
        sa.select(DistributionRecipient.status, OutboxMessage.status, sa.func.count())
        .select_from(DistributionRecipient)
        .outerjoin(OutboxMessage, OutboxMessage.id == DistributionRecipient.outbox_message_id)
        .where(DistributionRecipient.distribution_id == distribution.id)
        .group_by(DistributionRecipient.status, OutboxMessage.status)
    ).all()
    counts = dict.fromkeys((*rules.RECIPIENT_STATUSES, "waiting"), 0)
    for own, sending, count in rows:
        if own == rules.QUEUED and sending is not None:
            status = {"sending": rules.QUEUED}.get(sending, sending)
        else:
            status = own
        counts[status] = counts.get(status, 0) + count
    failures = db.session.execute(
        sa.select(DistributionRecipient.name, DistributionRecipient.email, OutboxMessage.last_error)
        .join(OutboxMessage, OutboxMessage.id == DistributionRecipient.outbox_message_id)
        .where(
            DistributionRecipient.distribution_id == distribution.id,
            OutboxMessage.status == "failed",
        )
        .order_by(DistributionRecipient.name)
        .limit(50)
    ).all()
    if distribution.send_at > now:
        # Queued for the embargo instant: waiting for it, not being sent.
        counts["waiting"], counts[rules.QUEUED] = counts[rules.QUEUED], 0
    pending = counts[rules.QUEUED] + counts["waiting"]
    status = rules.summary_status({**counts, rules.QUEUED: pending}, distribution.send_at, now)
    if distribution.cancelled_at is not None:
        status = "cancelled"
    creator = db.session.get(User, distribution.created_by_id)
    return Progress(
        id=distribution.id,
        release_id=distribution.release_id,
        kind=distribution.kind,
        kind_label=rules.KIND_LABELS[distribution.kind],
        list_names=tuple(distribution.list_names or ()),
        send_at=distribution.send_at,
        created_at=distribution.created_at,
        created_by=creator.name if creator else "",
        dispatched_at=distribution.dispatched_at,
        cancelled_at=distribution.cancelled_at,
        cancel_reason=distribution.cancel_reason,
        recipients=sum(counts[s] for s in ("waiting", rules.QUEUED, rules.SENT, rules.FAILED))
        + counts[rules.CANCELLED],
        waiting=counts["waiting"],
        queued=counts[rules.QUEUED],
        sent=counts[rules.SENT],
        failed=counts[rules.FAILED],
        cancelled=counts[rules.CANCELLED],
        skipped_do_not_contact=counts[rules.SKIPPED_DO_NOT_CONTACT],
        duplicates=distribution.duplicates,
        status=status,
        failures=tuple((name, email, error or "") for name, email, error in failures),
    )


def distribution_progress(
    release_id: int | str, distribution_id: int | str, now: datetime | None = None
) -> Progress:
    """One distribution of a release, with its counts; NotFound for one of another release."""
    now = clock.instant(now)
    try:
        release_key, key = int(release_id), int(distribution_id)
    except (TypeError, ValueError):
        raise NotFound(NOT_FOUND) from None
    distribution = db.session.get(Distribution, key) if 0 < key < 2**31 else None
    if distribution is None or distribution.release_id != release_key:
        raise NotFound(NOT_FOUND)
    return _progress(distribution, now)


def release_distributions(release_id: int, now: datetime | None = None) -> list[Progress]:
    """Every distribution of a release, newest first, with its counts."""
    now = clock.instant(now)
    found = db.session.scalars(
        sa.select(Distribution)
        .where(Distribution.release_id == release_id)
        .order_by(Distribution.id.desc())
    ).all()
    return [_progress(item, now) for item in found]


def lists_to_choose() -> list[tuple[int, str, int]]:
    """Every list with its number of members, for the form: (id, name, members)."""
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(ContactList.id, ContactList.name, sa.func.count(ContactListMember.contact_id))
            .outerjoin(ContactListMember, ContactListMember.list_id == ContactList.id)
            .group_by(ContactList.id, ContactList.name)
            .order_by(ContactList.name)
        )
    ]


__all__ = [
    "Progress",
    "create_distribution",
    "distribution_progress",
    "follow_release",
    "lists_to_choose",
    "release_distributions",
    "unsubscribe",
    "unsubscribe_link_works",
]
