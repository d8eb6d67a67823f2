"""What a distribution writes: each recipient's message in the outbox (their own embargoed
link, or the public release with an unsubscribe link), and its cancellation, with the reason on
the release's timeline. Called inside the unit of work of a use case that holds the release's
lock (making or following a distribution)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..domain import distribution as rules
from ..domain import links
from ..domain.links import embargo_banner
from ..extensions import db
from ..models import (
    Contact,
    Distribution,
    DistributionRecipient,
    EmbargoRecipient,
    OutboxMessage,
    Release,
)
from . import mail, secret_links
from .outbox import cancel_messages, message_values, not_gone
from .outbox_bulk import hand_batches_after_commit, queue_emails
from .release_letters import release_letter
from .releases.public import load_public_release
from .releases.revisions import record_event

# Stands for each recipient's own unsubscribe token in a letter written once for them all.
_TOKEN_MARK = "~unsubscribe-token~"  # noqa: S105 - a placeholder, not a secret


def write_messages(
    distribution: Distribution, release: Release, contacts: Sequence[Contact], now: datetime
) -> list[int]:
    """Write each contact's place in the distribution and their message to the outbox, due at
    the distribution's instant (the embargo: a message is never claimed for sending before it)
    or at once, a few statements for any number of contacts; the messages are handed to the
    queue in batches once the transaction commits. The public release is written once and each
    contact's own unsubscribe link put in; each embargoed copy carries its own personal link.
    Answers the outbox rows' ids."""
    send_at = distribution.send_at if distribution.send_at > now else None
    tokens = [links.new_token() for _ in contacts]
    holders: list[int | None] = [None] * len(contacts)
    letters: list[tuple[str, str, str | None, dict]]
    if distribution.kind == rules.ON_PUBLICATION:
        # As the public will see it at the instant it goes out.
        public = load_public_release(release.slug, max(now, distribution.send_at))
        letter = release_letter(public, unsubscribe_token=_TOKEN_MARK)
        letters = [
            (
                letter.subject,
                letter.text.replace(_TOKEN_MARK, token),
                letter.html.replace(_TOKEN_MARK, token),
                {k: v.replace(_TOKEN_MARK, token) for k, v in letter.headers.items()},
            )
            for token in tokens
        ]
    else:
        holders, letters = _embargoed_copies(release, distribution, contacts, tokens, now)
    # Plain executemany INSERTs (no RETURNING: on SQLite that would be a statement a row), then
    # the ids read back by the unique keys they were written with.
    db.session.execute(
        sa.insert(DistributionRecipient.__table__),
        [
            {
                "distribution_id": distribution.id,
                "contact_id": contact.id,
                "name": contact.name,
                "outlet": contact.outlet or "",
                "email": contact.email or "",
                "status": rules.QUEUED,
                "embargo_recipient_id": holder,
                "unsubscribe_hash": links.token_hash(token),
            }
            for contact, token, holder in zip(contacts, tokens, holders, strict=True)
        ],
    )
    by_contact = dict(
        db.session.execute(
            sa.select(DistributionRecipient.contact_id, DistributionRecipient.id).where(
                DistributionRecipient.distribution_id == distribution.id
            )
        ).all()
    )
    recipient_ids = [by_contact[contact.id] for contact in contacts]
    rows = [
        message_values(
            kind="distribution",
            to_name=contact.name,
            to_address=contact.email,
            subject=subject,
            text=text,
            html=html,
            headers=headers,
            send_at=send_at,
            distribution_recipient_id=recipient_id,
            now=now,
        )
        for contact, recipient_id, (subject, text, html, headers) in zip(
            contacts, recipient_ids, letters, strict=True
        )
    ]
    message_ids = queue_emails(rows, send_at)
    db.session.execute(
        sa.update(DistributionRecipient)
        .where(DistributionRecipient.distribution_id == distribution.id)
        .values(
            outbox_message_id=sa.select(OutboxMessage.id)
            .where(OutboxMessage.distribution_recipient_id == DistributionRecipient.id)
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Contact)
        .where(Contact.id.in_([contact.id for contact in contacts]))
        .values(last_used_at=distribution.send_at)
        .execution_options(synchronize_session=False)
    )
    distribution.dispatched_at = now
    return message_ids


