"""Shared fixtures: one app per test session on a real database, tables emptied between tests.

The database is SQLite in a temporary folder unless ``PRESSOFFICE_TEST_DATABASE_URL`` (or
``PRESSOFFICE_TEST_POSTGRES_URL``) names a PostgreSQL database, which the whole suite then uses.
The schema is built by running the migrations, never by ``create_all``.

The suite runs on every core (``-n auto`` in pyproject.toml; ``-n 0`` for one process, as
``--pdb`` needs). Each xdist worker is its own test session: its own app, its own SQLite file or
scratch PostgreSQL database, its own temporary folders (``tmp_path_factory``). A session-scoped
server a test needs is started per worker on a free port (``free_port()``), never a fixed one.
Tests that must share one process go in one xdist group (the browser and race suites do).

On PostgreSQL only the tests that use the database (the ``app`` fixture, directly or through
another fixture) run: the rest do not touch it and already ran on SQLite.
"""

from __future__ import annotations

import contextvars
import os
import socket
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import has_app_context
from flask.testing import FlaskClient

from pressoffice import create_app
from pressoffice.clock import FrozenClock, set_clock
from pressoffice.extensions import db, limiter

from .factories import DEFAULT_PASSWORD, make_user

TEST_DATABASE_URL = os.environ.get("PRESSOFFICE_TEST_DATABASE_URL") or os.environ.get(
    "PRESSOFFICE_TEST_POSTGRES_URL"
)

# A Tuesday in winter, in office hours: 10:00 GMT.
DEFAULT_NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def _on_postgres() -> bool:
    return bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, leave out the tests that never touch the database."""
    if not _on_postgres():
        return
    kept, left_out = [], []
    for item in items:
        (kept if "app" in getattr(item, "fixturenames", ()) else left_out).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


def free_port() -> int:
    """A loopback port free now, for a server this test session starts (each xdist worker asks
    for its own, so servers started per worker never collide)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pytest_report_header(config):
    if _on_postgres():
        return (
            "database: PostgreSQL (" + TEST_DATABASE_URL.rsplit("@", 1)[-1] + "); the tests "
            "that do not use the database are left out (they ran on SQLite)"
        )
    return (
        "database: SQLite. PostgreSQL-only tests are skipped: set "
        "PRESSOFFICE_TEST_DATABASE_URL=postgresql+psycopg://... to run the suite on PostgreSQL."
    )


def _scratch_postgres_database(url: str) -> tuple[str, callable]:
    """A fresh database beside the one named, for this test run alone, so that runs in
    parallel never share tables; returns its URL and a function that drops it."""
    base = sa.engine.make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{base.database}_run_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


