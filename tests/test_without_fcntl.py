"""Pressoffice runs where the operating system has no ``fcntl`` (Windows): the queue of SQLite
writers on an OS file lock is a nicety there, and SQLite's busy timeout makes writers wait."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Run as `python -c`: fcntl made unimportable before anything of Pressoffice is, then the demo
# set up as `pressoffice demo --no-serve` would.
WITHOUT_FCNTL = """
import sys
sys.modules["fcntl"] = None
from pressoffice.services import unit_of_work
assert unit_of_work.fcntl is None
from pressoffice.cli import main
sys.argv = ["pressoffice", "demo", "--no-serve"]
main()
"""


def test_the_demo_sets_up_its_database_without_fcntl(tmp_path):
    database = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "PRESSOFFICE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "ATTACHMENT_DIR": str(tmp_path / "files"),
    }

    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_FCNTL],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )

    assert result.returncode == 0, result.stderr
    assert "Demo accounts (role, email, password):" in result.stdout
    # Writers queued on SQLite's busy timeout alone: no OS lock file was made.
    assert not Path(f"{database}-writers.lock").exists()
