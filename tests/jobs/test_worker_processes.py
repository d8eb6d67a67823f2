"""Real ``pressoffice worker`` processes against the test database and a real SMTP server:
killed with SIGKILL in the middle of a batch and started again, every message arrives once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import pressoffice
from pressoffice.extensions import db
from pressoffice.jobs import huey
from pressoffice.jobs.queue import QUEUE_NAME, point_queue_at
from pressoffice.models import OutboxMessage
from pressoffice.services import outbox
from pressoffice.services.unit_of_work import unit_of_work

ROOT = Path(pressoffice.__file__).resolve().parent.parent
REDIS_URL = os.environ.get("PRESSOFFICE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LEASE_SECONDS = 2


@unit_of_work
def _queue(count: int, send_at: datetime | None = None) -> list[int]:
    return [
        outbox.queue_email(
            kind="test",
            to_name=f"Reader {n}",
            to_address=f"reader{n}@example.com",
            subject=f"Message {n}",
            text=f"Hello {n}",
            send_at=send_at,
        ).id
        for n in range(count)
    ]


def _statuses() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
    )
    return dict(rows.all())


def _message_ids() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(sa.select(OutboxMessage.message_id)))


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Workers:
    """Starts ``pressoffice worker`` processes on one queue; kills what is left at the end."""

    def __init__(self, app, smtp_port: int, jobs_url: str, queue_name: str, tmp_path: Path):
        self.env = {
            **os.environ,
            "PRESSOFFICE_ENV": "testing",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "ATTACHMENT_DIR": str(tmp_path / "files"),
            "JOBS_URL": jobs_url,
            "JOBS_QUEUE": queue_name,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
            "OUTBOX_SWEEP_GRACE_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, threads: int = 2) -> subprocess.Popen:
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from pressoffice.cli import main; main()",
                "worker",
                "--workers",
                str(threads),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def wait_until_started(self, timeout: float = 30) -> None:
        """Until every worker has built its app and is about to consume (it says so)."""
        _wait_for(
            lambda: self.logs().count("Queue: ") >= len(self.processes), timeout, "workers up"
        )

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.tmp_path.glob("worker-*.log")))


@pytest.fixture
def sqlite_queue(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    point_queue_at(url, QUEUE_NAME)
    yield url, QUEUE_NAME
    point_queue_at("memory://", "pressoffice-tests")


@pytest.fixture
def redis_queue(app):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS_URL} (set PRESSOFFICE_TEST_REDIS_URL): none answered")
    name = f"pressoffice-test-{uuid.uuid4().hex[:12]}"
    point_queue_at(REDIS_URL, name)
    yield REDIS_URL, name
    huey.flush()
    point_queue_at("memory://", "pressoffice-tests")


def _kill_mid_batch_and_restart(app, smtp_server, tmp_path, jobs, processes: int) -> None:
    url, name = jobs
    workers = Workers(app, smtp_server.port, url, name, tmp_path)
    threads = 2
    count = 40
    # Past the 12th message every message is held in flight, not yet accepted, so that the
    # kill lands while each of the victim's threads has one in hand.
    smtp_server.hold_after(12)
    try:
        with app.app_context():
            _queue(count)
            started = [workers.start(threads) for _ in range(processes)]
            _wait_for(lambda: smtp_server.holding >= threads * processes, 30, "messages in flight")
            victim = started[0]
            workers.kill(victim)
            assert _statuses().get("sending", 0) >= threads
            smtp_server.release()
            workers.start(threads)
            _wait_for(lambda: _statuses() == {"sent": count}, 40, "every message sent")
            expected = _message_ids()
    except AssertionError:
        print(workers.logs())
        raise
    finally:
        smtp_server.release()
        workers.stop_all()
    arrived = [message["Message-ID"] for _rcpts, message in smtp_server.messages]
    assert len(arrived) == count, "a message arrived twice, or not at all"
    assert set(arrived) == expected


def test_a_worker_killed_mid_batch_then_restarted_delivers_every_message_exactly_once(
    app, smtp_server, sqlite_queue, tmp_path
):
    _kill_mid_batch_and_restart(app, smtp_server, tmp_path, sqlite_queue, processes=1)


def test_two_workers_on_redis_one_killed_mid_batch_deliver_every_message_exactly_once(
    app, smtp_server, redis_queue, tmp_path
):
    _kill_mid_batch_and_restart(app, smtp_server, tmp_path, redis_queue, processes=2)


def test_a_message_due_at_an_instant_arrives_from_a_worker_at_that_instant_not_before(
    app, smtp_server, sqlite_queue, tmp_path
):
    url, name = sqlite_queue
    workers = Workers(app, smtp_server.port, url, name, tmp_path)
    try:
        with app.app_context():
            workers.start(1)
            workers.wait_until_started()
            at = datetime.now(UTC) + timedelta(seconds=2)
            _queue(3, send_at=at)
            _wait_for(lambda: _statuses() == {"sent": 3}, 30, "the messages at their instant")
    finally:
        workers.stop_all()
    delays = [(moment - at).total_seconds() for moment in smtp_server.arrived_at]
    assert len(delays) == 3
    # Never before the instant; soon after it (the scheduler looks every second), with room
    # for a machine busy with other work.
    assert all(0 <= delay < 5 for delay in delays), delays


def test_a_worker_killed_mid_distribution_batch_then_restarted_sends_each_contact_one_message(
    app, smtp_server, sqlite_queue, tmp_path
):
    """A distribution goes in batches over one connection, each message recorded as the server
    accepts it: a worker killed with a message in flight leaves only that one to send again."""
    from pressoffice.services import distributions, notifications
    from tests.factories import create_release, make_user
    from tests.services.test_distributions import make_list

    url, name = sqlite_queue
    workers = Workers(app, smtp_server.port, url, name, tmp_path)
    workers.env["OUTBOX_BATCH_SECONDS_PER_MESSAGE"] = "0"
    count = 40
    try:
        with app.app_context():
            officer = make_user(role="officer")
            notifications.set_email_choices(officer, [])
            people = [(f"Reporter {n}", f"reporter{n}@media.example", False) for n in range(count)]
            media_list = make_list("Everyone", people)
            release = create_release(state="published", author=officer)
            huey.flush()  # the staff's notifications of it are not what this is about
            smtp_server.hold_after(12)
            distributions.create_distribution(
                release.id, actor=officer, list_ids=[media_list], kind="on_publication"
            )
            victim = workers.start(1)
            _wait_for(lambda: smtp_server.holding >= 1, 30, "a message in flight")
            workers.kill(victim)
            smtp_server.release()
            workers.start(2)
            media = lambda: sorted(  # noqa: E731
                a for a in smtp_server.recipients if a.endswith("@media.example")
            )
            _wait_for(lambda: len(set(media())) == count, 40, "every contact's message")
            time.sleep(1)  # a message sent twice would arrive by now
    except AssertionError:
        print(workers.logs())
        raise
    finally:
        smtp_server.release()
        workers.stop_all()
    assert media() == sorted(address for _name, address, _dnc in people)


def _media_rows() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.kind == "distribution")
        .group_by(OutboxMessage.status)
    )
    return dict(rows.all())


def test_a_release_withdrawn_while_a_killed_worker_held_its_batch_is_never_mailed(
    app, smtp_server, sqlite_queue, tmp_path
):
    """A release sent to a list; the one worker takes the batch and the mail server is slow;
    the worker is killed with SIGKILL holding it; the release is withdrawn; a worker started
    again takes the batch back once its lease has run out. Nothing of the withdrawn release
    reaches anyone."""
    from pressoffice.services import distributions, notifications, releases
    from tests.factories import create_release, make_user
    from tests.services.test_distributions import make_list

    url, name = sqlite_queue
    workers = Workers(app, smtp_server.port, url, name, tmp_path)
    workers.env["OUTBOX_BATCH_SECONDS_PER_MESSAGE"] = "1"  # a lease of 2 + 3 x 1 seconds
    people = [(f"Reporter {n}", f"reporter{n}@media.example", False) for n in range(3)]
    try:
        with app.app_context():
            officer = make_user(role="officer")
            approver = make_user(role="approver")
            for person in (officer, approver):
                notifications.set_email_choices(person, [])
            media_list = make_list("Crime", people)
            release = create_release(state="published", author=officer, approver=approver)
            huey.flush()  # the staff's notifications of it are not what this is about
            smtp_server.slow_down(2)
            made = distributions.create_distribution(
                release.id, actor=officer, list_ids=[media_list], kind="on_publication"
            )
            victim = workers.start(1)
            _wait_for(lambda: smtp_server.in_flight >= 1, 30, "the batch in the worker's hands")
            assert _media_rows() == {"sending": 3}
            workers.kill(victim)
            withdrawn_at = datetime.now(UTC)
            releases.withdraw_release(release.id, actor=approver, reason="The figures were wrong")
            progress = distributions.distribution_progress(release.id, made.id)
            assert progress.status == "cancelled"
            workers.start(1)
            _wait_for(
                lambda: not {"queued", "sending"} & set(_media_rows()), 40, "the batch settled"
            )
            rows = _media_rows()
    except AssertionError:
        print(workers.logs())
        raise
    finally:
        smtp_server.release()
        workers.stop_all()
    after = [
        at
        for at, (rcpts, _m) in zip(smtp_server.arrived_at, smtp_server.messages, strict=True)
        if at >= withdrawn_at and any(a.endswith("@media.example") for a in rcpts)
    ]
    print(f"messages of the withdrawn release delivered after the withdrawal: {len(after)}")
    assert len(after) == 0
    assert rows == {"cancelled": 3}
