"""A press office's history for the web benchmark, written through bulk INSERTs.

Releases over ten years in every state (some scheduled to lift a few minutes after seeding, so
embargoes lift while the benchmark runs), each with its revision and timeline, and enquiries
over five years on both routes, routed by the real rule, with their reference counters. Rows
go in with executemany INSERTs (SQLAlchemy Core's bulk path), thousands to a statement, on
SQLite, and with COPY on PostgreSQL, never one use case at a time; content hashes, rendered
bodies and routes come from the same domain functions the app uses.
"""

from __future__ import annotations

import random
import time as timer
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from pressoffice.domain.content import content_from_stored, content_hash
from pressoffice.domain.enquiries import format_reference
from pressoffice.domain.render import render_markdown
from pressoffice.domain.routing import OfficeCalendar, route_for
from pressoffice.extensions import db
from pressoffice.models import (
    Enquiry,
    EnquiryCounter,
    EnquiryEvent,
    Release,
    ReleaseEvent,
    ReleaseRevision,
    User,
)

SIGN_IN_EMAIL = "bench.admin@example.org"
SIGN_IN_PASSWORD = "benchmark-password-not-secret"  # noqa: S105 - a throwaway database
BATCH = 5000

TOWNS = "Leeds Bristol Cardiff Norwich Hull York Bath Derby Exeter Truro".split()
OUTLETS = [f"{town} {kind}" for town in TOWNS for kind in ("Post", "Echo", "News", "Radio")]
WORDS = (
    "flood budget prisons schools roads hospital waiting figures minister visit report "
    "inspection funding data recruitment court ruling strike housing transport"
).split()
BODY = """The figures published today show {a} rising for the third year running.

## What the report found

- {a} up by {n} per cent on last year
- {b} unchanged in most regions
- a new approach to **{c}** from April

The full report is [on our website](https://example.org/reports/{n}). A table of the regions:

| region | change |
| --- | ---: |
| North | {n}% |
| South | {m}% |

> Local services told inspectors that *{b}* had made the difference.
"""


@dataclass
class Seeded:
    """What the benchmark needs to know about the database it seeded."""

    releases: int
    enquiries: int
    rows: int
    seconds: float
    published_slug: str
    draft_id: int
    scheduled_soon: int

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _insert(model, rows: list[dict]) -> None:
    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        _copy(model.__table__, rows)
        return
    # Core's executemany: one statement per batch (the ORM's bulk path splits batches
    # whenever the columns given change).
    for start in range(0, len(rows), BATCH):
        db.session.execute(model.__table__.insert(), rows[start : start + BATCH])


def _copy(table: sa.Table, rows: list[dict]) -> None:
    """PostgreSQL: COPY ... FROM STDIN, several times faster than INSERTs. The values go
    through each column's own conversion first (UTC instants, JSON), as an INSERT's would."""
    dialect = db.engine.dialect
    names = [name for name in rows[0] if name in table.c]  # as INSERT, ignoring the others
    convert = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    cursor = db.session.connection().connection.driver_connection.cursor()
    columns = ", ".join(f'"{name}"' for name in names)
    with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(
                [
                    value if fn is None or value is None else fn(value)
                    for fn, value in zip(convert, (row[n] for n in names), strict=True)
                ]
            )


def _users(now: datetime) -> list[int]:
    password = generate_password_hash(SIGN_IN_PASSWORD, method="scrypt")
    rows = [
        {
            "id": 1,
            "email": SIGN_IN_EMAIL,
            "name": "Benchmark Admin",
            "role": "admin",
            "password_hash": password,
            "active": True,
            "session_nonce": "bench-admin",
            "created_at": now - timedelta(days=4000),
        },
        {
            "id": 2,
            "email": "bench.approver@example.org",
            "name": "Benchmark Approver",
            "role": "approver",
            "password_hash": password,
            "active": True,
            "session_nonce": "bench-approver",
            "created_at": now - timedelta(days=4000),
        },
    ]
    for number in range(20):
        rows.append(
            {
                "id": 3 + number,
                "email": f"officer{number}@example.org",
                "name": f"Officer {number}",
                "role": "officer",
                "password_hash": password,
                "active": True,
                "session_nonce": f"bench-{number}",
                "created_at": now - timedelta(days=4000),
            }
        )
    _insert(User, rows)
    return [row["id"] for row in rows]


