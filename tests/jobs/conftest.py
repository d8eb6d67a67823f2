"""A real SMTP server on loopback (aiosmtpd) and the job queue run in this process.

``smtp_server`` points the app's SMTP settings at a local server whose ``inbox`` keeps every
message it accepted; ``refuse_next`` makes it answer the next DATA commands with a refusal;
``hold_after(n)`` keeps every DATA after the first ``n`` waiting until ``release()`` (a message
in flight, not yet accepted); ``slow_down(seconds)`` makes the server take that long over each
DATA (a slow server), and ``in_flight`` counts the messages it has begun to take.
``run_queue()`` runs the jobs the queue holds, as a worker would.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from pressoffice.extensions import db
from pressoffice.jobs import huey, use_app
from pressoffice.jobs.queue import point_queue_at


class Inbox:
    def __init__(self):
        self.messages = []
        self.arrived_at: list[datetime] = []
        self.refusals: list[str] = []
        self.lock = threading.Lock()
        self.hold_from: int | None = None
        self.holding = 0
        self.released = threading.Event()
        self.delay = 0.0
        self.in_flight = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        with self.lock:
            if self.refusals:
                return self.refusals.pop(0)
            self.in_flight += 1
            hold = self.hold_from is not None and len(self.messages) >= self.hold_from
            if hold:
                self.holding += 1
        if hold:
            while not self.released.is_set():
                await asyncio.sleep(0.02)
            if server.transport is None or server.transport.is_closing():
                # The sender went away before the message was accepted.
                return "421 4.4.2 Connection dropped"
        if self.delay:
            await asyncio.sleep(self.delay)
            if server.transport is None or server.transport.is_closing():
                return "421 4.4.2 Connection dropped"
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
            self.arrived_at.append(datetime.now(UTC))
        return "250 Message accepted for delivery"

    def refuse_next(self, *replies: str) -> None:
        self.refusals.extend(replies)

    def hold_after(self, count: int) -> None:
        self.hold_from = count

    def slow_down(self, seconds: float) -> None:
        self.delay = seconds

    def release(self) -> None:
        self.released.set()

    @property
    def recipients(self) -> list[str]:
        return [address for rcpts, _m in self.messages for address in rcpts]

    def to(self, address: str):
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    saved = {k: app.config.get(k) for k in ("SMTP_HOST", "SMTP_PORT")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    yield inbox
    inbox.release()
    app.config.update(saved)
    controller.stop()


@pytest.fixture
def queue(app):
    """The job queue in memory, its tasks run in the test's app; ``queue.run()`` runs what it
    holds (scheduled jobs included) as a worker would, and answers how many ran."""
    point_queue_at("memory://", "pressoffice-tests")
    huey.flush()
    use_app(app)

    class Queue:
        def run(self) -> int:
            ran = 0
            while True:
                for task in huey.read_schedule(_far_future()):
                    huey.enqueue(task)
                task = huey.dequeue()
                if task is None:
                    break
                huey.execute(task)
                ran += 1
            db.session.rollback()
            return ran

        def pending(self) -> int:
            return huey.pending_count() + huey.scheduled_count()

    yield Queue()
    huey.flush()
    use_app(None)


def _far_future():
    return datetime(9999, 1, 1)
