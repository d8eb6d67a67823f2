"""How the suite picks its tests: on PostgreSQL only those that use the database run, found by
the fixture they use (directly or through another), so nobody has to tag a test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PURE = "tests/domain/test_workflow.py"
WITH_DATABASE = "tests/services/test_releases.py"


def _collected(database_url: str | None) -> list[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PRESSOFFICE_TEST_DATABASE_URL", "PRESSOFFICE_TEST_POSTGRES_URL")
    }
    if database_url:
        env["PRESSOFFICE_TEST_DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"]
        + ["-p", "no:cacheprovider", PURE, WITH_DATABASE],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_on_postgresql_the_tests_that_never_use_the_database_are_left_out():
    on_sqlite = _collected(None)
    # Collecting needs no server: nothing connects until a test asks for the app.
    on_postgres = _collected("postgresql+psycopg://postgres@127.0.0.1:5432/test")

    assert any(test.startswith(PURE) for test in on_sqlite)
    # Every service test uses the database (through app_ctx, officer, clock...): all are kept.
    assert on_postgres == [test for test in on_sqlite if test.startswith(WITH_DATABASE)]
    assert on_postgres
