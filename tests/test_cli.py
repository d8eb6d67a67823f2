"""The ``pressoffice`` command, run as a user would, against a scratch database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PRESSOFFICE = str(Path(sys.executable).parent / "pressoffice")


def _environment(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PRESSOFFICE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "ATTACHMENT_DIR": str(folder / "files"),
    }


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A database brought up to date by ``pressoffice db upgrade``, once per test session;
    each test starts from a copy of it, as from a database its administrator just upgraded."""
    folder = tmp_path_factory.mktemp("cli-migrated")
    upgraded = subprocess.run(
        [PRESSOFFICE, "db", "upgrade"],
        capture_output=True,
        text=True,
        env=_environment(folder),
        timeout=60,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    return folder / "cli.sqlite3"


@pytest.fixture
def run(tmp_path, migrated_database):
    shutil.copyfile(migrated_database, tmp_path / "cli.sqlite3")
    env = _environment(tmp_path)

    def _run(*args, stdin: str = "", extra_env: dict | None = None):
        return subprocess.run(
            [PRESSOFFICE, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**env, **(extra_env or {})},
            timeout=60,
        )

    return _run


def test_create_a_user_and_issue_a_token(run):
    created = run(
        "users",
        "create",
        "--email",
        "Ed@Example.org",
        "--name",
        "Ed Editor",
        "--role",
        "approver",
        "--password-stdin",
        stdin="a-perfectly-fine-phrase\n",
    )
    assert created.returncode == 0, created.stderr
    assert "ed@example.org" in created.stdout
    token = run("tokens", "create", "ed@example.org")
    assert token.returncode == 0 and token.stdout.startswith("po_")
    listed = run("tokens", "list")
    assert token.stdout.strip()[:10] in listed.stdout
    assert token.stdout.strip() not in listed.stdout


def test_duplicate_email_unknown_role_and_weak_password_fail_with_one_line(run):
    ok = run(
        "users",
        "create",
        "--email",
        "a@example.org",
        "--name",
        "A",
        "--role",
        "officer",
        "--password-stdin",
        stdin="a-perfectly-fine-phrase\n",
    )
    assert ok.returncode == 0
    dup = run(
        "users",
        "create",
        "--email",
        "A@EXAMPLE.org",
        "--name",
        "A",
        "--role",
        "officer",
        "--password-stdin",
        stdin="a-perfectly-fine-phrase\n",
    )
    role = run(
        "users",
        "create",
        "--email",
        "b@example.org",
        "--name",
        "B",
        "--role",
        "editor",
        "--password-stdin",
        stdin="a-perfectly-fine-phrase\n",
    )
    weak = run(
        "users",
        "create",
        "--email",
        "c@example.org",
        "--name",
        "C",
        "--role",
        "officer",
        "--password-stdin",
        stdin="short\n",
    )
    assert dup.returncode != 0 and "already exists" in dup.stderr
    assert role.returncode != 0 and "Role must be one of" in role.stderr
    assert weak.returncode != 0 and "at least 12 characters" in weak.stderr
    for result in (dup, role, weak):
        assert len(result.stderr.strip().splitlines()) == 1
    users = run("users", "list").stdout
    assert "b@example.org" not in users and "c@example.org" not in users


def test_set_role_and_deactivate(run):
    run(
        "users",
        "create",
        "--email",
        "d@example.org",
        "--name",
        "D",
        "--role",
        "officer",
        "--password-stdin",
        stdin="a-perfectly-fine-phrase\n",
    )
    assert run("users", "set-role", "d@example.org", "admin").returncode == 0
    assert run("users", "deactivate", "d@example.org").returncode == 0
    assert "d@example.org\tD\tadmin\tdeactivated" in run("users", "list").stdout
    missing = run("users", "deactivate", "nobody@example.org")
    assert missing.returncode != 0 and "No user with email" in missing.stderr


def test_production_refuses_to_start_without_a_secret(run):
    result = run("users", "list", extra_env={"PRESSOFFICE_ENV": "production", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_database_url_is_named(run):
    result = run("users", "list", extra_env={"DATABASE_URL": "not a url"})
    assert result.returncode != 0
    assert "DATABASE_URL is malformed" in result.stderr


def test_demo_fills_an_empty_database_once_with_releases_in_every_state(run, tmp_path):
    first = run("demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "approver@example.org" in first.stdout
    second = run("demo", "--no-serve")
    assert second.returncode == 0
    assert "demo data was not added" in second.stdout
    # The logins are printed again on a seeded database, and by --logins alone.
    again = run("demo", "--logins")
    assert again.returncode == 0, again.stderr
    assert "Serving on" not in again.stdout
    from pressoffice.demo import DEMO_USERS

    for result in (first, second, again):
        for _role, email, _name, password in DEMO_USERS:
            assert f"{email}  {password}" in result.stdout

    import sqlite3

    connection = sqlite3.connect(tmp_path / "cli.sqlite3")
    states = {row[0] for row in connection.execute("SELECT state FROM releases")}
    assert states == {"draft", "in_review", "approved", "scheduled", "published", "withdrawn"}
    embargoes = connection.execute(
        "SELECT COUNT(*) FROM releases WHERE state = 'scheduled' AND embargo_until > "
        "datetime('now')"
    ).fetchone()[0]
    assert embargoes == 1, "one release is still under embargo, one has lifted"
    # Emailed enquiries the demo answers were answered in the past: nobody is mailed.
    answered_by_email = connection.execute(
        "SELECT COUNT(*) FROM enquiries WHERE channel = 'email' AND response IS NOT NULL"
    ).fetchone()[0]
    assert answered_by_email > 0
    emailed = connection.execute(
        "SELECT COUNT(*) FROM outbox_messages WHERE kind IN "
        "('enquiry_answer', 'enquiry_acknowledgement') AND status != 'sent'"
    ).fetchone()[0]
    assert emailed == 0
    # The desk by email tells its story: a thread acknowledged, answered and followed up, an
    # out-of-office that made nothing, and a broken message waiting on "Mail not logged".
    outcomes = dict(
        connection.execute("SELECT outcome, COUNT(*) FROM mail_messages GROUP BY outcome")
    )
    assert outcomes["follow_up"] >= 1 and outcomes["answer"] >= 1
    assert outcomes["automatic"] >= 1 and outcomes["parked"] >= 1
