"""The outbox: every email the office sends is a row written in the same transaction as the
change that causes it, and delivered afterwards by the job queue's workers.

How to send a message (staff notifications, embargoed copies, a release sent to lists)::

    from pressoffice.services.outbox import queue_email

    @unit_of_work
    def some_use_case(...):
        ...  # lock, decide, change, record the timeline
        message = queue_email(
            kind="distribution",                # what it is: shown on the outbox page
            to_name="Jo Journalist",
            to_address="jo@example.com",
            subject="Embargoed: ...",
            text="plain-text body",
            html="<p>optional HTML alternative</p>",   # or None
            headers={"List-Unsubscribe": "<https://...>",
                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            send_at=embargo_instant,            # None: at once; never sent before it
            user_id=None,                       # the member of staff it is for, if any
            distribution_recipient_id=recipient.id,
        )
        # message.id, message.message_id (the stable Message-ID header) are set

- ``queue_email`` must be called inside a ``@unit_of_work`` (it asserts so). It adds the row
  (status ``queued``) and flushes; the job is handed to the queue only once the transaction
  commits, so a change rolled back sends nothing, and a crash after the commit loses nothing
  (the sweep queues rows left unsent).
- ``cancel_messages(ids, now=None) -> int`` cancels those not gone: queued, or left ``sending``
  by a worker whose lease has run out (a worker still within its lease is stopped before its
  next message by the rule every claim asks, ``outbox_gate``); a sent message is left as it is.
  ``reschedule_messages(ids, send_at, now=None) -> int`` moves those still queued to a new
  instant. Both are units of work of their own (or join the caller's)
  and answer how many rows they changed.
- ``progress(distribution_recipient_ids)`` counts messages by status, for a progress page.

A row's status goes ``queued -> sending -> sent``, or back to ``queued`` with ``last_error`` (the
mail server's reason) and a later ``next_attempt_at`` after a temporary refusal, or to ``failed``
after a permanent refusal (5xx) or ``OUTBOX_MAX_ATTEMPTS`` tries; ``cancelled`` when cancelled.
Without SMTP settings the rows stay queued and staff read them on the outbox page.

A row that will not be sent (cancelled, failed for good) keeps no secret, as a sent one keeps
none: the personal embargoed link and the one-click unsubscribe link in its words and headers
are taken out as it stops (``stop_messages``), so a copy of the outbox opens nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from email.utils import make_msgid
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..models import OutboxMessage, User
from .mail import mail_configured
from .unit_of_work import in_unit_of_work, unit_of_work

# Header names a caller may not set: the outbox writes these itself.
_RESERVED_HEADERS = {"from", "to", "subject", "message-id", "date", "content-type"}

_PENDING = "pressoffice.outbox.pending"
_LISTENING = "pressoffice.outbox.listening"


def queue_email(
    *,
    kind: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    send_at: datetime | None = None,
    user_id: int | None = None,
    distribution_recipient_id: int | None = None,
    sender: str | None = None,
) -> OutboxMessage:
    """Write one email to the outbox, inside the caller's unit of work; it is handed to the
    job queue once that transaction commits, and sent at ``send_at`` (never before it) or at
    once. ``sender`` sends it from another of the office's addresses than ``MAIL_FROM`` (an
    answer to a journalist comes from the press office's own address)."""
    assert in_unit_of_work(), "queue_email must be called inside a @unit_of_work use case"
    message = OutboxMessage(
        **message_values(
            kind=kind,
            to_name=to_name,
            to_address=to_address,
            subject=subject,
            text=text,
            html=html,
            headers=headers,
            send_at=send_at,
            user_id=user_id,
            distribution_recipient_id=distribution_recipient_id,
            sender=sender,
        )
    )
    db.session.add(message)
    db.session.flush()
    hand_to_queue_after_commit(message.id, message.next_attempt_at)
    return message