def _state_for(index: int, count: int, rng: random.Random) -> str:
    # The newest releases hold the work in progress; the rest were published long ago.
    if index >= count - 40:
        return rng.choice(["draft", "draft", "in_review", "approved", "scheduled"])
    return "withdrawn" if rng.random() < 0.02 else "published"


def _releases(count: int, now: datetime, officers: list[int], rng: random.Random) -> dict:
    releases, revisions, events = [], [], []
    start = now - timedelta(days=3650)
    span = (now - timedelta(hours=1) - start).total_seconds()
    created = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
    soon = 0
    published_slug, draft_id = None, None
    revision_id = event_id = 0
    for index, created_at in enumerate(created):
        release_id = index + 1
        words = rng.sample(WORDS, 3)
        title = f"{words[0].capitalize()} {words[1]} and {words[2]}: release {release_id}"
        slug = f"{words[0]}-{words[1]}-and-{words[2]}-release-{release_id}"
        state = _state_for(index, count, rng)
        if index == count - 1:
            state = "draft"
        author, approver = rng.sample(officers[2:], 1)[0], 2
        quotes = [
            {
                "key": f"q{release_id}a",
                "speaker": f"Alex {words[1].capitalize()}",
                "role": "Chief Inspector",
                "text": f"This report on {words[0]} matters.\n\nWe will act on it.",
            }
        ]
        links = [{"label": "Get the report", "url": f"https://example.org/reports/{release_id}"}]
        notes = [f"The report covers {words[2]} in England and Wales."]
        body = BODY.format(a=words[0], b=words[1], c=words[2], n=rng.randint(2, 40), m=3)
        summary = f"Inspectors report on {words[0]} and {words[1]}."
        content = content_from_stored(title, summary, body, quotes, links, notes, [])
        revision_id += 1
        revisions.append(
            {
                "id": revision_id,
                "release_id": release_id,
                "number": 1,
                "title": title,
                "summary": summary,
                "body": body,
                "body_html": render_markdown(body),
                "quotes": quotes,
                "links": links,
                "notes": notes,
                "attachments": [],
                "content_hash": content_hash(content),
                "change_note": None,
                "editor_id": author,
                "created_at": created_at,
            }
        )
        row = {
            "id": release_id,
            "slug": slug,
            "state": state,
            "version": 1,
            "title": title,
            "summary": summary,
            "body": body,
            "quotes": quotes,
            "links": links,
            "notes": notes,
            "author_id": author,
            "last_editor_id": author,
            "approved_hash": None,
            "approved_by_id": None,
            "approved_at": None,
            "approved_revision_id": None,
            "public_revision_id": None,
            "embargo_until": None,
            "published_at": None,
            "withdrawn_at": None,
            "withdrawal_reason": None,
            "notice": None,
            "created_at": created_at,
            "updated_at": created_at,
        }
        steps = [("create", None, "draft", created_at)]
        if state != "draft":
            steps.append(("submit", "draft", "in_review", created_at + timedelta(minutes=30)))
        if state in ("approved", "scheduled", "published", "withdrawn"):
            approved_at = created_at + timedelta(hours=1)
            row.update(
                approved_hash=revisions[-1]["content_hash"],
                approved_by_id=approver,
                approved_at=approved_at,
                approved_revision_id=revision_id,
            )
            steps.append(("approve", "in_review", "approved", approved_at))
        if state == "scheduled":
            # Half lift a few minutes after seeding, while the pages are being measured.
            if soon < 10:
                soon += 1
                embargo = now + timedelta(minutes=2 * soon)
            else:
                embargo = now + timedelta(days=rng.randint(1, 20))
            row.update(public_revision_id=revision_id, embargo_until=embargo, published_at=embargo)
            steps.append(("schedule", "approved", "scheduled", created_at + timedelta(hours=2)))
        if state in ("published", "withdrawn"):
            published_at = created_at + timedelta(hours=2)
            row.update(public_revision_id=revision_id, published_at=published_at)
            steps.append(("publish", "approved", "published", published_at))
            if state == "published":
                published_slug = slug
        if state == "withdrawn":
            withdrawn_at = created_at + timedelta(days=3)
            row.update(withdrawn_at=withdrawn_at, withdrawal_reason="Figures were corrected.")
            steps.append(("withdraw", "published", "withdrawn", withdrawn_at))
        if state == "draft":
            draft_id = release_id
        releases.append(row)
        for action, from_state, to_state, at in steps:
            event_id += 1
            events.append(
                {
                    "id": event_id,
                    "release_id": release_id,
                    "actor_id": approver if action == "approve" else author,
                    "actor_label": None,
                    "action": action,
                    "from_state": from_state,
                    "to_state": to_state,
                    "comment": None,
                    "revision_id": revision_id if action in ("create", "approve") else None,
                    "created_at": at,
                }
            )
    _insert(Release, releases)
    _insert(ReleaseRevision, revisions)
    _insert(ReleaseEvent, events)
    return {
        "rows": len(releases) + len(revisions) + len(events),
        "published_slug": published_slug,
        "draft_id": draft_id,
        "scheduled_soon": soon,
    }


