"""The ``pressoffice`` command explains itself: every command and option says what it does,
nothing is cut short, the version is Pressoffice's, and the demo says when its port is taken
and prints its logins again."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest

from pressoffice.cli import cli
from pressoffice.demo import DEMO_USERS

PRESSOFFICE = str(Path(sys.executable).parent / "pressoffice")


@pytest.fixture
def run(tmp_path):
    env = {
        **os.environ,
        "PRESSOFFICE_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "ATTACHMENT_DIR": str(tmp_path / "files"),
        "COLUMNS": "80",
    }

    def _run(*args, timeout: int = 60):
        return subprocess.run(
            [PRESSOFFICE, *args], capture_output=True, text=True, env=env, timeout=timeout
        )

    return _run


def _every_command(group: click.Group, ctx: click.Context, path=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*path, name), command
        if isinstance(command, click.Group):
            sub = click.Context(command, info_name=name, parent=ctx)
            yield from _every_command(command, sub, (*path, name))


def test_every_command_and_option_says_what_it_does(run):
    ctx = click.Context(cli, info_name="pressoffice")
    ours = [
        (path, command)
        for path, command in _every_command(cli, ctx)
        if path[0] not in ("db", "limiter", "run", "shell", "routes")
    ]
    assert len(ours) > 10
    missing = []
    for path, command in ours:
        if not (command.help or "").strip():
            missing.append(" ".join(path))
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and not param.help:
                missing.append(f"{' '.join(path)} {param.opts[0]}")
    assert missing == []


@pytest.mark.parametrize(
    "args", [(), ("users",), ("tokens",), ("enquiries",)], ids=["top", "users", "tokens", "enq"]
)
def test_no_help_is_cut_short_and_no_flask_boilerplate_is_shown(run, args):
    shown = run(*args, "--help")

    assert shown.returncode == 0, shown.stderr
    listed = shown.stdout.partition("Commands:")[2]
    assert listed.strip()
    assert [line for line in listed.splitlines() if line.rstrip().endswith("...")] == []
    for boilerplate in ("Show the Flask version", "--app IMPORT", "--env-file", "module:name"):
        assert boilerplate not in shown.stdout
    if not args:
        assert "Pressoffice runs a press office" in shown.stdout
        assert "pressoffice demo" in shown.stdout


def test_version_is_pressoffices(run):
    shown = run("--version")

    assert shown.returncode == 0
    assert shown.stdout.strip() == f"Pressoffice {version('pressoffice')}"
    assert "Flask" not in shown.stdout


def test_demo_on_a_taken_port_fails_before_serving_and_names_the_port_option(run):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run("demo", "--port", str(port))

    assert result.returncode == 1
    assert "Serving on" not in result.stdout
    assert f"cannot serve on 127.0.0.1:{port}: already in use" in result.stderr
    assert "--port" in result.stderr
    assert f"pressoffice demo --port {port + 1}" in result.stderr


# A seeded database printing its logins again: tests/test_cli.py, with the demo's other checks.


def test_logins_on_a_database_without_the_demo_accounts_says_so(run):
    assert run("db", "upgrade").returncode == 0

    result = run("demo", "--logins")

    assert result.returncode == 1
    assert "no demo login works on this database" in result.stderr


def test_the_readme_lists_the_demo_logins():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for _role, email, _name, password in DEMO_USERS:
        assert email in readme and password in readme


def test_pressoffice_alone_prints_its_help_and_succeeds(run):
    shown = run()

    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Usage: pressoffice")
    assert "pressoffice demo" in shown.stdout
    assert shown.stderr == ""


@pytest.mark.parametrize("port", ["abc", "0", "65536", "50.5"])
def test_a_port_that_is_not_one_says_what_a_port_is(run, port):
    refused = run("demo", "--port", port)

    assert refused.returncode == 2
    assert "Port must be a whole number from 1 to 65535" in refused.stderr
    assert "range" not in refused.stderr


def test_demo_logins_are_printed_with_no_migration_logs(run):
    assert run("demo", "--no-serve").returncode == 0

    again = run("demo", "--logins")

    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Demo accounts (role, email, password):")
    assert again.stderr == ""
