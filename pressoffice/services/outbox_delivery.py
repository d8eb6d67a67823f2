"""Delivering one outbox row: claim it, send it by SMTP, record what the server said.

Each step that writes is its own short unit of work, and the SMTP conversation happens between
them, outside any transaction:

1. ``claim_message`` turns the row from ``queued`` (and due) into ``sending`` with a lease, in one
   conditional update, so two workers handed the same row never both send it;
2. ``transmit`` speaks SMTP with the settings in ``config.py`` (``SMTP_HOST`` ...);
3. ``mark_sent`` or ``mark_refused`` records the outcome (only if the claim is still this
   worker's): sent, queued again later with the server's reason (a temporary refusal, with a
   backoff that doubles), or failed (a permanent refusal, or the last attempt).

A distribution's message is taken only if it may still go at that instant (``outbox_gate``):
whatever the office took back meanwhile (a release withdrawn, a distribution cancelled, a
contact marked do not contact) is cancelled at the claim instead, on every path, a row taken
back from a killed worker's lease included.

Each row is sent at most once in normal operation. The one window: a worker killed after the
server accepted a message and before step 3 committed leaves the row ``sending``; when its lease
ends the sweep hands it on and it is sent again. The repeat carries the same Message-ID, so a
mail system (or a reader) recognises it as the same message.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .. import clock
from ..extensions import db
from ..models import OutboxMessage
from . import outbox_gate
from .mail import smtp_session
from .outbox import NOT_SENT_NOTE, hand_to_queue_after_commit, scrubbed, wire_headers
from .unit_of_work import unit_of_work

# The longest wait between two tries, however many there have been.
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class Claimed:
    """What a worker needs to send a claimed row, read inside the claim's transaction."""

    id: int
    attempt: int
    to_name: str
    to_address: str
    subject: str
    body_text: str
    body_html: str | None
    headers: dict[str, str]
    message_id: str

    @classmethod
    def of(cls, row: OutboxMessage) -> Claimed:
        """What a worker needs of a row it has just claimed."""
        return cls(
            id=row.id,
            attempt=row.attempts,
            to_name=row.to_name,
            to_address=row.to_address,
            subject=row.subject,
            body_text=row.body_text,
            body_html=row.body_html,
            headers=dict(row.headers or {}),
            message_id=row.message_id,
        )


@dataclass(frozen=True)
class Refusal:
    """Why a message did not go: the server's code and words, or the connection's failure."""

    reason: str
    permanent: bool