def _enquiries(count: int, now: datetime, officers: list[int], rng: random.Random) -> int:
    calendar = OfficeCalendar.from_config(
        {"OFFICE_LINE": "020 3513 0600", "OUT_OF_HOURS_LINE": "07836 217 729"}
    )
    start = now - timedelta(days=5 * 365)
    span = (now - timedelta(minutes=5) - start).total_seconds()
    instants = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(count))
    per_day: dict = {}
    rows, events = [], []
    for number, received_at in enumerate(instants, start=1):
        routing = route_for(received_at, calendar)
        day = routing.local.date()
        per_day[day] = per_day.get(day, 0) + 1
        age = now - received_at
        if age > timedelta(days=14):
            status = "closed"
        else:
            status = rng.choice(["new", "assigned", "answered", "closed"])
        deadline = received_at + timedelta(hours=rng.choice([1, 2, 4, 8, 24]))
        answered = status in ("answered", "closed") and rng.random() < 0.95
        answered_at = received_at + (deadline - received_at) * rng.uniform(0.2, 1.3)
        words = rng.sample(WORDS, 3)
        rows.append(
            {
                "id": number,
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
                "release_id": None,
                "route": routing.route,
                "line": routing.line,
                "route_reason": routing.reason,
                "assignee_id": None if status == "new" else rng.choice(officers),
                "needs_attention": False,
                "status": status,
                "response": "Answered." if answered else None,
                "answered_at": answered_at if answered else None,
                "closed_at": answered_at + timedelta(hours=2) if status == "closed" else None,
                "anonymised_at": None,
                "logged_by_id": None,
                "created_at": received_at,
            }
        )
        events.append(
            {
                "enquiry_id": number,
                "actor_id": None,
                "action": "logged",
                "comment": routing.reason,
                "created_at": received_at,
            }
        )
        if len(rows) >= BATCH:
            _insert(Enquiry, rows)
            _insert(EnquiryEvent, events)
            rows, events = [], []
    _insert(Enquiry, rows)
    _insert(EnquiryEvent, events)
    _insert(EnquiryCounter, [{"day": d, "last_number": n} for d, n in per_day.items()])
    return 2 * count + len(per_day)


def _reset_sequences() -> None:
    """Rows went in with their ids given; PostgreSQL's sequences must carry on after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("users", "releases", "release_revisions", "release_events", "enquiries"):
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )


def seed(*, releases: int, enquiries: int, now: datetime | None = None, rng_seed: int = 9):
    """Fill an empty, migrated database (inside an app context). Returns what was seeded."""
    now = now or datetime.now(UTC)
    rng = random.Random(rng_seed)
    started = timer.perf_counter()
    users = _users(now)
    made = _releases(releases, now, users, rng)
    rows = len(users) + made["rows"] + _enquiries(enquiries, now, users[2:], rng)
    _reset_sequences()
    db.session.commit()
    seconds = timer.perf_counter() - started
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return Seeded(
        releases=releases,
        enquiries=enquiries,
        rows=rows,
        seconds=seconds,
        published_slug=made["published_slug"],
        draft_id=made["draft_id"],
        scheduled_soon=made["scheduled_soon"],
    )
