"""What the tests of the mail the desk sends share: an emailed enquiry made as the mail-in side
makes one, and the delivered message's headers (the SMTP sink, the job queue and the office's
settings are fixtures in conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pressoffice.extensions import db
from pressoffice.models import MailMessage
from pressoffice.services import enquiries
from pressoffice.services.mail_desk import outgoing
from pressoffice.services.unit_of_work import unit_of_work

OFFICE = "press.office@gov.example"


@unit_of_work
def emailed_enquiry(
    received_at: datetime,
    *,
    sender: str = "jo@newsroom.example",
    name: str = "Jo Reporter",
    subject: str = "Flood defence figures",
    message_id: str | None = None,
    references: str | None = None,
    automatic: bool = False,
    deadline: datetime | None = None,
):
    """A new enquiry made from an emailed message, and its acknowledgement decided, in one unit
    of work, as the mail-in side does: answers (enquiry reference, the in message's id, the
    acknowledgement's out message or None)."""
    logged = enquiries.log_enquiry(
        {
            "journalist_name": name,
            "email": sender,
            "subject": subject,
            "details": "How many homes are protected?",
            "channel": "email",
            "deadline": deadline,
        },
        now=received_at,
        received_at=received_at,
        logged_by=None,
    )
    enquiry = enquiries.get_enquiry(logged.reference)
    message_id = message_id or f"<{logged.reference.lower()}@newsroom.example>"
    message = MailMessage(
        direction="in",
        message_key=message_id.strip("<>"),
        message_id=message_id,
        references=references,
        from_name=name,
        from_address=sender,
        to_addresses=OFFICE,
        subject=subject,
        text="How many homes are protected?",
        at=received_at,
        size=100,
        enquiry_id=enquiry.id,
        outcome="enquiry",
        created_at=received_at,
    )
    db.session.add(message)
    db.session.flush()
    sent = outgoing.acknowledge(enquiry, message, automatic=automatic, now=received_at)
    return logged.reference, message.id, (sent.id if sent else None)


def out_messages(reference: str, outcome: str | None = None) -> list[MailMessage]:
    """The enquiry's out messages, oldest first, read afresh."""
    db.session.rollback()
    enquiry = enquiries.get_enquiry(reference)
    query = db.select(MailMessage).where(
        MailMessage.enquiry_id == enquiry.id, MailMessage.direction == "out"
    )
    if outcome:
        query = query.where(MailMessage.outcome == outcome)
    return list(db.session.scalars(query.order_by(MailMessage.at, MailMessage.id)))


def just_under(span: timedelta) -> timedelta:
    """The last microsecond before ``span`` is up."""
    return span - timedelta(microseconds=1)