def message_values(
    *,
    kind: str,
    to_name: str,
    to_address: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    send_at: datetime | None = None,
    user_id: int | None = None,
    distribution_recipient_id: int | None = None,
    now: datetime | None = None,
    sender: str | None = None,
) -> dict:
    """The columns of one outbox row, checked and tidied: one-line headers the outbox does not
    set itself, an aware ``send_at``, a stable Message-ID. For ``queue_email``, and for writing
    a distribution's thousands of rows in one statement (``outbox_bulk``)."""
    if send_at is not None and send_at.tzinfo is None:
        raise ValueError("send_at must be an aware instant")
    extra = {}
    for name, value in (headers or {}).items():
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"the outbox sets the {name} header itself")
        # A header is one line: a line break would start another header.
        extra[str(name)] = " ".join(str(value).split())
    if sender:
        # Kept with the row's headers, so every attempt sends from the same address.
        extra["From"] = sender.strip()
    now = now or clock.now()
    domain = current_app.config.get("MAIL_FROM", "").rpartition("@")[2] or None
    return {
        "kind": kind[:60],
        "to_name": " ".join((to_name or "").split())[:200],
        "to_address": to_address.strip(),
        "subject": " ".join(subject.split())[:300],
        "body_text": text,
        "body_html": html,
        "headers": extra,
        "send_at": send_at,
        "status": "queued",
        "attempts": 0,
        "next_attempt_at": send_at or now,
        "message_id": make_msgid(domain=domain),
        "created_at": now,
        "user_id": user_id,
        "distribution_recipient_id": distribution_recipient_id,
    }


# Secrets a message carries that the outbox does not keep once the message has gone, or will
# never go: a personal embargoed link and a one-click unsubscribe link. As everywhere else, a
# copy of the database then opens nothing.
_SECRET_LINK = re.compile(r"(/(?:preview|unsubscribe)/)[A-Za-z0-9_-]{43}")


SENT_NOTE = "link not kept after sending"
NOT_SENT_NOTE = "link not kept: not sent"


def without_secrets(text: str, note: str = SENT_NOTE) -> str:
    """The message's words with the secret of each personal link taken out (and ``note``
    said in its place)."""
    return _SECRET_LINK.sub(lambda found: f"{found[1]}({note})", text)


def scrubbed(
    body_text: str, body_html: str | None, headers: Mapping[str, str], note: str = SENT_NOTE
) -> dict[str, Any]:
    """The columns of a row that change when its links' secrets are taken out (none if it
    holds no secret)."""
    values: dict[str, Any] = {}
    text = without_secrets(body_text, note)
    if text != body_text:
        values["body_text"] = text
    if body_html and without_secrets(body_html, note) != body_html:
        values["body_html"] = without_secrets(body_html, note)
    kept = {name: without_secrets(value, note) for name, value in (headers or {}).items()}
    if kept != dict(headers or {}):
        values["headers"] = kept
    return values


def stop_messages(ids: Iterable[int], condition, values: Mapping[str, Any]) -> list[int]:
    """Inside a unit of work: the rows among ``ids`` that meet ``condition`` (SQL) take
    ``values`` (cancelled or failed: rows that will not be sent) and lose their links'
    secrets. Answers the ids of the rows stopped."""
    ids = list(ids)
    stopped: list[int] = []
    for start in range(0, len(ids), 1000):
        rows = db.session.execute(
            sa.select(
                OutboxMessage.id,
                OutboxMessage.body_text,
                OutboxMessage.body_html,
                OutboxMessage.headers,
            )
            .where(OutboxMessage.id.in_(ids[start : start + 1000]), condition)
            .order_by(OutboxMessage.id)
            .with_for_update()
        ).all()
        if not rows:
            continue
        table = OutboxMessage.__table__
        plain = [row.id for row in rows]
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(plain))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        secret = [
            {"row_id": row.id, **changes}
            for row in rows
            if (changes := scrubbed(row.body_text, row.body_html, row.headers, NOT_SENT_NOTE))
        ]
        # One statement per shape of change (body only, headers only, both...).
        shapes: dict[tuple[str, ...], list[dict]] = {}
        for item in secret:
            shapes.setdefault(tuple(sorted(k for k in item if k != "row_id")), []).append(item)
        for columns, items in shapes.items():
            db.session.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam("row_id"))
                .values({column: sa.bindparam(column) for column in columns}),
                items,
            )
        stopped.extend(plain)
    return stopped


def not_gone(now: datetime):
    """SQL: a row that has not gone and that no worker holds: queued, or left sending by a
    worker whose lease has run out (killed, most likely)."""
    return sa.or_(
        OutboxMessage.status == "queued",
        sa.and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now),
    )


