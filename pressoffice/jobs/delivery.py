"""The tasks: deliver one outbox message (now, or at its instant), and the sweep."""

from __future__ import annotations

from datetime import UTC, datetime

from huey import crontab

from ..services import outbox
from .queue import huey, task_context


def enqueue_delivery(message_id: int, due: datetime | None) -> None:
    """Ask a worker to deliver ``message_id`` at ``due`` (a scheduled task), or at once when
    it is due already."""
    now = datetime.now(UTC)
    if due is not None and due > now:
        deliver_message.schedule(args=(message_id,), eta=due)
    else:
        deliver_message(message_id)


def _enqueue_after_commit(message_id: int, due: datetime | None) -> None:
    enqueue_delivery(message_id, due)


@huey.task()
def deliver_message(message_id: int) -> None:
    """Claim, send and record one outbox message (nothing if it is not there to take)."""
    from ..services.outbox_delivery import deliver

    with task_context():
        deliver(message_id)


def sweep_now() -> int:
    """Remind assignees of enquiries near their deadline, then hand the queue every row left
    unsent (see ``stranded_messages``); answers how many rows were handed on."""
    from ..services import notifications
    from ..services.mail import mail_configured
    from ..services.outbox_delivery import stranded_messages

    with task_context() as app:
        notifications.remind_due_enquiries()
        if not mail_configured(app.config):
            return 0
        stranded = stranded_messages()
        for message_id, due in stranded:
            enqueue_delivery(message_id, due)
        return len(stranded)


@huey.task()
def sweep_outbox() -> None:
    """The sweep, on demand (a worker runs one as it starts)."""
    sweep_now()


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox_every_minute() -> None:
    """The sweep, every minute, on every worker."""
    sweep_now()


# Rows the outbox commits are handed to this queue.
outbox.use_queue(_enqueue_after_commit)
