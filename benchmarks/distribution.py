"""The release reaching media lists at its embargo instant: how soon, how fast, never before.

    python -m benchmarks.distribution                    # 5,000 contacts, 2 workers on Redis
    python -m benchmarks.distribution --contacts 500 --lead 15
    python -m benchmarks.distribution --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

What it does, in order:

1. builds a fresh database through the migrations (a temporary SQLite file, or a scratch
   database beside the PostgreSQL one named, dropped at the end);
2. seeds ``--contacts`` media contacts on one list (bulk INSERTs), an officer and an approver;
3. starts a real SMTP server on 127.0.0.1 (aiosmtpd) that notes the instant each message
   arrives, and ``--workers`` ``pressoffice worker`` processes (``--threads`` each) sharing the
   queue on Redis (``--jobs-url``, default redis://127.0.0.1:6379/15, flushed first);
4. writes, approves and schedules a release ``--lead`` seconds ahead through the real use cases,
   and asks for it to be sent to the list when it goes public, as an officer would;
5. waits until every message has arrived (or ``--timeout``), then reports the first and the
   last arrival after the embargo instant, messages per second, how many arrived before the
   instant (must be none) and how many twice (must be none), as a table and as JSON under
   ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time as timer
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from benchmarks.web import ROOT, _commit, free_port, scratch_database

# The benchmark's throwaway database only: nobody signs in with it.
PASSWORD = secrets.token_urlsafe(16)


class Arrivals:
    """An SMTP handler that notes when each message to a media contact arrives, and its
    Message-ID (the staff's own notifications go through the same server and are not counted)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: list[datetime] = []
        self.message_ids: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        at = datetime.now(UTC)
        if not all(r.endswith("@media.example") for r in envelope.rcpt_tos):
            return "250 Message accepted for delivery"  # a staff notification: not counted
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.times.append(at)
            self.message_ids.append(str(message["Message-ID"]))
        await asyncio.sleep(0)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.times)


def seed(url: str, contacts: int, jobs_url: str) -> dict:
    """Migrate, add the people and the list; answers their ids and the seeding rate."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from pressoffice import create_app
    from pressoffice.extensions import db
    from pressoffice.models import Contact, ContactList, ContactListMember
    from pressoffice.services import accounts

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "JOBS_URL": jobs_url})
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        officer = accounts.create_user(
            email="officer@bench.example",
            name="Olu Officer",
            role="officer",
            password=PASSWORD,
            now=now,
        )
        approver = accounts.create_user(
            email="approver@bench.example",
            name="Ada Approver",
            role="approver",
            password=PASSWORD,
            now=now,
        )
        started = timer.perf_counter()
        media_list = ContactList(
            name="National news", name_key="national news", created_at=now, updated_at=now
        )
        db.session.add(media_list)
        db.session.flush()
        rows = [
            {
                "name": f"Reporter {n}",
                "outlet": f"Outlet {n % 300}",
                "email": f"reporter{n}@media.example",
                "beats": [],
                "consent_basis": "legitimate_interests",
                "do_not_contact": False,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(contacts)
        ]
        db.session.execute(sa.insert(Contact), rows)
        ids = db.session.scalars(sa.select(Contact.id)).all()
        db.session.execute(
            sa.insert(ContactListMember),
            [{"list_id": media_list.id, "contact_id": i, "added_at": now} for i in ids],
        )
        db.session.commit()
        seconds = timer.perf_counter() - started
        answer = {
            "officer": officer.id,
            "approver": approver.id,
            "list": media_list.id,
            "rows_per_second": round(2 * contacts / seconds),
        }
        db.session.remove()
        db.engine.dispose()
    return answer


def schedule_and_send(
    url: str, jobs_url: str, smtp_port: int, seeded: dict, lead: float
) -> tuple[datetime, float]:
    """Write, approve and schedule a release ``lead`` seconds ahead (a whole second), then ask
    for it to go to the list when it goes public. Answers the instant and how long the
    officer's request took."""
    from pressoffice import create_app
    from pressoffice.extensions import db
    from pressoffice.models import User
    from pressoffice.services import distributions, releases

    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "JOBS_URL": jobs_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp_port,
        },
    )
    with app.app_context():
        officer = db.session.get(User, seeded["officer"])
        approver = db.session.get(User, seeded["approver"])
        release = releases.create_release(
            actor=officer,
            title="Inspectors find steady progress in child protection",
            summary="The inspectorate's third report on Northshire's services.",
            body="Inspectors found **steady progress** across all four areas.\n\nThe report "
            "follows visits in September and October.",
            quotes=[
                {
                    "speaker": "Tom Achebe",
                    "role": "Chief Constable of Northshire",
                    "text": "We welcome the report.",
                }
            ],
            notes=["The full report is published on the inspectorate's website."],
            links=[{"label": "Get the report", "url": "https://example.org/report"}],
        )
        releases.submit_release(release.id, actor=officer)
        releases.approve_release(release.id, actor=approver, expected_version=release.version)
        embargo = (datetime.now(UTC) + timedelta(seconds=lead)).replace(microsecond=0)
        releases.schedule_release(release.id, actor=officer, embargo_until=embargo)
        started = timer.perf_counter()
        distributions.create_distribution(
            release.id, actor=officer, list_ids=[seeded["list"]], kind="on_publication"
        )
        took = timer.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return embargo, took


