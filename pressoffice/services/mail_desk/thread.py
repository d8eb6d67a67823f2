"""Reading an enquiry's email thread: every message in and out, oldest first, for the enquiry
page and the API, in two queries (the messages, with their outbox rows' delivery, and their
attachments); the raw message and an attachment's file for staff to download."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import MailAttachment, MailMessage, OutboxMessage
from ...timefmt import iso_utc
from ..errors import NotFound

# Words for what became of a message, as the thread shows it.
OUTCOME_LABELS = {
    "enquiry": "Made this enquiry",
    "follow_up": "Follow-up",
    "automatic": "Automatic mail",
    "bounce": "Delivery failure report",
    "parked": "Not logged",
    "dismissed": "Dismissed",
    "own": "From the office's own address",
    "acknowledgement": "Acknowledgement",
    "answer": "Answer",
}


@dataclass(frozen=True)
class ThreadAttachment:
    """A file that came with a message."""

    id: int
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class ThreadMessage:
    """One message of the thread, with what the page and the API show of it."""

    id: int
    direction: str
    outcome: str
    message_id: str | None
    from_name: str
    from_address: str
    to: str
    cc: str
    subject: str
    text: str
    quoted_text: str
    at: datetime
    size: int
    # A message that went out and bounced: the permanent failure its bounce reported.
    delivery_failed_at: datetime | None
    delivery_error: str | None
    # A message that goes out: its outbox row's status (queued, sending, sent, failed,
    # cancelled), when the server took it, and the server's last refusal.
    delivery_status: str | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    attachments: list[ThreadAttachment] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def sender(self) -> str:
        """'Name <address>', or the address alone."""
        if self.from_name and self.from_name != self.from_address:
            return f"{self.from_name} <{self.from_address}>"
        return self.from_address


_COLUMNS = (
    MailMessage.id,
    MailMessage.direction,
    MailMessage.outcome,
    MailMessage.message_id,
    MailMessage.from_name,
    MailMessage.from_address,
    MailMessage.to_addresses,
    MailMessage.cc_addresses,
    MailMessage.subject,
    MailMessage.text,
    MailMessage.quoted_text,
    MailMessage.at,
    MailMessage.size,
    MailMessage.delivery_failed_at,
    MailMessage.delivery_error,
    OutboxMessage.status,
    OutboxMessage.sent_at,
    OutboxMessage.last_error,
)


def thread(enquiry_id: int) -> list[ThreadMessage]:
    """Every message of the enquiry, in and out, oldest first (by the instant the office
    received or sent it), each with its attachments. Two queries, whatever the length; the
    raw message is never read here."""
    rows = db.session.execute(
        sa.select(*_COLUMNS)
        .outerjoin(OutboxMessage, OutboxMessage.id == MailMessage.outbox_message_id)
        .where(MailMessage.enquiry_id == enquiry_id)
        .order_by(MailMessage.at, MailMessage.id)
    ).all()
    if not rows:
        return []
    files: dict[int, list[ThreadAttachment]] = {}
    for found in db.session.execute(
        sa.select(
            MailAttachment.message_id,
            MailAttachment.id,
            MailAttachment.filename,
            MailAttachment.content_type,
            MailAttachment.size,
        )
        .where(MailAttachment.message_id.in_([row.id for row in rows]))
        .order_by(MailAttachment.id)
    ):
        files.setdefault(found.message_id, []).append(
            ThreadAttachment(found.id, found.filename, found.content_type, found.size)
        )
    return [
        ThreadMessage(
            id=row.id,
            direction=row.direction,
            outcome=row.outcome,
            message_id=row.message_id,
            from_name=row.from_name,
            from_address=row.from_address,
            to=row.to_addresses,
            cc=row.cc_addresses,
            subject=row.subject,
            text=row.text,
            quoted_text=row.quoted_text,
            at=row.at,
            size=row.size,
            delivery_failed_at=row.delivery_failed_at,
            delivery_error=row.delivery_error,
            delivery_status=row.status,
            sent_at=row.sent_at,
            last_error=row.last_error,
            attachments=files.get(row.id, []),
        )
        for row in rows
    ]


def thread_json(messages: list[ThreadMessage]) -> list[dict[str, Any]]:
    """The thread as the API answers it (``GET /api/v1/enquiries/REF``'s ``messages``)."""
    return [
        {
            "direction": m.direction,
            "from": m.from_address,
            "to": m.to,
            "subject": m.subject,
            "at": iso_utc(m.at),
            "message_id": m.message_id,
            "text": m.text,
            "outcome": m.outcome,
            "delivery": _delivery_json(m),
            "attachments": [{"filename": a.filename, "size": a.size} for a in m.attachments],
        }
        for m in messages
    ]


def _delivery_json(message: ThreadMessage) -> dict[str, Any] | None:
    if message.direction != "out":
        return None
    return {
        "status": message.delivery_status,
        "sent_at": iso_utc(message.sent_at),
        "failed_at": iso_utc(message.delivery_failed_at),
        "error": message.delivery_error or message.last_error,
    }


def raw_message(enquiry_id: int, message_id: int) -> bytes:
    """The whole message as the office received it, for staff to download; NotFound when the
    message is not one of this enquiry's or was not kept whole."""
    raw = db.session.scalar(
        sa.select(MailMessage.raw).where(
            MailMessage.id == message_id, MailMessage.enquiry_id == enquiry_id
        )
    )
    if raw is None:
        raise NotFound("No such message on this enquiry")
    return raw


def attachment(enquiry_id: int, message_id: int, attachment_id: int) -> MailAttachment:
    """A file that came with one of the enquiry's messages; NotFound otherwise."""
    found = db.session.scalar(
        sa.select(MailAttachment)
        .join(MailMessage, MailMessage.id == MailAttachment.message_id)
        .where(
            MailAttachment.id == attachment_id,
            MailAttachment.message_id == message_id,
            MailMessage.enquiry_id == enquiry_id,
        )
    )
    if found is None:
        raise NotFound("No such file on this enquiry")
    return found
