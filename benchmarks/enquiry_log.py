"""How fast the enquiry log lists, filters, pages, counts and exports with a long history.

Seeds a fresh database with 100,000 enquiries (two years of them, both routes, every status) and
times the real service functions the pages and the API call. SQLite always; PostgreSQL too when
a URL is given.

    .venv/bin/python benchmarks/enquiry_log.py
    .venv/bin/python benchmarks/enquiry_log.py --postgres postgresql+psycopg://postgres@127.0.0.1/bench

The PostgreSQL database named is emptied first (its public schema is dropped): give it a scratch
database, never one with data you want.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time as timer
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pressoffice import create_app  # noqa: E402
from pressoffice.clock import FrozenClock, set_clock  # noqa: E402
from pressoffice.domain.enquiries import format_reference  # noqa: E402
from pressoffice.domain.routing import OfficeCalendar, route_for  # noqa: E402
from pressoffice.extensions import db  # noqa: E402
from pressoffice.models import Enquiry, EnquiryCounter, User  # noqa: E402
from pressoffice.services import enquiries, reports  # noqa: E402

NOW = datetime(2025, 11, 25, 11, 0, tzinfo=UTC)
OUTLETS = [
    f"{town} {kind}"
    for town in (
        "Leeds",
        "Bristol",
        "Cardiff",
        "Norwich",
        "Hull",
        "York",
        "Bath",
        "Derby",
        "Exeter",
        "Truro",
    )
    for kind in ("Post", "Echo", "News", "Radio", "Times")
]
WORDS = (
    "flood budget prisons schools roads hospital waiting figures minister visit report "
    "inspection funding data recruitment court ruling strike housing transport"
).split()


def seed(rows: int, rng: random.Random) -> None:
    """Bulk-insert ``rows`` enquiries spread over two years, routed by the real rule."""
    calendar = OfficeCalendar.from_config(
        {"OFFICE_LINE": "020 3513 0600", "OUT_OF_HOURS_LINE": "07836 217 729"}
    )
    users = []
    for number in range(20):
        user = User(
            email=f"officer{number}@example.org",
            name=f"Officer {number}",
            role="officer",
            password_hash="x",  # noqa: S106 - nobody signs in as these
            active=True,
            created_at=NOW - timedelta(days=800),
        )
        db.session.add(user)
        users.append(user)
    db.session.flush()
    user_ids = [u.id for u in users]

    start = NOW - timedelta(days=730)
    span = (NOW - start).total_seconds()
    instants = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(rows))
    per_day: dict = {}
    batch = []
    for received_at in instants:
        routing = route_for(received_at, calendar)
        day = routing.local.date()
        per_day[day] = per_day.get(day, 0) + 1
        age = NOW - received_at
        status = (
            "closed"
            if age > timedelta(days=14)
            else rng.choice(["new", "assigned", "answered", "closed"])
        )
        deadline = received_at + timedelta(hours=rng.choice([1, 2, 4, 8, 24]))
        answered = status in ("answered", "closed") and rng.random() < 0.95
        answered_at = received_at + (deadline - received_at) * rng.uniform(0.2, 1.3)
        words = rng.sample(WORDS, 3)
        batch.append(
            {
                "reference": format_reference(day, per_day[day]),
                "received_at": received_at,
                "journalist_name": f"Reporter {rng.randint(1, 3000)}",
                "outlet": rng.choice(OUTLETS),
                "email": f"reporter{rng.randint(1, 3000)}@example.com",
                "phone": None,
                "subject": " ".join(words).capitalize(),
                "details": f"Questions about {words[0]} and {words[1]}.",
                "deadline": deadline,
                "channel": rng.choice(["phone", "email", "web_form", "in_person"]),
                "route": routing.route,
                "line": routing.line,
                "route_reason": routing.reason,
                "assignee_id": None if status == "new" else rng.choice(user_ids),
                "needs_attention": False,
                "status": status,
                "response": "Answered." if answered else None,
                "answered_at": answered_at if answered else None,
                "closed_at": answered_at + timedelta(hours=2) if status == "closed" else None,
                "created_at": received_at,
            }
        )
        if len(batch) == 5000:
            db.session.execute(sa.insert(Enquiry), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Enquiry), batch)
    db.session.execute(
        sa.insert(EnquiryCounter), [{"day": d, "last_number": n} for d, n in per_day.items()]
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def measure(label: str, repeat: int, action) -> tuple[str, float, float, str]:
    times, result = [], None
    for _ in range(repeat):
        db.session.expire_all()
        started = timer.perf_counter()
        result = action()
        times.append((timer.perf_counter() - started) * 1000)
        db.session.rollback()
    return label, statistics.median(times), min(times), result


def page_of(args: dict, page: int = 1):
    def run():
        result = enquiries.list_enquiries(
            enquiries.parse_filters(args), now=NOW, page=page, per_page=50
        )
        return f"{len(result.items)} shown of {result.total:,}"

    return run


def csv_of(args: dict):
    def run():
        size = rows = 0
        for chunk in enquiries.export_csv(enquiries.parse_filters(args), now=NOW):
            size += len(chunk)
            rows += chunk.count("\r\n")
        return f"{rows - 1:,} rows, {size / 1e6:.1f} MB"

    return run


def log_one():
    received = NOW - timedelta(minutes=5)
    enquiry = enquiries.log_enquiry(
        {
            "journalist_name": "Jo Reporter",
            "email": "jo@example.com",
            "subject": "Benchmark",
            "channel": "phone",
            "deadline": NOW + timedelta(hours=2),
        },
        now=NOW,
        received_at=received,
    )
    return enquiry.reference


def run(url: str, rows: int, repeat: int) -> None:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    set_clock(app, FrozenClock(NOW))
    with app.app_context():
        from flask_migrate import upgrade

        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        started = timer.perf_counter()
        seed(rows, random.Random(4))
        print(
            f"\n{db.engine.dialect.name}: seeded {rows:,} enquiries in "
            f"{timer.perf_counter() - started:.1f} s"
        )
        assignee = str(db.session.scalar(sa.select(User.id).order_by(User.id)))
        week = {"from": "2025-03-03", "to": "2025-03-09"}
        cases = [
            ("list, newest first, page 1", page_of({})),
            ("list, page 1,000 (rows 49,951-50,000)", page_of({}, page=1000)),
            ("filter: out of hours", page_of({"route": "out_of_hours"})),
            ("filter: open (new or assigned)", page_of({"status": "open"})),
            ("filter: status closed, page 500", page_of({"status": "closed"}, page=500)),
            ("filter: assignee", page_of({"assignee": assignee})),
            ("filter: unassigned", page_of({"assignee": "none"})),
            ("filter: outlet contains 'leeds'", page_of({"outlet": "leeds"})),
            ("filter: one week (London dates)", page_of(week)),
            ("filter: free text 'flood'", page_of({"q": "flood"})),
            ("filter: free text, no match", page_of({"q": "zebra crossing"})),
            ("filter: overdue", page_of({"overdue": "1"})),
            (
                "filter: route + status + week",
                page_of({**week, "route": "office_hours", "status": "closed"}),
            ),
            ("dashboard figures and chart", lambda: reports.dashboard(NOW).this_week.total),
            ("CSV: one week", csv_of(week)),
            ("CSV: out of hours (all time)", csv_of({"route": "out_of_hours"})),
            ("CSV: everything", csv_of({})),
        ]
        print(f"{'operation':44} {'median ms':>10} {'best ms':>9}  result")
        for label, action in cases:
            name, median, best, result = measure(label, repeat if "CSV" not in label else 1, action)
            print(f"{name:44} {median:10.1f} {best:9.1f}  {result}")
        name, median, best, result = measure(
            "log one enquiry (route, reference, commit)", repeat, log_one
        )
        print(f"{name:44} {median:10.1f} {best:9.1f}  {result}")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="a scratch PostgreSQL database URL (it is emptied)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", options.rows, options.repeat)
    if options.postgres:
        run(options.postgres, options.rows, options.repeat)


if __name__ == "__main__":
    main()