def start_workers(count: int, threads: int, env: dict, folder: Path) -> list[subprocess.Popen]:
    processes = []
    for number in range(count):
        log = open(folder / f"worker-{number}.log", "w")  # noqa: SIM115 - lives with the process
        processes.append(
            subprocess.Popen(  # noqa: S603 - our own command line
                [
                    sys.executable,
                    "-c",
                    "from pressoffice.cli import main; main()",
                    "worker",
                    "--workers",
                    str(threads),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return processes


def run(options) -> dict:
    import redis
    from aiosmtpd.controller import Controller

    redis.Redis.from_url(options.jobs_url).flushdb()
    with tempfile.TemporaryDirectory(prefix="pressoffice-distribution-") as tmp:
        folder = Path(tmp)
        with scratch_database(options.database_url, folder) as url:
            seeded = seed(url, options.contacts, options.jobs_url)
            arrivals = Arrivals()
            smtp = Controller(arrivals, hostname="127.0.0.1", port=free_port())
            smtp.start()
            env = {
                **os.environ,
                "PRESSOFFICE_ENV": "development",
                "DATABASE_URL": url,
                "JOBS_URL": options.jobs_url,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.port),
                "PYTHONUNBUFFERED": "1",
            }
            logs = Path(options.logs) if options.logs else folder
            logs.mkdir(parents=True, exist_ok=True)
            workers = start_workers(options.workers, options.threads, env, logs)
            try:
                timer.sleep(3)  # the workers build their app and start consuming
                embargo, request_seconds = schedule_and_send(
                    url, options.jobs_url, smtp.port, seeded, options.lead
                )
                deadline = timer.monotonic() + options.lead + options.timeout
                while arrivals.count() < options.contacts and timer.monotonic() < deadline:
                    timer.sleep(0.2)
                timer.sleep(1)  # anything sent twice arrives now
            finally:
                for process in workers:
                    process.terminate()
                for process in workers:
                    try:
                        process.wait(timeout=15)
                    except subprocess.TimeoutExpired:
                        process.kill()
                smtp.stop()
    times = sorted(arrivals.times)
    delays = [(t - embargo).total_seconds() for t in times]
    first, last = (delays[0], delays[-1]) if delays else (None, None)
    spread = (times[-1] - times[0]).total_seconds() if len(times) > 1 else None
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "database": "PostgreSQL" if options.database_url else "SQLite",
        "contacts": options.contacts,
        "workers": options.workers,
        "threads": options.threads,
        "lead_seconds": options.lead,
        "seed_rows_per_second": seeded["rows_per_second"],
        "request_seconds": round(request_seconds, 3),
        "arrived": len(times),
        "before_the_instant": sum(1 for d in delays if d < 0),
        "sent_twice": len(arrivals.message_ids) - len(set(arrivals.message_ids)),
        "first_after_seconds": round(first, 2) if first is not None else None,
        "last_after_seconds": round(last, 2) if last is not None else None,
        "messages_per_second": round(len(times) / spread) if spread else None,
    }


def table(result: dict) -> str:
    rows = [
        ("contacts", f"{result['contacts']:,}"),
        (
            "database, workers",
            f"{result['database']}, {result['workers']} x {result['threads']} threads on Redis",
        ),
        ("arrived", f"{result['arrived']:,}"),
        ("arrived before the embargo instant", result["before_the_instant"]),
        ("arrived twice", result["sent_twice"]),
        ("first message after the instant", f"{result['first_after_seconds']} s"),
        ("last message after the instant", f"{result['last_after_seconds']} s"),
        ("messages per second", result["messages_per_second"]),
        ("officer's 'send when public' request", f"{result['request_seconds']} s"),
    ]
    lines = ["| measure | value |", "| --- | ---: |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--lead", type=float, default=30, help="seconds to the embargo")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--jobs-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--timeout", type=float, default=240, help="seconds after the instant")
    parser.add_argument("--logs", default=None, help="keep the workers' logs in this folder")
    options = parser.parse_args(argv)
    result = run(options)
    print(table(result))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    name = f"distribution-{result['database'].lower()}-{result['when'][:10]}.json"
    (out / name).write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to benchmarks/results/{name}")
    ok = result["arrived"] == options.contacts and not result["before_the_instant"]
    return 0 if ok and not result["sent_twice"] else 1


if __name__ == "__main__":
    sys.exit(main())
