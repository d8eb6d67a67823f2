"""What a distribution writes: each recipient's message in the outbox (their own embargoed
link, or the public release with an unsubscribe link), and its cancellation, with the reason on
the release's timeline. Called inside the unit of work of a use case that holds the release's
lock (making or following a distribution)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..domain import distribution as rules
from ..domain import links
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
from .outbox import cancel_messages, queue_email
from .outbox_handover import hand_batches_after_commit
from .release_letters import release_letter
from .releases.public import load_public_release
from .releases.revisions import record_event

# Stands for each recipient's own unsubscribe token in a letter written once for them all.
_TOKEN_MARK = "~unsubscribe-token~"  # noqa: S105 - a placeholder, not a secret


def write_messages(distribution: Distribution, release: Release, now: datetime) -> None:
    """Write every recipient's message to the outbox, due at the distribution's instant (the
    embargo: a message is never claimed for sending before it) or at once, and hand them to
    the queue in batches once the transaction commits. The public release is written once and
    each recipient's own unsubscribe link put in; each embargoed copy carries its own link."""
    recipients = db.session.scalars(
        sa.select(DistributionRecipient)
        .where(
            DistributionRecipient.distribution_id == distribution.id,
            DistributionRecipient.status == rules.QUEUED,
            DistributionRecipient.outbox_message_id.is_(None),
        )
        .order_by(DistributionRecipient.id)
    ).all()
    contacts = {
        contact.id: contact
        for contact in db.session.scalars(
            sa.select(Contact).where(Contact.id.in_([r.contact_id for r in recipients]))
        )
    }
    send_at = distribution.send_at if distribution.send_at > now else None
    letter = None
    if distribution.kind == rules.ON_PUBLICATION:
        # As the public will see it at the instant it goes out.
        public = load_public_release(release.slug, max(now, distribution.send_at))
        letter = release_letter(public, unsubscribe_token=_TOKEN_MARK)
    written = []
    for recipient in recipients:
        contact = contacts.get(recipient.contact_id)
        if contact is None or not rules.choose_recipients([contact]).to_send:
            recipient.status = rules.SKIPPED_DO_NOT_CONTACT
            continue
        unsubscribe_token = links.new_token()
        recipient.unsubscribe_hash = links.token_hash(unsubscribe_token)
        if letter is not None:
            subject = letter.subject
            text = letter.text.replace(_TOKEN_MARK, unsubscribe_token)
            html = letter.html.replace(_TOKEN_MARK, unsubscribe_token)
            headers = {
                k: v.replace(_TOKEN_MARK, unsubscribe_token) for k, v in letter.headers.items()
            }
        else:
            subject, text, headers = _embargoed_copy(
                release, distribution, recipient, unsubscribe_token, now
            )
            html = None
        message = queue_email(
            kind="distribution",
            to_name=recipient.name,
            to_address=recipient.email,
            subject=subject,
            text=text,
            html=html,
            headers=headers,
            send_at=send_at,
            distribution_recipient_id=recipient.id,
            hand_over=False,
        )
        recipient.outbox_message_id = message.id
        written.append(message.id)
        contact.last_used_at = distribution.send_at
    distribution.dispatched_at = now
    hand_batches_after_commit(written, send_at)


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


def _embargoed_copy(
    release: Release,
    distribution: Distribution,
    recipient: DistributionRecipient,
    unsubscribe_token: str,
    now: datetime,
):
    from ..domain.links import PREVIEW_LINK_LIFETIME
    from .release_letters import unsubscribe_headers

    link = secret_links.new_link(now, PREVIEW_LINK_LIFETIME)
    holder = EmbargoRecipient(
        release_id=release.id,
        name=recipient.name,
        outlet=recipient.outlet or "-",
        email=recipient.email,
        token_hash=link.token_hash,
        created_by_id=distribution.created_by_id,
        created_at=now,
        expires_at=link.expires_at,
    )
    db.session.add(holder)
    db.session.flush()
    recipient.embargo_recipient_id = holder.id
    url = secret_links.link_url("preview", link.token)
    unsubscribe = secret_links.link_url("unsubscribe", unsubscribe_token)
    subject, text = mail.preview_link_letter(
        recipient.name, recipient.outlet or "your outlet", release.title, release.embargo_until, url
    )
    text += f"\n--\nTo stop receiving releases from us: {unsubscribe}\n"
    return subject, text, unsubscribe_headers(unsubscribe)


def why_cancelled(state: str) -> str:
    """Why a release's distribution stops, from the state the release is in now."""
    return {
        "approved": "The release was unscheduled",
        "draft": "The release was edited: its approval is void",
        "in_review": "The release was edited: its approval is void",
        "withdrawn": "The release was withdrawn",
    }.get(state, "The release is no longer scheduled")


def cancel(distribution: Distribution, release: Release, now: datetime, reason: str) -> None:
    """Cancel what has not gone of a distribution (its messages still queued), with the
    reason, on the release's timeline."""
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
