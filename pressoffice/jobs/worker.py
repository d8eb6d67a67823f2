"""Running huey consumers: ``pressoffice worker`` in the foreground, the demo's in a thread."""

from __future__ import annotations

from huey.consumer import Consumer

from .delivery import sweep_outbox
from .queue import huey, use_app

# How long an idle worker waits at most between two looks at a SQLite queue (Redis answers at
# once): a message is picked up within this of being queued.
MAX_POLL_SECONDS = 0.5


def _consumer(workers: int, cls=Consumer) -> Consumer:
    return cls(
        huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=MAX_POLL_SECONDS,
        check_worker_health=True,
    )


def run_worker(app, workers: int = 2) -> None:
    """Run a consumer with ``workers`` threads until stopped (SIGINT/SIGTERM: finish the tasks
    in hand, then stop). A sweep runs first, so a message a killed worker left is handed on."""
    use_app(app)
    sweep_outbox()
    _consumer(workers).run()


class _QuietConsumer(Consumer):
    """A consumer that leaves signals to its host (the demo's web server)."""

    def _set_signal_handlers(self):
        pass


def start_in_thread(app, workers: int = 1) -> Consumer:
    """Start a consumer beside a server in this process; ``stop()`` it when done."""
    use_app(app)
    consumer = _consumer(workers, _QuietConsumer)
    sweep_outbox()
    consumer.start()
    return consumer