def skip(distribution: Distribution, contacts: Sequence[Contact]) -> None:
    """Note the contacts on the lists who were not sent anything: do not contact (or removed)."""
    if not contacts:
        return
    db.session.execute(
        sa.insert(DistributionRecipient),
        [
            {
                "distribution_id": distribution.id,
                "contact_id": contact.id,
                "name": contact.name,
                "outlet": contact.outlet or "",
                "email": contact.email or "",
                "status": rules.SKIPPED_DO_NOT_CONTACT,
            }
            for contact in contacts
        ],
    )


def move(distribution: Distribution, send_at: datetime, now: datetime) -> None:
    """Move the messages not yet sent to a new instant (the embargo moved, or was broken and
    the release is public now), and hand them to the queue for it."""
    distribution.send_at = send_at
    ids = db.session.scalars(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(
                sa.select(DistributionRecipient.outbox_message_id).where(
                    DistributionRecipient.distribution_id == distribution.id
                )
            ),
            OutboxMessage.status == "queued",
        )
        .values(send_at=send_at, next_attempt_at=send_at)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    hand_batches_after_commit(list(ids), send_at if send_at > now else None)


def _embargoed_copies(
    release: Release,
    distribution: Distribution,
    contacts: Sequence[Contact],
    tokens: Sequence[str],
    now: datetime,
):
    """Each contact's personal embargoed link (only its hash stored), and their letter."""
    from ..domain.links import PREVIEW_LINK_LIFETIME
    from .release_letters import unsubscribe_headers

    made = [secret_links.new_link(now, PREVIEW_LINK_LIFETIME) for _ in contacts]
    db.session.execute(
        sa.insert(EmbargoRecipient.__table__),
        [
            {
                "release_id": release.id,
                "name": contact.name,
                "outlet": contact.outlet or "-",
                "email": contact.email,
                "token_hash": link.token_hash,
                "created_by_id": distribution.created_by_id,
                "created_at": now,
                "expires_at": link.expires_at,
            }
            for contact, link in zip(contacts, made, strict=True)
        ],
    )
    by_hash = dict(
        db.session.execute(
            sa.select(EmbargoRecipient.token_hash, EmbargoRecipient.id).where(
                EmbargoRecipient.release_id == release.id, EmbargoRecipient.created_at == now
            )
        ).all()
    )
    holders = [by_hash[link.token_hash] for link in made]
    letters = []
    for contact, link, token in zip(contacts, made, tokens, strict=True):
        unsubscribe = secret_links.link_url("unsubscribe", token)
        subject, text = mail.preview_link_letter(
            contact.name,
            contact.outlet or "your outlet",
            release.title,
            release.embargo_until,
            secret_links.link_url("preview", link.token),
        )
        text += f"\n--\nTo stop receiving releases from us: {unsubscribe}\n"
        letters.append((subject, text, None, unsubscribe_headers(unsubscribe)))
    return holders, letters


_BANNER = links.EMBARGO_LINE


