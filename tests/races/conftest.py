"""The race suite's fixtures: one gunicorn server (4 workers) per database, staff with tokens.

Run it with ``pytest -m races``; a plain ``pytest`` skips it, to stay quick. It runs on SQLite
and, when it answers, on PostgreSQL: a scratch database beside
``PRESSOFFICE_RACES_POSTGRES_URL`` (or ``PRESSOFFICE_TEST_DATABASE_URL`` when that names
PostgreSQL, or postgres@127.0.0.1:5432/test), dropped afterwards. Without gunicorn or PostgreSQL
the runs that need them skip with the reason, unless ``PRESSOFFICE_RACES_REQUIRE=1`` (CI), which
makes that a failure. ``PRESSOFFICE_RACE_ITERATIONS`` sets the iterations of each pair.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from pressoffice import create_app
from pressoffice.extensions import db

from . import harness

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "correct-horse-battery"
ITERATIONS = int(os.environ.get("PRESSOFFICE_RACE_ITERATIONS", "50"))

# Who races: two officers (one writes, the other edits) and two approvers.
STAFF = {
    "olivia": ("officer", "Olivia Officer"),
    "oscar": ("officer", "Oscar Officer"),
    "amir": ("approver", "Amir Approver"),
    "bea": ("approver", "Bea Approver"),
}


def _postgres_url() -> str:
    for name in (
        "PRESSOFFICE_RACES_POSTGRES_URL",
        "PRESSOFFICE_TEST_DATABASE_URL",
        "PRESSOFFICE_TEST_POSTGRES_URL",
    ):
        value = os.environ.get(name, "")
        if value.startswith("postgresql"):
            return value
    return DEFAULT_POSTGRES_URL


def _unavailable(reason: str):
    if os.environ.get("PRESSOFFICE_RACES_REQUIRE") == "1":
        pytest.fail(reason + " (PRESSOFFICE_RACES_REQUIRE=1)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("races"):
            # One gunicorn server per database serves the whole race suite, which needs the
            # machine's cores for itself: under xdist it runs in one worker.
            item.add_marker(pytest.mark.xdist_group("races"))
    if "races" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(
        reason="the race suite runs on its own, against gunicorn on loopback: pytest -m races"
    )
    for item in items:
        if item.get_closest_marker("races"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    lines = harness.report_lines()
    if lines:
        terminalreporter.section("race outcomes (serial outcomes only, never a 5xx)")
        for line in lines:
            terminalreporter.write_line(line)


def _scratch_postgres(url: str) -> tuple[str, callable]:
    base = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_races_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        shown = base.render_as_string(hide_password=True)
        _unavailable(f"PostgreSQL is not reachable at {shown}: {str(exc).splitlines()[0]}")

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@dataclass
class Member:
    id: int
    name: str
    token: str


@dataclass
class Site:
    """One database, the server on it, an app of the test's own on the same database (to set
    up releases through the real services) and a plain engine to read what happened."""

    database: str
    server: harness.RaceServer
    app: object
    engine: sa.Engine
    staff: dict[str, Member]

    def tally(self, pair: str) -> harness.Tally:
        tally = harness.Tally(pair=pair, database=self.database)
        harness.RESULTS.append(tally)
        return tally


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def race_site(request, tmp_path_factory):
    if not harness.gunicorn_available():
        _unavailable("gunicorn is not installed: pip install -e '.[test]'")
    folder: Path = tmp_path_factory.mktemp(f"races-{request.param}")
    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'races.sqlite3'}"
    else:
        url, drop = _scratch_postgres(_postgres_url())
    server = harness.RaceServer(url, folder, request.param)
    app = engine = None
    try:
        server.migrate()
        server.start()
        app = create_app(
            "testing",
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "ATTACHMENT_DIR": str(folder / "attachments"),
                "SERVER_NAME": f"127.0.0.1:{server.port}",
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{server.port}",
            },
        )
        staff = _make_staff(app)
        engine = sa.create_engine(url)
        yield Site(request.param, server, app, engine, staff)
    finally:
        server.stop()
        if engine is not None:
            engine.dispose()
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        if drop is not None:
            drop()


def _make_staff(app) -> dict[str, Member]:
    from pressoffice.services import accounts

    now = datetime.now(UTC)
    staff = {}
    with app.app_context():
        for key, (role, name) in STAFF.items():
            user = accounts.create_user(
                email=f"{key}@example.org", name=name, role=role, password=PASSWORD, now=now
            )
            _row, token = accounts.create_token(user, now, label="race suite")
            staff[key] = Member(user.id, name, token)
        db.session.remove()
    return staff