@unit_of_work
def cancel_messages(ids: Iterable[int], now: datetime | None = None) -> int:
    """Cancel the messages among ``ids`` that have not gone and that no worker holds (queued,
    or sending past its worker's lease), taking out their links' secrets; answers how many
    were cancelled. One a worker holds is refused by the next claim's rule."""
    now = clock.instant(now)
    stopped = stop_messages(ids, not_gone(now), {"status": "cancelled", "lease_until": None})
    return len(stopped)


@unit_of_work
def reschedule_messages(ids: Iterable[int], send_at: datetime, now: datetime | None = None) -> int:
    """Move the messages among ``ids`` that are still queued to ``send_at``; answers how many
    were moved. Each is handed to the queue again for that instant once the change commits."""
    if send_at.tzinfo is None:
        raise ValueError("send_at must be an aware instant")
    ids = list(ids)
    if not ids:
        return 0
    moved = list(
        db.session.scalars(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "queued")
            .values(send_at=send_at, next_attempt_at=send_at)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )
    for message_id in moved:
        hand_to_queue_after_commit(message_id, send_at)
    return len(moved)


def progress(distribution_recipient_ids: Iterable[int]) -> dict[str, int]:
    """How many of the messages for these distribution recipients are in each status."""
    ids = list(distribution_recipient_ids)
    counts = dict.fromkeys(("queued", "sending", "sent", "failed", "cancelled"), 0)
    if not ids:
        return counts
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.distribution_recipient_id.in_(ids))
        .group_by(OutboxMessage.status)
    )
    for status, count in rows:
        counts[status] = count
    return counts


def wire_headers(headers: Mapping[str, str], config: Mapping) -> tuple[str, dict[str, str]]:
    """The sender's address and the extra headers of a row as they go out: the row's own
    sender or ``MAIL_FROM``; and ``Auto-Submitted: auto-generated`` unless the row says
    otherwise (an acknowledgement is ``auto-replied``), so that no autoresponder answers
    anything the product sends (RFC 3834)."""
    extra = dict(headers or {})
    sender = extra.pop("From", None) or config["MAIL_FROM"]
    if not any(name.lower() == "auto-submitted" for name in extra):
        extra["Auto-Submitted"] = "auto-generated"
    return sender, extra


# --- reading, for the outbox page -------------------------------------------------------------


def visible_messages(viewer: User, *, limit: int = 50, before_id: int | None = None):
    """The messages a member of staff may read, newest first: an admin every one, anyone else
    those addressed to them."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if viewer.role != "admin":
        query = query.where(OutboxMessage.user_id == viewer.id)
    if before_id is not None:
        query = query.where(OutboxMessage.id < before_id)
    return list(db.session.scalars(query))


def message_for(viewer: User, message_id: int) -> OutboxMessage | None:
    """One message, if ``viewer`` may read it (None otherwise, as if it did not exist)."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    if viewer.role != "admin" and message.user_id != viewer.id:
        return None
    return message


# --- handing rows to the job queue once their transaction commits ---------------------------


# How a committed row is handed to the job queue: set by ``pressoffice.jobs`` as it loads
# (``create_app`` loads it), so that the services never import the queue.
_enqueue: Callable[[int, datetime], None] | None = None


def use_queue(enqueue: Callable[[int, datetime], None]) -> None:
    """Hand committed rows to the job queue with ``enqueue(message_id, due)``."""
    global _enqueue
    _enqueue = enqueue


def hand_to_queue_after_commit(message_id: int, due: datetime) -> None:
    """Queue the delivery job for ``message_id`` at ``due`` once the current transaction
    commits; nothing is queued if it rolls back."""
    session = db.session()
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_soft_rollback)
    session.info.setdefault(_PENDING, []).append(
        (message_id, due, current_app._get_current_object())
    )


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    app = pending[0][2]
    if not mail_configured(app.config):
        # Nothing to send with: the rows wait on the outbox page.
        return
    if _enqueue is None:
        app.logger.warning("No job queue is loaded: the sweep will send the outbox's new rows")
        return
    for message_id, due, _app in pending:
        try:
            _enqueue(message_id, due)
        except Exception:  # noqa: BLE001 - the queue being down must not fail the change
            # The row is committed; the sweep queues it again.
            app.logger.exception("Could not queue outbox message %s; the sweep will", message_id)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    # Only the outermost transaction decides: a savepoint rolled back inside it does not.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