def follow_embargo(distribution: Distribution, release: Release, now: datetime) -> int:
    """The embargo of a release whose embargoed copies went out has moved: copies still to go
    say the new embargo, and each journalist already sent a copy is told by a short note (their
    link still works and shows the embargo as it is now). Answers how many were told."""
    banner = embargo_banner(release.embargo_until)
    rows = db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.status,
            OutboxMessage.body_text,
            OutboxMessage.to_name,
            OutboxMessage.to_address,
            OutboxMessage.distribution_recipient_id,
        ).where(
            OutboxMessage.id.in_(
                sa.select(DistributionRecipient.outbox_message_id).where(
                    DistributionRecipient.distribution_id == distribution.id
                )
            ),
            OutboxMessage.status.in_(("queued", "sending", "sent")),
        )
    ).all()
    stale = [row for row in rows if (found := _BANNER.search(row.body_text)) and found[0] != banner]
    # A copy not gone (queued, or left by a killed worker whose lease ran out) says the new
    # embargo; one sent, or on the wire, is followed by a note.
    rewritten = set(
        db.session.scalars(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.id.in_([row.id for row in stale]), not_gone(now)
            )
        )
    )
    table = OutboxMessage.__table__
    if rewritten:
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values(body_text=sa.bindparam("said")),
            [
                {"row_id": row.id, "said": _BANNER.sub(banner, row.body_text)}
                for row in stale
                if row.id in rewritten
            ],
        )
    told = [row for row in stale if row.id not in rewritten]
    office = current_app.config.get("PRESS_OFFICE_NAME") or "The press office"
    queue_emails(
        [
            message_values(
                kind="distribution",
                to_name=row.to_name,
                to_address=row.to_address,
                subject=f"Embargo moved: {release.title}",
                text=(
                    f"Dear {row.to_name},\n\n{office} sent you an embargoed copy of\n\n"
                    f"{release.title}\n\nThe embargo has moved. It is now:\n\n{banner}\n\n"
                    "Your personal link still works and shows the release under the new "
                    "embargo. Nothing in it may be published before then.\n"
                ),
                distribution_recipient_id=row.distribution_recipient_id,
                now=now,
            )
            for row in told
        ],
        None,
    )
    return len(told)


def why_cancelled(state: str) -> str:
    """Why a release's distribution stops, from the state the release is in now."""
    return rules.why_not_any_more(state)


def cancel(distribution: Distribution, release: Release, now: datetime, reason: str) -> None:
    """Cancel what has not gone of a distribution (its messages queued, or left by a worker
    whose lease ran out), with the reason, on the release's timeline. A message a worker still
    holds is stopped by that worker before it goes on (``outbox_gate``: the distribution is
    cancelled), or, the worker killed, when its row is next claimed."""
    message_ids = db.session.scalars(
        sa.select(DistributionRecipient.outbox_message_id).where(
            DistributionRecipient.distribution_id == distribution.id,
            DistributionRecipient.outbox_message_id.is_not(None),
        )
    ).all()
    cancel_messages(message_ids, now=now)
    distribution.cancelled_at = now
    distribution.cancel_reason = reason
    record_event(release, None, "distribution_cancelled", now, comment=reason)


def forget_contacts(contact_ids: Sequence[int], removed_name: str) -> None:
    """Inside the anonymisation's unit of work: what was sent to these contacts keeps no name,
    address or words of theirs (their places in distributions, their outbox messages, the
    embargoed links they were given); anything still queued for them is cancelled."""
    ids = list(contact_ids)
    recipients = sa.select(DistributionRecipient.id).where(
        DistributionRecipient.contact_id.in_(ids)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.distribution_recipient_id.in_(recipients))
        .values(
            to_name=removed_name,
            to_address="",
            body_text="(Removed with the contact's details.)",
            body_html=None,
            headers={},
            status=sa.case(
                (OutboxMessage.status.in_(("queued", "sending")), "cancelled"),
                else_=OutboxMessage.status,
            ),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(EmbargoRecipient)
        .where(
            EmbargoRecipient.id.in_(
                sa.select(DistributionRecipient.embargo_recipient_id).where(
                    DistributionRecipient.contact_id.in_(ids)
                )
            )
        )
        .values(name=removed_name, email="", outlet="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(DistributionRecipient)
        .where(DistributionRecipient.contact_id.in_(ids))
        .values(name=removed_name, email="", outlet="", unsubscribe_hash=None)
        .execution_options(synchronize_session=False)
    )
