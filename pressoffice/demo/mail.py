"""Demo mail: the enquiry desk by email as a first look should find it. A journalist's email
acknowledged, answered by email and followed up in the same thread (so it needs attention
again), another that came in overnight for the duty officer, an out-of-office reply that made
nothing, and a message too broken to log, waiting on "Mail not logged"."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import MailMessage, OutboxMessage, User
from ..services import enquiries
from ..services.mail_desk.ingest import ingest


def _mail(sender, subject, body, at, *, reply_to_key=None, headers=None, number=0) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "press.office@example.org"
    message["Subject"] = subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = f"<demo{number}.{int(at.timestamp())}@newsroom.example>"
    if reply_to_key:
        message["In-Reply-To"] = f"<{reply_to_key}>"
        message["References"] = f"<{reply_to_key}>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def seed_mail(now: datetime, users: dict[str, User]) -> None:
    """Four messages in, through the same ingest as the office's mailbox, and one answer out."""
    officer = users.get("officer@example.org") or next(iter(users.values()))

    asked_at = now - timedelta(hours=3)
    first = ingest(
        _mail(
            "Priya Shah <priya.shah@bbc.example>",
            "Flood defence spending: regional figures",
            "Hello,\n\nCould you confirm how much of the £40m for flood defences has been spent "
            "in the North West so far, and when the rest is due?\n\nI'm filing at 6pm.\n\n"
            "Thanks,\nPriya Shah\nBBC News",
            asked_at,
            number=1,
        ),
        received_at=asked_at,
        now=asked_at,
    )
    if first.reference:
        answered_at = asked_at + timedelta(minutes=50)
        enquiries.respond(
            first.reference,
            "Hello Priya,\n\n£14.2m of the £40m has been spent in the North West so far; the "
            "rest is committed to schemes starting by March.\n\nThe press office",
            actor=officer,
            now=answered_at,
        )
        ours = db.session.scalar(
            sa.select(MailMessage.message_key)
            .where(MailMessage.direction == "out", MailMessage.outcome == "answer")
            .order_by(MailMessage.id.desc())
        )
        followed_at = answered_at + timedelta(minutes=35)
        ingest(
            _mail(
                "Priya Shah <priya.shah@bbc.example>",
                f"Re: Flood defence spending: regional figures [{first.reference}]",
                "Thanks. Is the £14.2m the spend to the end of October or to date?\n\n"
                "> £14.2m of the £40m has been spent in the North West so far",
                followed_at,
                reply_to_key=ours,
                number=2,
            ),
            received_at=followed_at,
            now=followed_at,
        )

    overnight = now - timedelta(hours=14)
    ingest(
        _mail(
            "Tom Hughes <tom.hughes@guardian.example>",
            "Prison inspection report",
            "When will the full inspection report be published, and will the minister comment?",
            overnight,
            number=3,
        ),
        received_at=overnight,
        now=overnight,
    )

    away = now - timedelta(hours=2)
    ingest(
        _mail(
            "Chloe Martin <chloe.martin@ft.example>",
            "Automatic reply: Flood defence spending",
            "I am out of the office until Monday.",
            away,
            headers={"Auto-Submitted": "auto-replied"},
            number=4,
        ),
        received_at=away,
        now=away,
    )

    broken_at = now - timedelta(hours=1)
    ingest(
        b"To: press.office@example.org\r\nSubject: figures\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nno boundary, no sender\r\n",
        received_at=broken_at,
        now=broken_at,
    )
    _told_in_the_past()


def _told_in_the_past() -> None:
    """The demo's acknowledgements and answer went out in the past, as the story has it: they
    are recorded as sent when written, so no journalist of the demo is ever mailed, even once a
    mail server is configured."""
    demo_rows = sa.select(MailMessage.outbox_message_id).where(
        MailMessage.direction == "out", MailMessage.outbox_message_id.is_not(None)
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(demo_rows), OutboxMessage.status == "queued")
        .values(status="sent", sent_at=OutboxMessage.created_at, lease_until=None)
    )
    db.session.commit()
