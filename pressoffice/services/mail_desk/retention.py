"""What the enquiry desk keeps of a journalist goes with the enquiry's personal data: when
retention anonymises enquiries, their messages lose the raw message, the words, the names and
addresses, and their files (the bytes are removed once the transaction commits); the outbox rows
that carried the acknowledgement and the answers lose who they went to and what they said."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import event

from ... import clock
from ...domain.enquiries import REMOVED_NAME
from ...extensions import db
from ...models import EnquiryEvent, MailAttachment, MailMessage, OutboxMessage
from .. import attachments as files
from .. import outbox

# The timeline entries the desk writes, whose notes name the journalist.
MAIL_EVENTS = ("email_received", "follow_up", "delivery_failed", "files_not_kept")


def forget_messages(enquiry_ids, now: datetime | None = None) -> int:
    """Inside the caller's unit of work: clear the personal data of every message of the
    enquiries ``enquiry_ids`` (a select or a list) and of the outbox rows that carried them,
    and remove their files; answers how many messages were cleared. The message keys stay, so
    a copy fetched again is still known."""
    of_enquiries = sa.select(MailMessage.id).where(MailMessage.enquiry_id.in_(enquiry_ids))
    _forget_outbox(enquiry_ids, clock.instant(now))
    keys = list(
        db.session.scalars(
            sa.select(MailAttachment.storage_key).where(MailAttachment.message_id.in_(of_enquiries))
        )
    )
    db.session.execute(sa.delete(MailAttachment).where(MailAttachment.message_id.in_(of_enquiries)))
    result = db.session.execute(
        sa.update(MailMessage)
        .where(MailMessage.enquiry_id.in_(enquiry_ids))
        .values(
            raw=None,
            text="",
            quoted_text="",
            from_name="",
            from_address="",
            to_addresses="",
            cc_addresses="",
            delivery_error=None,
            reason=None,
        )
        .execution_options(synchronize_session=False)
    )
    # The timeline's notes of the desk name the journalist's address.
    db.session.execute(
        sa.update(EnquiryEvent)
        .where(
            EnquiryEvent.enquiry_id.in_(enquiry_ids),
            EnquiryEvent.action.in_(MAIL_EVENTS),
        )
        .values(comment=None)
        .execution_options(synchronize_session=False)
    )
    if keys:
        directory = files.attachment_dir()
        paths = [directory / key for key in keys]

        def remove(_session):
            for path in paths:
                path.unlink(missing_ok=True)

        event.listen(db.session(), "after_commit", remove, once=True)
    return result.rowcount


def _forget_outbox(enquiry_ids, now: datetime) -> None:
    """The outbox rows of the enquiries' messages keep that a message went and when, not who to
    or what: one not yet gone is cancelled first (an emptied address cannot be sent to)."""
    carried = sa.select(MailMessage.outbox_message_id).where(
        MailMessage.enquiry_id.in_(enquiry_ids), MailMessage.outbox_message_id.is_not(None)
    )
    ids = list(db.session.scalars(carried))
    if not ids:
        return
    outbox.stop_messages(ids, outbox.not_gone(now), {"status": "cancelled", "lease_until": None})
    for start in range(0, len(ids), 1000):
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids[start : start + 1000]))
            .values(
                to_name=REMOVED_NAME,
                to_address="",
                subject=REMOVED_NAME,
                body_text="",
                body_html=None,
                headers={},
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
