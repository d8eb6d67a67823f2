"""The enquiry desk by email, measured against a real Dovecot: how soon a message is an enquiry,
how fast a mailbox is read, and that nothing is doubled, lost or looped.

    python -m benchmarks.mail_in                       # SQLite, 2,000 messages
    python -m benchmarks.mail_in --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python -m benchmarks.mail_in --messages 500 --samples 5

What it does, in order (Dovecot from Debian, ``dovecot-imapd``, run as root on loopback ports
in a temporary folder; a scratch database built through the migrations):

1. latency: a ``pressoffice worker`` watches the mailbox; each sample APPENDs one message and
   asks ``GET /api/v1/enquiries?q=...`` (the app served in this process) every 20 ms until the
   enquiry is there. Once with IDLE (poll set to 600 s, so only IDLE can be quick) and once
   against a Dovecot that does not offer IDLE (``--poll`` seconds between looks);
2. throughput: ``--messages`` messages APPENDed, then one ``pressoffice mail fetch`` timed;
3. duplicates: ``--duplicates`` messages each APPENDed twice and once more as delivered to a
   second office address, then two ``pressoffice mail fetch`` at once;
4. loops: auto-replies, bulk and list mail, bounces and the office's own mail: enquiries and
   messages sent for them (must be none);
5. crash: ``--crash`` messages, a ``pressoffice mail fetch`` killed with SIGKILL once a fifth
   are in, then run again: doubled and lost (must be none).

The figures print as a table and go to ``benchmarks/results/mail-in-<database>-<date>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time as timer
import urllib.request
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from benchmarks.web import ROOT, _commit, free_port, scratch_database

USER = "press@example.org"
# The benchmark's throwaway mailbox only.
PASSWORD = secrets.token_urlsafe(12)
TEMPLATE = ROOT / "tests" / "mail" / "dovecot.conf.in"
NO_IDLE = "imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE UIDPLUS MOVE\n"


class Dovecot:
    """A Dovecot on a free loopback port in a temporary folder (``idle=False``: without IDLE)."""

    def __init__(self, idle: bool = True):
        self.folder = Path(tempfile.mkdtemp(prefix="pressoffice-bench-dovecot-"))
        self.folder.chmod(0o755)
        for name in ("run", "state", "mail", "home"):
            (self.folder / name).mkdir()
        shutil.chown(self.folder / "mail", "dovecot", "dovecot")
        shutil.chown(self.folder / "home", "dovecot", "dovecot")
        (self.folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.port = free_port()
        config = TEMPLATE.read_text().replace("@DIR@", str(self.folder))
        config = config.replace("@PORT@", str(self.port)) + ("" if idle else NO_IDLE)
        (self.folder / "dovecot.conf").write_text(config)
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "-F", "-c", str(self.folder / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = timer.monotonic() + 20
        while timer.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    break
            timer.sleep(0.05)
        self.client = self.connect()

    @property
    def url(self) -> str:
        return (
            f"imap://{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{self.port}/INBOX"
        )

    def connect(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=60)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, at: datetime | None = None) -> None:
        self.client.append("INBOX", raw, msg_time=at or datetime.now(UTC))

    def stop(self) -> None:
        try:
            self.client.logout()
        except Exception:  # noqa: BLE001, S110 - stopping anyway
            pass
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


def message(n: int, tag: str, headers: dict[str, str] | None = None, **kw) -> bytes:
    mail = EmailMessage()
    mail["From"] = kw.get("sender", f"Reporter {n} <reporter{n}.{tag}@paper.example>")
    mail["To"] = "press.office@example.org"
    mail["Subject"] = kw.get("subject", f"Question {tag} {n}")
    mail["Date"] = "Tue, 29 Nov 2016 10:00:00 +0000"
    mail["Message-ID"] = f"<{tag}.{n}.{secrets.token_hex(4)}@paper.example>"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(f"Could you say more about item {n}?\n\nThanks,\nReporter {n}\n")
    return mail.as_bytes()


def bounce(n: int) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.paper.example\r\nTo: press.office@example.org\r\n"
        f"Subject: Undelivered\r\nMessage-ID: <bounce.{n}.{secrets.token_hex(4)}@mx>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; "
        'boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--B\r\n'
        "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        "Final-Recipient: rfc822; x@paper.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B--\r\n"
    ).encode()


# --- the app and its database ----------------------------------------------------------------


class Desk:
    """The app on a scratch database: served in a thread for the API, counted directly."""

    def __init__(self, url: str, folder: Path):
        import logging

        from flask_migrate import upgrade
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        from pressoffice import create_app
        from pressoffice.extensions import db
        from pressoffice.services import accounts

        self.url = url
        self.folder = folder
        self.app = create_app(
            "development",
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "ATTACHMENT_DIR": str(folder / "files"),
                "RATELIMIT_ENABLED": False,
            },
        )
        with self.app.app_context():
            upgrade()
            user = accounts.create_user(
                email="bench@example.org",
                name="Bench Officer",
                role="officer",
                password=PASSWORD,
                now=datetime.now(UTC),
            )
            _row, self.token = accounts.create_token(user, datetime.now(UTC))
            db.session.remove()
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def visible(self, text: str) -> bool:
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"http://127.0.0.1:{self.port}/api/v1/enquiries?q={quote(text)}",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return bool(json.load(answer)["items"])

    def counts(self) -> dict[str, int]:
        import sqlalchemy as sa

        from pressoffice.extensions import db
        from pressoffice.models import Enquiry, MailMessage

        with self.app.app_context():
            one = db.session.scalar
            count = sa.func.count()
            result = {
                "enquiries": one(sa.select(count).select_from(Enquiry)),
                "in": one(
                    sa.select(count).select_from(MailMessage).where(MailMessage.direction == "in")
                ),
                "out": one(
                    sa.select(count).select_from(MailMessage).where(MailMessage.direction == "out")
                ),
            }
            db.session.remove()
        return result

    def env(self, mailbox: Dovecot, **extra) -> dict[str, str]:
        return {
            **os.environ,
            "PRESSOFFICE_ENV": "development",
            "DATABASE_URL": self.url,
            "ATTACHMENT_DIR": str(self.folder / "files"),
            "JOBS_URL": f"sqlite:///{self.folder / 'jobs.sqlite3'}",
            "MAIL_IN_URL": mailbox.url,
            **extra,
        }

    def command(self, mailbox: Dovecot, *args: str, **extra) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", "from pressoffice.cli import main; main()", *args],
            env=self.env(mailbox, **extra),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )


# --- the measurements -------------------------------------------------------------------------


def latency(desk: Desk, mailbox: Dovecot, samples: int, poll: int) -> list[float]:
    worker = desk.command(mailbox, "worker", "--workers", "1", MAIL_IN_POLL_SECONDS=str(poll))
    try:
        timer.sleep(3)  # signed in and waiting
        spread = random.Random(poll)
        seconds = []
        for n in range(samples):
            tag = f"lat{secrets.token_hex(4)}"
            started = timer.monotonic()
            mailbox.append(message(n, tag, subject=f"Latency {tag}"))
            while not desk.visible(tag):
                if timer.monotonic() - started > poll + 60:
                    raise RuntimeError("the message never became an enquiry")
                timer.sleep(0.02)
            seconds.append(timer.monotonic() - started)
            # The next APPEND falls anywhere in the poll cycle, as mail does (seeded: the same
            # spread each run).
            timer.sleep(spread.uniform(0.1, min(poll, 5) + 0.1))
        return seconds
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)


def fetch(desk: Desk, mailbox: Dovecot) -> str:
    run = desk.command(mailbox, "mail", "fetch")
    output, _ = run.communicate(timeout=3600)
    if run.returncode != 0:
        raise RuntimeError(f"mail fetch failed: {output}")
    return output.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=10, help="latency samples each way")
    parser.add_argument("--poll", type=int, default=5, help="MAIL_IN_POLL_SECONDS without IDLE")
    parser.add_argument("--duplicates", type=int, default=200)
    parser.add_argument("--crash", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    options = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="pressoffice-bench-mail-"))
    results: dict = {"commit": _commit(), "at": datetime.now(UTC).isoformat()}
    with scratch_database(options.database_url, folder) as url:
        results["database"] = url.split(":", 1)[0].split("+", 1)[0]
        desk = Desk(url, folder)
        with_idle, without_idle = Dovecot(), Dovecot(idle=False)
        try:
            idle = latency(desk, with_idle, options.samples, 600)
            poll = latency(desk, without_idle, options.samples, options.poll)
            results["latency_seconds"] = {
                "idle": {"median": statistics.median(idle), "max": max(idle), "samples": idle},
                "poll": {
                    "poll_seconds": options.poll,
                    "median": statistics.median(poll),
                    "max": max(poll),
                    "samples": poll,
                },
            }
            # Throughput: a mailbox of --messages, read in one pass.
            box = Dovecot()
            try:
                before = desk.counts()
                arrived = datetime.now(UTC) - timedelta(minutes=1)
                for n in range(options.messages):
                    box.append(message(n, "tp"), arrived)
                started = timer.monotonic()
                said = fetch(desk, box)
                took = timer.monotonic() - started
                made = desk.counts()["enquiries"] - before["enquiries"]
                results["throughput"] = {
                    "messages": options.messages,
                    "seconds": took,
                    "per_second": options.messages / took,
                    "enquiries_made": made,
                    "said": said,
                }
            finally:
                box.stop()
            results["duplicates"] = duplicates(desk, options.duplicates)
            results["loops"] = loops(desk)
            results["crash"] = crash(desk, options.crash)
        finally:
            with_idle.stop()
            without_idle.stop()
            desk.server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)
    report(results)
    out = ROOT / "benchmarks" / "results"
    name = f"mail-in-{results['database']}-{datetime.now(UTC):%Y-%m-%d}.json"
    (out / name).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to benchmarks/results/{name}")
    return 0


def duplicates(desk: Desk, count: int) -> dict:
    box = Dovecot()
    try:
        before = desk.counts()
        for n in range(count):
            raw = message(n, "dup")
            box.append(raw)
            box.append(raw)
            box.append(b"Delivered-To: enquiries@example.org\r\n" + raw)
        runs = [desk.command(box, "mail", "fetch") for _ in range(2)]
        said = [run.communicate(timeout=1800)[0].strip() for run in runs]
        after = desk.counts()
        made = after["enquiries"] - before["enquiries"]
        return {
            "distinct_messages": count,
            "copies_in_mailbox": 3 * count,
            "concurrent_fetches": 2,
            "enquiries_made": made,
            "doubled": max(0, made - count),
            "lost": max(0, count - made),
            "said": said,
        }
    finally:
        box.stop()


def loops(desk: Desk) -> dict:
    box = Dovecot()
    try:
        before = desk.counts()
        kinds = [
            {"Auto-Submitted": "auto-replied"},
            {"Precedence": "bulk"},
            {"List-Id": "<news.example>"},
            {"X-Auto-Response-Suppress": "All"},
        ]
        sent = 0
        for n in range(25):
            for headers in kinds:
                box.append(message(n, "auto", headers))
                sent += 1
            box.append(bounce(n))
            box.append(message(n, "own", sender="press-office@example.org"))
            sent += 2
        said = fetch(desk, box)
        after = desk.counts()
        return {
            "automatic_bounce_or_own": sent,
            "enquiries_made": after["enquiries"] - before["enquiries"],
            "messages_sent_back": after["out"] - before["out"],
            "said": said,
        }
    finally:
        box.stop()


def crash(desk: Desk, count: int) -> dict:
    box = Dovecot()
    try:
        before = desk.counts()
        for n in range(count):
            box.append(message(n, "crash"))
        run = desk.command(box, "mail", "fetch")
        while desk.counts()["enquiries"] - before["enquiries"] < count // 5:
            timer.sleep(0.01)
        run.send_signal(signal.SIGKILL)
        run.wait(10)
        at_kill = desk.counts()["enquiries"] - before["enquiries"]
        said = fetch(desk, box)
        after = desk.counts()
        made = after["enquiries"] - before["enquiries"]
        return {
            "messages": count,
            "enquiries_when_killed": at_kill,
            "enquiries_made": made,
            "messages_recorded": after["in"] - before["in"],
            "doubled": max(0, made - count),
            "lost": max(0, count - made),
            "said_after": said,
        }
    finally:
        box.stop()


def report(results: dict) -> None:
    lat = results["latency_seconds"]
    tp = results["throughput"]
    print(f"database: {results['database']}  commit: {results['commit']}")
    print(
        f"APPEND -> visible in GET /api/v1/enquiries, IDLE: median {lat['idle']['median']:.2f} s,"
        f" max {lat['idle']['max']:.2f} s"
    )
    print(
        f"APPEND -> visible, polling every {lat['poll']['poll_seconds']} s: median "
        f"{lat['poll']['median']:.2f} s, max {lat['poll']['max']:.2f} s"
    )
    print(
        f"fetch throughput: {tp['messages']} messages in {tp['seconds']:.1f} s = "
        f"{tp['per_second']:.1f} messages/s ({tp['enquiries_made']} enquiries)"
    )
    d, lo, c = results["duplicates"], results["loops"], results["crash"]
    print(
        f"duplicates: {d['copies_in_mailbox']} copies of {d['distinct_messages']}, 2 fetches at"
        f" once -> {d['enquiries_made']} enquiries: {d['doubled']} doubled, {d['lost']} lost"
    )
    print(
        f"loops: {lo['automatic_bounce_or_own']} automatic/bounce/own -> {lo['enquiries_made']}"
        f" enquiries, {lo['messages_sent_back']} sent back"
    )
    print(
        f"crash: killed at {c['enquiries_when_killed']} of {c['messages']}, run again ->"
        f" {c['enquiries_made']} enquiries: {c['doubled']} doubled, {c['lost']} lost"
    )


if __name__ == "__main__":
    raise SystemExit(main())
