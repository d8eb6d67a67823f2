"""``pressoffice backup PATH`` and ``pressoffice restore PATH``, run as an administrator would."""

from __future__ import annotations

from .test_cli import migrated_database, run  # noqa: F401 - the fixtures


def test_backup_then_restore_from_the_command_line(run, tmp_path):  # noqa: F811
    created = run(
        "users",
        "create",
        "--email",
        "ada@example.org",
        "--name",
        "Ada",
        "--role",
        "admin",
        "--password-stdin",
        stdin="correct-horse-battery\n",
    )
    assert created.returncode == 0, created.stderr
    target = tmp_path / "office.backup"

    backed_up = run("backup", str(target))
    assert backed_up.returncode == 0, backed_up.stderr
    assert f"to {target}" in backed_up.stdout
    assert "SQLite online backup API" in backed_up.stdout
    assert run("users", "deactivate", "ada@example.org").returncode == 0

    declined = run("restore", str(target), stdin="n\n")
    assert declined.returncode == 1
    assert "Everything saved since that backup will be lost" in declined.stdout
    assert "deactivated" in run("users", "list").stdout

    restored = run("restore", str(target), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert f"from {target}" in restored.stdout
    assert "ada@example.org\tAda\tadmin\tactive" in run("users", "list").stdout


def test_restoring_a_file_that_is_not_a_backup_fails_with_one_line(run, tmp_path):  # noqa: F811
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")

    refused = run("restore", str(notes), "--yes")

    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "not a Pressoffice backup" in refused.stderr
