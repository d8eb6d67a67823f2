"""The batch delivery task: a distribution's messages, fifty at a time over one connection."""

from __future__ import annotations

from datetime import UTC, datetime

from .queue import huey, task_context


def enqueue_batch(ids: list[int], due: datetime | None) -> None:
    """Ask a worker to deliver the rows ``ids`` at ``due`` (a scheduled job) or at once."""
    if due is not None and due > datetime.now(UTC):
        deliver_batch.schedule(args=(ids,), eta=due)
    else:
        deliver_batch(ids)


@huey.task()
def deliver_batch(ids: list[int]) -> None:
    """Claim, send and record the rows of a batch that are due."""
    from ..services.outbox_batches import deliver_batch as deliver

    with task_context():
        _counts, again = deliver(ids)
    now = datetime.now(UTC)
    by_instant: dict[datetime, list[int]] = {}
    for message_id, due in again:
        # Refused for now, or run a moment before its instant: again then, rather than at the
        # next sweep. (An instant already passed by the clock here is left to the sweep.)
        if due is not None and due.replace(tzinfo=due.tzinfo or UTC) > now:
            by_instant.setdefault(due, []).append(message_id)
    for due, message_ids in by_instant.items():
        enqueue_batch(message_ids, due)
