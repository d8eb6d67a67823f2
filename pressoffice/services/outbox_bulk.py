"""Handing outbox rows to the job queue in batches once the transaction that wrote them commits
(a distribution's thousands of messages); nothing is handed over if it rolls back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask import current_app
from sqlalchemy import event

from ..extensions import db
from .mail import mail_configured

BATCH_SIZE = 50
_PENDING = "pressoffice.outbox_handover.pending"


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
