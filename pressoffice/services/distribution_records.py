"""What a distribution writes: each recipient's message in the outbox (their own embargoed
link, or the public release with an unsubscribe link), and its cancellation, with the reason on
the release's timeline. Called inside the unit of work of a use case that holds the release's
lock (making, dispatching or following a distribution)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..domain import distribution as rules
from ..domain import links
from ..extensions import db
from ..models import Contact, Distribution, DistributionRecipient, EmbargoRecipient, Release
from . import mail, secret_links
from .outbox import cancel_messages, queue_email
from .release_letters import release_letter
from .releases.public import load_public_release
from .releases.revisions import record_event


def write_messages(distribution: Distribution, release: Release, now: datetime) -> None:
    """Write to the outbox every waiting recipient's message, asking do-not-contact again at
    this instant: a contact who unsubscribed since the distribution was made is skipped."""
    recipients = db.session.scalars(
        sa.select(DistributionRecipient)
        .where(
            DistributionRecipient.distribution_id == distribution.id,
            DistributionRecipient.status.in_(("waiting", rules.QUEUED)),
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
    public = None
    if distribution.kind == rules.ON_PUBLICATION:
        public = load_public_release(release.slug, now)
    for recipient in recipients:
        contact = contacts.get(recipient.contact_id)
        if contact is None or not rules.choose_recipients([contact]).to_send:
            recipient.status = rules.SKIPPED_DO_NOT_CONTACT
            continue
        unsubscribe_token = links.new_token()
        recipient.unsubscribe_hash = links.token_hash(unsubscribe_token)
        if public is not None:
            letter = release_letter(
                public, name=recipient.name, unsubscribe_token=unsubscribe_token
            )
            subject, text, html, headers = letter.subject, letter.text, letter.html, letter.headers
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
            distribution_recipient_id=recipient.id,
        )
        recipient.outbox_message_id = message.id
        recipient.status = rules.QUEUED
        contact.last_used_at = now
    distribution.dispatched_at = now


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
    """Cancel what has not gone of a distribution (messages still queued, recipients still
    waiting), with the reason, on the release's timeline."""
    message_ids = db.session.scalars(
        sa.select(DistributionRecipient.outbox_message_id).where(
            DistributionRecipient.distribution_id == distribution.id,
            DistributionRecipient.outbox_message_id.is_not(None),
        )
    ).all()
    cancel_messages(message_ids, now=now)
    db.session.execute(
        sa.update(DistributionRecipient)
        .where(
            DistributionRecipient.distribution_id == distribution.id,
            DistributionRecipient.status == "waiting",
        )
        .values(status=rules.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    distribution.cancelled_at = now
    distribution.cancel_reason = reason
    record_event(release, None, "distribution_cancelled", now, comment=reason)
