"""The distribution tasks: write a release's messages at its embargo instant, and the sweep
for a distribution whose instant passed without its job (a worker down at the time)."""

from __future__ import annotations

from datetime import UTC, datetime

from huey import crontab

from .queue import huey, task_context


def enqueue_dispatch(distribution_id: int, due: datetime) -> None:
    """Ask a worker to write ``distribution_id``'s messages at ``due`` (or at once)."""
    if due > datetime.now(UTC):
        dispatch_distribution.schedule(args=(distribution_id,), eta=due)
    else:
        dispatch_distribution(distribution_id)


@huey.task()
def dispatch_distribution(distribution_id: int) -> None:
    """Write the distribution's messages if its release is public now (see the service)."""
    from ..services.distribution_dispatch import dispatch_distribution as dispatch

    with task_context():
        outcome, later = dispatch(distribution_id)
    if outcome == "waiting" and later is not None and later > datetime.now(UTC):
        # Too early (the embargo was moved later): ask again at the new instant. Moving the
        # embargo queues a job for the new instant too; the second to run finds nothing to do.
        enqueue_dispatch(distribution_id, later)


def sweep_distributions_now() -> int:
    """Hand the queue every distribution due and not yet written; answers how many."""
    from ..services.distribution_dispatch import due_distributions

    with task_context():
        due = due_distributions()
    for distribution_id, send_at in due:
        enqueue_dispatch(distribution_id, send_at)
    return len(due)


@huey.periodic_task(crontab(minute="*"))
def sweep_distributions_every_minute() -> None:
    """The distribution sweep, every minute."""
    sweep_distributions_now()
