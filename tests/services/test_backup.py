"""Backup and restore: a backup taken while enquiries keep arriving restores every row that was
committed before it began, into a sound database at the newest migration; a file that is not a
Pressoffice backup is refused and changes nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pressoffice import create_app
from pressoffice.extensions import db
from pressoffice.models import Enquiry, EnquiryEvent
from pressoffice.services import backup as backups
from pressoffice.services.backup import BackupRefused

from ..factories import make_enquiry
from ..test_migrations import migration_head

RECEIVED = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


@contextmanager
def fresh_database(app, tmp_path):
    """An app on a new, empty database of the same kind as the test database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    drop = None
    if url.startswith("postgresql"):
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("needs the PostgreSQL client tools pg_dump and pg_restore")
        base = sa.engine.make_url(url)
        name = f"{base.database}_restored_{os.getpid()}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": url, "ATTACHMENT_DIR": str(tmp_path / "restored-files")},
    )
    try:
        yield restored
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
        if drop:
            drop()


def test_a_backup_taken_while_enquiries_keep_arriving_restores_every_row_committed_before_it(
    app, app_ctx, tmp_path
):
    committed: list[str] = []
    stop = threading.Event()
    failures: list[Exception] = []

    def keep_logging():
        with app.app_context():
            number = 0
            try:
                while not stop.is_set():
                    number += 1
                    enquiry = make_enquiry(
                        received_at=RECEIVED, journalist_name=f"Reporter {number}"
                    )
                    committed.append(enquiry.reference)  # returned, so committed
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
            finally:
                db.session.remove()

    writer = threading.Thread(target=keep_logging)
    writer.start()
    try:
        while len(committed) < 25 and writer.is_alive():
            time.sleep(0.01)
        before_backup = list(committed)
        outcome = backups.backup_database(tmp_path / "pressoffice.backup")
        during = len(committed)
        while len(committed) < during + 5 and writer.is_alive():
            time.sleep(0.01)  # and the office kept working after it
    finally:
        stop.set()
        writer.join()

    assert failures == []
    assert len(committed) > len(before_backup)
    assert str(tmp_path / "pressoffice.backup") in outcome.message
    with fresh_database(app, tmp_path) as restored, restored.app_context():
        backups.restore_database(tmp_path / "pressoffice.backup")

        references = set(db.session.scalars(sa.select(Enquiry.reference)))
        assert set(before_backup) <= references
        assert references <= set(committed)
        # Whole use cases only: every restored enquiry has its "logged" entry, and no more.
        logged = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(EnquiryEvent)
            .where(EnquiryEvent.action == "logged")
        )
        assert logged == len(references)
        with db.engine.connect() as connection:
            version = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert version.scalar() == migration_head(restored)
            if connection.dialect.name == "sqlite":
                check = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                assert check == ["ok"]


@pytest.fixture
def sqlite_only(is_postgres):
    if is_postgres:
        pytest.skip("SQLite file checks; the PostgreSQL restore checks the pg_dump listing")


def test_a_file_that_is_not_a_backup_is_refused_and_the_database_is_untouched(app_ctx, tmp_path):
    reference = make_enquiry().reference
    not_a_backup = tmp_path / "notes.backup"
    not_a_backup.write_text("Minutes of the Tuesday meeting\n")

    with pytest.raises(BackupRefused, match="not a Pressoffice backup"):
        backups.restore_database(not_a_backup)

    assert db.session.scalars(sa.select(Enquiry.reference)).all() == [reference]


def test_a_sqlite_database_of_another_application_is_refused(app_ctx, tmp_path, sqlite_only):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")

    with pytest.raises(BackupRefused, match="no alembic_version, enquiries, releases, users"):
        backups.restore_database(other)


def test_a_restore_keeps_the_database_it_replaced(app_ctx, tmp_path, sqlite_only):
    first = make_enquiry(journalist_name="Before the backup").reference
    backups.backup_database(tmp_path / "morning.backup")
    later = make_enquiry(journalist_name="After the backup").reference

    outcome = backups.restore_database(tmp_path / "morning.backup")

    assert db.session.scalars(sa.select(Enquiry.reference)).all() == [first]
    assert outcome.kept is not None and outcome.kept.exists()
    with sqlite3.connect(outcome.kept) as kept:
        assert {row[0] for row in kept.execute("SELECT reference FROM enquiries")} == {
            first,
            later,
        }
    outcome.kept.unlink()


def test_a_backup_needs_a_folder_that_exists(app_ctx, tmp_path):
    with pytest.raises(BackupRefused, match="no folder"):
        backups.backup_database(tmp_path / "missing" / "pressoffice.backup")
