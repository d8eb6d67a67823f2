"""What the enquiry desk keeps of a journalist goes with the enquiry's personal data: when
retention anonymises enquiries, their messages lose the raw message, the words, the names and
addresses, and their files (the bytes are removed once the transaction commits)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from ...extensions import db
from ...models import EnquiryEvent, MailAttachment, MailMessage
from .. import attachments as files

# The timeline entries the desk writes, whose notes name the journalist.
MAIL_EVENTS = ("email_received", "follow_up", "delivery_failed", "files_not_kept")


def forget_messages(enquiry_ids) -> int:
    """Inside the caller's unit of work: clear the personal data of every message of the
    enquiries ``enquiry_ids`` (a select or a list) and remove their files; answers how many
    messages were cleared. The message keys stay, so a copy fetched again is still known."""
    of_enquiries = sa.select(MailMessage.id).where(MailMessage.enquiry_id.in_(enquiry_ids))
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
