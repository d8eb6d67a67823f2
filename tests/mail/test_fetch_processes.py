"""Real ``pressoffice mail fetch`` and ``pressoffice worker`` processes against a real Dovecot
and the test database: two fetches at once double nothing, a fetch killed with SIGKILL half way
and run again loses nothing and doubles nothing, and a worker watching with IDLE takes a message
in long before its next poll."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

import pressoffice
from pressoffice.extensions import db
from pressoffice.models import Enquiry, Mailbox, MailMessage

from .messages import journalist_mail

ROOT = Path(pressoffice.__file__).resolve().parent.parent


def _env(app, mailbox, tmp_path, **extra) -> dict[str, str]:
    return {
        **os.environ,
        "PRESSOFFICE_ENV": "testing",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ATTACHMENT_DIR": str(tmp_path / "files"),
        "JOBS_URL": "memory://",
        "MAIL_IN_URL": mailbox.url,
        **extra,
    }


def _command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from pressoffice.cli import main; main()", *args]


def _counts() -> tuple[int, int, int]:
    """(enquiries, messages in, distinct keys in)"""
    db.session.rollback()
    enquiries = db.session.scalar(sa.select(sa.func.count()).select_from(Enquiry))
    messages = db.session.scalar(
        sa.select(sa.func.count()).select_from(MailMessage).where(MailMessage.direction == "in")
    )
    keys = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(MailMessage.message_key))).where(
            MailMessage.direction == "in"
        )
    )
    db.session.rollback()
    return enquiries, messages, keys


def _mailbox_read() -> bool:
    db.session.rollback()
    read = db.session.scalar(sa.select(Mailbox.last_fetch_at)) is not None
    db.session.rollback()
    return read


def _fill(mailbox, count: int) -> None:
    arrived = datetime.now(UTC) - timedelta(minutes=5)
    for n in range(count):
        mailbox.append(journalist_mail(f"Question {n}", subject=f"Question {n}"), arrived)


def _new_enquiries(output: str) -> int:
    match = re.search(r"(\d+) new enquir", output)
    assert match, output
    return int(match.group(1))


def test_two_fetches_at_once_make_each_enquiry_once(app_ctx, mailbox, tmp_path):
    _fill(mailbox, 60)
    env = _env(app_ctx, mailbox, tmp_path)
    runs = [
        subprocess.Popen(  # noqa: S603
            _command("mail", "fetch"), env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=180)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert _counts() == (60, 60, 60)  # 0 doubled, 0 lost
    assert sum(_new_enquiries(output) for output in outputs) == 60


def test_a_fetch_killed_half_way_and_run_again_loses_and_doubles_nothing(
    app_ctx, mailbox, tmp_path
):
    _fill(mailbox, 150)
    env = _env(app_ctx, mailbox, tmp_path)
    run = subprocess.Popen(  # noqa: S603
        _command("mail", "fetch"), env=env, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while _counts()[0] < 20 and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.02)
    run.send_signal(signal.SIGKILL)
    run.wait(10)
    taken_before = _counts()[0]
    assert 0 < taken_before < 150, "the fetch was not stopped half way"
    again = subprocess.run(  # noqa: S603
        _command("mail", "fetch"), env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert again.returncode == 0, again.stderr
    assert _counts() == (150, 150, 150)  # 0 doubled, 0 lost
    assert _new_enquiries(again.stdout) == 150 - taken_before


def test_a_worker_watching_with_idle_takes_mail_in_long_before_its_next_poll(
    app_ctx, mailbox, tmp_path
):
    # A poll of ten minutes: only IDLE can bring the message in quickly.
    env = _env(app_ctx, mailbox, tmp_path, MAIL_IN_POLL_SECONDS="600")
    worker = subprocess.Popen(  # noqa: S603
        _command("worker", "--workers", "1"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Its first pass done (the mailbox's row says when it last read it), it is idling.
        deadline = time.monotonic() + 60
        while not _mailbox_read() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        appended = time.monotonic()
        mailbox.append(journalist_mail(), datetime.now(UTC))
        # Well before the next poll (ten minutes away), so only IDLE can have woken it; how
        # quickly it does on a quiet machine is measured by benchmarks/mail_in.py, not asserted
        # here, where a busy machine would make a timing flaky.
        while _counts()[0] < 1 and time.monotonic() - appended < 120:
            time.sleep(0.05)
        assert _counts()[0] == 1, "the worker did not take the message in before its next poll"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)


def test_a_worker_killed_mid_pass_and_started_again_loses_and_doubles_nothing(
    app_ctx, mailbox, tmp_path
):
    _fill(mailbox, 120)
    env = _env(app_ctx, mailbox, tmp_path, MAIL_IN_POLL_SECONDS="1")

    def start():
        return subprocess.Popen(  # noqa: S603
            _command("worker", "--workers", "1"),
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    worker = start()
    deadline = time.monotonic() + 120
    while _counts()[0] < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    killed_at = _counts()[0]
    assert 0 < killed_at < 120, "the worker was not stopped mid-pass"
    worker = start()
    try:
        while _counts()[0] < 120 and time.monotonic() < deadline + 60:
            time.sleep(0.1)
        time.sleep(1.5)  # a further look finds nothing more to take
        assert _counts() == (120, 120, 120)  # 0 doubled, 0 lost
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
