"""A distribution's thousands of outbox rows: written in one statement inside the caller's unit
of work, and handed to the job queue in batches once that transaction commits (nothing is
handed over if it rolls back). A batch of ``BATCH_SIZE`` rows is one job, sent over one SMTP
connection (``outbox_batches``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event

from ..extensions import db
from ..models import OutboxMessage
from .mail import mail_configured
from .unit_of_work import in_unit_of_work

BATCH_SIZE = 50
_PENDING = "pressoffice.outbox_handover.pending"


def queue_emails(rows: Sequence[dict], send_at: datetime | None) -> list[int]:
    """Write many outbox rows (each made by ``outbox.message_values``, all due at ``send_at``)
    in one statement, inside the caller's unit of work; answers their ids, in order. They are
    handed to the queue in batches once the transaction commits."""
    assert in_unit_of_work(), "queue_emails must be called inside a @unit_of_work use case"
    if not rows:
        return []
    # One executemany INSERT, then the ids read back by the rows' unique Message-IDs (RETURNING
    # would be a statement a row on SQLite).
    db.session.execute(sa.insert(OutboxMessage.__table__), list(rows))
    wanted = [row["message_id"] for row in rows]
    by_message_id: dict[str, int] = {}
    for start in range(0, len(wanted), 1000):
        by_message_id.update(
            db.session.execute(
                sa.select(OutboxMessage.message_id, OutboxMessage.id).where(
                    OutboxMessage.message_id.in_(wanted[start : start + 1000])
                )
            ).all()
        )
    ids = [by_message_id[message_id] for message_id in wanted]
    hand_batches_after_commit(ids, send_at)
    return ids


def hand_batches_after_commit(ids: Sequence[int], due: datetime | None) -> None:
    """Queue delivery jobs for ``ids``, ``BATCH_SIZE`` rows each, at ``due`` (or at once), once
    the current transaction commits; nothing if it rolls back."""
    session = db.session()
    if not session.info.get(_PENDING + ".listening"):
        session.info[_PENDING + ".listening"] = True
        event.listen(session, "after_commit", _hand_over)
        event.listen(session, "after_soft_rollback", _forget)
    session.info.setdefault(_PENDING, []).append(
        (list(ids), due, current_app._get_current_object())
    )


def _hand_over(session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    app = pending[0][2]
    if not mail_configured(app.config):
        return  # the rows wait on the outbox page
    from ..jobs.batches import enqueue_batch

    for ids, due, _app in pending:
        for start in range(0, len(ids), BATCH_SIZE):
            try:
                enqueue_batch(ids[start : start + BATCH_SIZE], due)
            except Exception:  # noqa: BLE001 - the queue being down must not fail the change
                app.logger.exception("Could not queue a batch of outbox messages; the sweep will")


def _forget(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
