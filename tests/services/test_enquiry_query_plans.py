"""However long the log, its pages are read from indexes: no page of the enquiry log, no count
and no dashboard figure reads the whole table or sorts every match (SQLite's query plans), and
on PostgreSQL the free-text search has a trigram index to use."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.services import enquiries, enquiry_pages, reports

from ..factories import create_release, make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


@contextmanager
def reads_of_enquiries():
    """Every SELECT that reads the enquiries table while the block runs."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "enquiries" in statement:
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def sqlite_plan(statement: str, parameters) -> str:
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    return " | ".join(row[-1] for row in rows)


def whole_table_reads(seen) -> list[str]:
    """Plans that read every row of enquiries, or sort every match before taking a page."""
    problems = []
    for statement, parameters in seen:
        plan = sqlite_plan(statement, parameters)
        full_scan = any(step.strip() == "SCAN enquiries" for step in plan.split("|"))
        if full_scan or "TEMP B-TREE FOR ORDER BY" in plan:
            problems.append(f"{plan}\n    for {statement}")
    return problems


@pytest.fixture
def sqlite_only(is_postgres):
    if is_postgres:
        pytest.skip("reads SQLite's query plans; PostgreSQL's are checked with EXPLAIN below")


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"route": "out_of_hours"},
        {"status": "closed"},
        {"route": "office_hours", "status": "closed"},
        {"assignee": "none"},
        {"from": "2016-11-01", "to": "2016-11-28"},
        {"attention": "1"},
        {"route": "out_of_hours", "status": "answered", "to": "2016-11-28"},
    ],
)
@pytest.mark.parametrize("where", ["newest", "older", "oldest"])
def test_a_page_of_the_log_and_its_count_are_read_from_an_index(app_ctx, sqlite_only, args, where):
    made = make_enquiry(received_at=NOW)
    position = enquiries.log_page(enquiries.parse_filters({}), now=NOW, per_page=50).items[0]
    assert position.reference == made.reference
    paging = {
        "newest": {},
        "older": {"after": enquiry_pages.position_of(position)},
        "oldest": {"oldest": True},
    }[where]

    with reads_of_enquiries() as seen:
        enquiries.log_page(enquiries.parse_filters(args), now=NOW, per_page=50, **paging)

    assert seen
    assert whole_table_reads(seen) == []


def test_the_dashboard_figures_are_read_from_indexes(app_ctx, sqlite_only):
    make_enquiry(received_at=NOW)

    with reads_of_enquiries() as seen:
        reports.dashboard(NOW)

    assert whole_table_reads(seen) == []


def test_the_free_text_search_has_a_trigram_index_on_postgresql(app_ctx, require_postgres):
    make_enquiry(received_at=NOW, subject="Flood defences on the Humber")
    filters = enquiries.parse_filters({"q": "humber"})
    query = enquiries.filtered_query(filters, NOW).with_only_columns(enquiries.Enquiry.id)

    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(
        db.session.execute(
            sa.text(
                "EXPLAIN " + str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
            )
        ).scalars()
    )
    found = db.session.scalars(query).all()
    db.session.rollback()

    assert "ix_enquiries_search_trgm" in plan
    assert len(found) == 1


@pytest.mark.parametrize(
    "args", [{}, {"status": "open"}, {"status": "new", "route": "office_hours"}]
)
def test_the_duty_order_reads_only_the_enquiries_not_closed_from_an_index(
    app_ctx, sqlite_only, args
):
    # The duty officer's order (overdue first, then by deadline) is sorted, but only among the
    # enquiries still to be dealt with, found through the status index: never the whole log.
    made = make_enquiry(received_at=NOW)
    filters = enquiries.parse_filters(args, log_view=True)
    first = enquiries.log_page(filters, now=NOW, per_page=50).items[0]
    assert first.reference == made.reference

    for paging in ({}, {"after": enquiry_pages.duty_position(first, NOW)}, {"oldest": True}):
        with reads_of_enquiries() as seen:
            enquiries.log_page(filters, now=NOW, per_page=50, **paging)
        plans = [sqlite_plan(statement, parameters) for statement, parameters in seen]
        assert plans
        assert not [p for p in plans if any(s.strip() == "SCAN enquiries" for s in p.split("|"))]


def test_the_release_list_of_the_enquiry_forms_reads_two_columns_from_an_index(
    app_ctx, sqlite_only
):
    # The enquiry page and the log-an-enquiry form list the newest releases: read whole rows
    # (bodies, quotes, notes) and sorted by a scan of every release, they were half the page.
    for n in range(3):
        create_release(title=f"Release {n}", now=NOW + timedelta(minutes=n))
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "releases" in statement:
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        choices = enquiries.release_choices(limit=2)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    assert [row.title for row in choices] == ["Release 2", "Release 1"]
    [(statement, parameters)] = seen
    selected = statement.split("FROM")[0]
    assert "body" not in selected and "quotes" not in selected
    plan = sqlite_plan(statement, parameters)
    assert "ix_releases_created_at_id" in plan
    assert "TEMP B-TREE" not in plan


def test_a_linked_release_older_than_the_list_still_appears_in_it(app_ctx):
    oldest = create_release(title="An old release", now=NOW)
    for n in range(1, 3):
        create_release(title=f"Release {n}", now=NOW + timedelta(minutes=n))

    choices = enquiries.release_choices(limit=2, linked=oldest.id)

    assert [row.title for row in choices] == ["Release 2", "Release 1", "An old release"]


def test_the_release_list_has_an_index_to_read_on_postgresql(app_ctx, require_postgres):
    create_release(title="A release", now=NOW)
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "releases" in statement:
            seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        enquiries.release_choices()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    [(statement, parameters)] = seen

    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    plan = "\n".join(
        row[0] for row in connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    )
    db.session.rollback()

    assert "ix_releases_created_at_id" in plan
    assert "Sort" not in plan