class IsolatedClient(FlaskClient):
    """Runs each request in its own application context, as a real server does, even while
    the test itself holds one; then ends the test's read transaction (which on SQLite reads one
    snapshot) and expires its objects, so it sees what the request committed."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from flask_migrate import upgrade

    folder = tmp_path_factory.mktemp("pressoffice")
    url = TEST_DATABASE_URL or f"sqlite:///{folder / 'test.sqlite3'}"
    drop_database = None
    if url.startswith("postgresql"):
        url, drop_database = _scratch_postgres_database(url)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "ATTACHMENT_DIR": str(folder / "attachments"),
            "SERVER_NAME": "localhost",
        },
    )
    app.test_client_class = IsolatedClient
    _TEST_APP_LIMITER[:] = [limiter._storage, limiter._limiter]
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop_database:
        drop_database()


# The rate limiter's counters as the test app built them (in memory). Flask-Limiter keeps one
# storage for its one limiter, and create_app binds it to the app last built: a test that builds
# a production app would leave it counting in Redis, and the reset after each test would then
# wipe every process's counters there (another xdist worker's two servers, another checkout's).
_TEST_APP_LIMITER: list = []


@pytest.fixture(autouse=True)
def _limiter_back_to_the_test_app(_clean_database):
    """After a test that built another app, the limiter counts for the test app again (before
    the database is emptied and the counters reset)."""
    yield
    if _TEST_APP_LIMITER:
        limiter._storage, limiter._limiter = _TEST_APP_LIMITER


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after a test that used the database, and number rows from 1 again.

    The tables holding rows (one query asks which) are emptied with DELETE, children first,
    rather than every table truncated: on PostgreSQL a TRUNCATE of every table costs more than
    half a second, a DELETE of the few rows a test made a few milliseconds. Each identity
    sequence used is then set back to start at 1, as TRUNCATE ... RESTART IDENTITY did (SQLite
    numbers from 1 again by itself once a table is empty)."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as connection:
            holding_rows = set(
                connection.scalars(
                    sa.text(
                        " UNION ALL ".join(
                            f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})"
                            for table in tables
                        )
                    )
                )
            )
            for table in tables:
                if table in holding_rows:
                    connection.execute(sa.text(f"DELETE FROM {table}"))
            if connection.dialect.name == "postgresql":
                _restart_sequences(connection)
    limiter.reset()


def _restart_sequences(connection) -> None:
    sequences = connection.scalars(
        sa.text(
            "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) "
            "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    ).all()
    if sequences:
        connection.execute(
            sa.text(
                "SELECT " + ", ".join(f"setval(:s{n}, 1, false)" for n in range(len(sequences)))
            ),
            {f"s{n}": name for n, name in enumerate(sequences)},
        )


@pytest.fixture
def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def require_postgres(is_postgres):
    if not is_postgres:
        pytest.skip(
            "needs PostgreSQL: set PRESSOFFICE_TEST_DATABASE_URL=postgresql+psycopg://... "
            "(.ci/run does)"
        )


@pytest.fixture
def clock(app):
    """The app's clock, frozen at DEFAULT_NOW; move it with ``clock.set(...)``."""
    frozen = FrozenClock(DEFAULT_NOW)
    set_clock(app, frozen)
    yield frozen
    set_clock(app, None)


@pytest.fixture
def app_ctx(app, clock):
    """An application context with the frozen clock, for service-level tests."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app, clock):
    return app.test_client()


@pytest.fixture
def officer(app_ctx):
    return make_user(role="officer", email="olivia@example.org", name="Olivia Officer")


@pytest.fixture
def approver(app_ctx):
    return make_user(role="approver", email="amir@example.org", name="Amir Approver")


@pytest.fixture
def admin(app_ctx):
    return make_user(role="admin", email="ada@example.org", name="Ada Admin")


def login(client, user, password: str = DEFAULT_PASSWORD):
    """Sign ``user`` in through the real sign-in form."""
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, f"sign-in failed for {user.email}"
    return response


class PageClient:
    """A test client that answers parsed pages, so tests assert on what a person sees."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str, _expected_status: int = 200, **kwargs) -> BeautifulSoup:
        response = self.client.get(url, **kwargs)
        assert response.status_code == _expected_status, (
            f"GET {url}: {response.status_code} != {_expected_status}"
        )
        return BeautifulSoup(response.data, "html.parser")

    def post(
        self,
        url: str,
        data=None,
        _expected_status: int = 200,
        _follow_redirects: bool = True,
        **kwargs,
    ) -> BeautifulSoup:
        response = self.client.post(
            url, data=data or {}, follow_redirects=_follow_redirects, **kwargs
        )
        assert response.status_code == _expected_status, (
            f"POST {url}: {response.status_code} != {_expected_status}"
        )
        return BeautifulSoup(response.data, "html.parser")


@pytest.fixture
def page(client):
    return PageClient(client)


@pytest.fixture
def signed_in(client, page):
    """``signed_in(user)`` signs the user in and returns the page client."""

    def _sign_in(user):
        login(client, user)
        return page

    return _sign_in


def api_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api_token(app_ctx):
    """``api_token(user)`` returns a bearer header dict for that user."""
    from pressoffice.services import accounts

    def _token(user):
        _token_row, plain = accounts.create_token(user, DEFAULT_NOW)
        return api_headers(plain)

    return _token