def backoff(attempt: int, base_seconds: int) -> timedelta:
    """The wait after the ``attempt``-th try failed: the base, doubled for each try since."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempt - 1, 0)), MAX_BACKOFF)


def due_for_sending(now: datetime):
    """SQL: a row a worker may take now: queued and due, or sending past its worker's lease."""
    return sa.or_(
        sa.and_(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )


def sent_values(claim: Claimed, now: datetime) -> dict[str, Any]:
    """What a row becomes once the server accepted it: sent, without its links' secrets."""
    values: dict[str, Any] = {"status": "sent", "sent_at": now, "lease_until": None}
    return values | scrubbed(claim.body_text, claim.body_html, claim.headers)


def failed_values(claim: Claimed, reason: str) -> dict[str, Any]:
    """What a row becomes once it will never be sent (refused for good, or tried the most
    times): failed, with the server's reason, without its links' secrets."""
    values: dict[str, Any] = {"status": "failed", "last_error": reason[:2000], "lease_until": None}
    return values | scrubbed(claim.body_text, claim.body_html, claim.headers, NOT_SENT_NOTE)


@unit_of_work
def claim_message(message_id: int, now: datetime | None = None) -> Claimed | None:
    """Take the row for sending: a queued row that is due, or a sending row whose worker's
    lease has run out, if it may still go now (``outbox_gate``: a distribution's message the
    office has taken back is cancelled instead, one that must wait is queued for its instant).
    None when it is not there to take (sent, cancelled, not yet due, or another worker holds
    it)."""
    now = clock.instant(now)
    held = outbox_gate.hold_back([message_id], due_for_sending(now), now)
    for waiting, until in held.waiting:
        hand_to_queue_after_commit(waiting, until)
    lease = now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    taken = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, due_for_sending(now))
        .values(status="sending", lease_until=lease, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    return Claimed.of(db.session.get(OutboxMessage, message_id, populate_existing=True))


def still_ours(message_id: int, attempt: int):
    """SQL: the row is still held by the claim that took it (for this attempt)."""
    return sa.and_(
        OutboxMessage.id == message_id,
        OutboxMessage.status == "sending",
        OutboxMessage.attempts == attempt,
    )


@unit_of_work
def mark_sent(claim: Claimed, now: datetime | None = None) -> bool:
    """Record that the server accepted the message. False if the claim had passed to another
    worker meanwhile (its lease ran out)."""
    now = clock.instant(now)
    done = db.session.execute(
        sa.update(OutboxMessage)
        .where(still_ours(claim.id, claim.attempt))
        .values(**sent_values(claim, now))
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


@unit_of_work
def mark_refused(claim: Claimed, refusal: Refusal, now: datetime | None = None) -> str | None:
    """Record the server's reason; queue the message again after a backoff, unless the
    refusal was permanent or this was the last attempt (then it has failed). Answers the new
    status, or None if the claim was no longer this worker's."""
    now = clock.instant(now)
    config = current_app.config
    final = refusal.permanent or claim.attempt >= config["OUTBOX_MAX_ATTEMPTS"]
    values: dict[str, Any]
    if final:
        values = failed_values(claim, refusal.reason)
    else:
        values = {"status": "queued", "last_error": refusal.reason[:2000], "lease_until": None}
        values["next_attempt_at"] = now + backoff(claim.attempt, config["OUTBOX_RETRY_SECONDS"])
    done = db.session.execute(
        sa.update(OutboxMessage)
        .where(still_ours(claim.id, claim.attempt))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return None
    if not final:
        hand_to_queue_after_commit(claim.id, values["next_attempt_at"])
    return values["status"]


def compose(claim: Claimed, config: Mapping[str, Any], now: datetime) -> EmailMessage:
    """The email for a claimed row: plain text, with the HTML as an alternative when there is
    one, the row's stable Message-ID and its extra headers."""
    message = EmailMessage()
    sender, headers = wire_headers(claim.headers, config)
    message["From"] = formataddr((config.get("PRESS_OFFICE_NAME") or "Press office", sender))
    message["To"] = formataddr((claim.to_name, claim.to_address))
    message["Subject"] = claim.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = claim.message_id
    for name, value in headers.items():
        message[name] = value
    message.set_content(claim.body_text)
    if claim.body_html:
        message.add_alternative(claim.body_html, subtype="html")
    return message


def transmit(message: EmailMessage, config: Mapping[str, Any]) -> Refusal | None:
    """Hand the message to the SMTP server. None once the server accepted it; otherwise the
    refusal with the server's own code and words (5xx: permanent)."""
    try:
        with smtp_session(config) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as problem:
        code, words = next(iter(problem.recipients.values()))
        return Refusal(_said(code, words), permanent=code >= 500)
    except smtplib.SMTPResponseException as problem:
        return Refusal(_said(problem.smtp_code, problem.smtp_error), problem.smtp_code >= 500)
    except (OSError, smtplib.SMTPException) as problem:
        return Refusal(f"Could not reach the mail server: {problem}", permanent=False)
    return None


def _said(code: int, words: bytes | str) -> str:
    if isinstance(words, bytes):
        words = words.decode("utf-8", "replace")
    return f"{code} {words}".strip()


def deliver(message_id: int) -> str | None:
    """Claim, send and record one message; answers its new status, or None when it was not
    there to take. Needs an application context (the worker's)."""
    claim = claim_message(message_id)
    if claim is None:
        return None
    config = current_app.config
    refusal = transmit(compose(claim, config, clock.now()), config)
    if refusal is None:
        mark_sent(claim)
        return "sent"
    current_app.logger.warning("Outbox message %s refused: %s", message_id, refusal.reason)
    return mark_refused(claim, refusal)


def stranded_messages(now: datetime | None = None, limit: int = 5000) -> list[tuple[int, datetime]]:
    """The rows the sweep hands to the queue again, with the instant each is due: queued and
    overdue by more than ``OUTBOX_SWEEP_GRACE_SECONDS`` (their job was lost), and sending
    (their worker may have died: due when the lease runs out)."""
    now = clock.instant(now)
    grace = timedelta(seconds=current_app.config["OUTBOX_SWEEP_GRACE_SECONDS"])
    queued = db.session.execute(
        sa.select(OutboxMessage.id, OutboxMessage.next_attempt_at)
        .where(OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now - grace)
        .order_by(OutboxMessage.next_attempt_at)
        .limit(limit)
    ).all()
    sending = db.session.execute(
        sa.select(OutboxMessage.id, OutboxMessage.lease_until)
        .where(OutboxMessage.status == "sending")
        .limit(limit)
    ).all()
    db.session.rollback()
    return [(row[0], row[1]) for row in queued] + [
        (row[0], (row[1] or now) + timedelta(seconds=1)) for row in sending
    ]
