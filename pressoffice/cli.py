"""The ``pressoffice`` command: a Flask CLI group with the app's own commands."""

from __future__ import annotations

import logging
import os
import socket
import sys
from importlib.metadata import PackageNotFoundError, version

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from config import ConfigError

from . import clock
from .services import accounts
from .services.errors import ServiceError


def _create_app():
    from . import create_app

    return create_app()


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def fail_from(exc: ServiceError) -> None:
    if exc.fields:
        fail("; ".join(f"{name}: {message}" for name, message in exc.fields.items()))
    fail(exc.message)


# What the commands that come with Flask and its extensions do, in this app's words (their own
# help names the extension, or is cut short in the list of commands).
THEIR_HELP = {
    "db": "Create or upgrade the database schema: 'pressoffice db upgrade'.",
    "limiter": "Rate limits: list them, or clear the counters.",
    "run": "Run the development server (use gunicorn in production).",
    "shell": "A Python shell with the app loaded.",
    "routes": "List every URL the app answers.",
}


class PressofficeGroup(FlaskGroup):
    """Flask's command group, with the help of the commands it brings in said plainly."""

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None and name in THEIR_HELP:
            command.short_help = THEIR_HELP[name]
        return command


def _version() -> str:
    try:
        return version("pressoffice")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


@click.group(
    cls=PressofficeGroup,
    create_app=_create_app,
    add_default_commands=True,
    add_version_option=False,
    context_settings={"max_content_width": 100},
)
@click.version_option(
    _version(), "--version", prog_name="Pressoffice", message="%(prog)s %(version)s"
)
def cli():
    """Pressoffice runs a press office: releases drafted, signed off by someone other than
    their author and published or scheduled under embargo, and the media enquiry log, routed
    to the office-hours or the out-of-hours line.

    Try it with 'pressoffice demo' (demo data, served on http://127.0.0.1:5000). Settings come
    from environment variables (DATABASE_URL, SECRET_KEY and the others the README lists). Run
    'pressoffice COMMAND --help' for what a command does and its options.
    """


# The application is always Pressoffice's own: the generic Flask options to name another app
# or an .env file only confuse a user here.
cli.params = [p for p in cli.params if p.name not in ("app", "env_file")]


# --- users ----------------------------------------------------------------------------------


@cli.group(short_help="Staff accounts: create, list, set-role, deactivate.")
def users():
    """Create and manage staff accounts: create, list, set-role, set-password, deactivate."""


@users.command("create", short_help="Create a staff account.")
@click.option("--email", required=True, help="Their email address: they sign in with it.")
@click.option("--name", required=True, help="Their name, as shown on the pages.")
@click.option(
    "--role",
    required=True,
    help="officer (drafts, answers enquiries), approver (also signs off) or admin (everything).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(email, name, role, password_stdin):
    """Create a user; the password is asked for, or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            email=email, name=name, role=role, password=password, now=clock.now()
        )
    except ServiceError as exc:
        fail_from(exc)
    click.echo(f"Created {user.role} {user.name} <{user.email}>")


@users.command("set-role", short_help="Change a user's role.")
@click.argument("email")
@click.argument("role")
@with_appcontext
def users_set_role(email, role):
    """Change a user's role."""
    try:
        user = accounts.set_role(accounts.user_by_email_or_fail(email), role, now=clock.now())
    except ServiceError as exc:
        fail_from(exc)
    click.echo(f"{user.email} is now {user.role}")


@users.command("set-password", short_help="Give a user a new password; signs them out.")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_set_password(email, password_stdin):
    """Give a user a new password (the same rules as a new account); every sign-in of theirs
    ends. The password is asked for, or read from standard input."""
    try:
        user = accounts.user_by_email_or_fail(email)
    except ServiceError as exc:
        fail_from(exc)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.set_password(user, password, clock.now())
    except ServiceError as exc:
        fail_from(exc)
    click.echo(f"New password set for {user.email}; they are signed out everywhere")


@users.command("deactivate", short_help="Stop a user signing in; revokes their tokens.")
@click.argument("email")
@with_appcontext
def users_deactivate(email):
    """Deactivate a user: no more sign-in, sessions ended, tokens revoked."""
    try:
        user = accounts.deactivate_user(accounts.user_by_email_or_fail(email), clock.now())
    except ServiceError as exc:
        fail_from(exc)
    click.echo(f"{user.email} is deactivated")


@users.command("list")
@with_appcontext
def users_list():
    """List users."""
    for user in accounts.list_users():
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{state}")


# --- tokens ---------------------------------------------------------------------------------


@cli.group(short_help="API tokens: create, list, revoke.")
def tokens():
    """Bearer tokens for the JSON API (/api/v1): create one for a user, list them, revoke one."""


@tokens.command("create", short_help="Print a new API token for a user (shown once).")
@click.argument("email")
@click.option("--label", default="", help="What the token is for.")
@with_appcontext
def tokens_create(email, label):
    """Print a new API token for EMAIL (shown once; only its hash is kept)."""
    try:
        _token, plain = accounts.create_token(
            accounts.user_by_email_or_fail(email), clock.now(), label
        )
    except ServiceError as exc:
        fail_from(exc)
    click.echo(plain)


@tokens.command("revoke", short_help="Revoke a token by the start of it.")
@click.argument("prefix")
@with_appcontext
def tokens_revoke(prefix):
    """Revoke the token that starts with PREFIX (as listed by 'tokens list')."""
    try:
        revoked = accounts.revoke_token_by_prefix(prefix[:10], clock.now())
    except ServiceError as exc:
        fail_from(exc)
    click.echo(f"Revoked {len(revoked)} token(s)")


@tokens.command("list")
@click.argument("email", required=False)
@with_appcontext
def tokens_list(email):
    """List tokens, for one user or all."""
    try:
        user = accounts.user_by_email_or_fail(email) if email else None
    except ServiceError as exc:
        fail_from(exc)
    for token in accounts.list_tokens(user):
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.prefix}\t{token.user.email}\t{token.label}\t{state}")


# --- demo -----------------------------------------------------------------------------------


def _port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (already taken, say), or None."""
    try:
        with socket.create_server((host, port)):
            return None
    except OSError as exc:
        taken = "already in use" if exc.errno in (48, 98, 10048) else exc.strerror or str(exc)
        return (
            f"cannot serve on {host}:{port}: {taken}. Choose another port with --port, "
            f"for example: pressoffice demo --port {port + 1 if port < 65535 else 5001}"
        )


class PortNumber(click.IntRange):
    """A port from 1 to 65535, refused in words a person reads (not click's range syntax)."""

    name = "port"

    def __init__(self) -> None:
        super().__init__(1, 65535)

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail("Port must be a whole number from 1 to 65535", param, ctx)


def _print_logins(logins) -> None:
    click.echo("Demo accounts (role, email, password):")
    for role, email, password in logins:
        click.echo(f"  {role:9} {email}  {password}")


@cli.command("demo", short_help="Try Pressoffice: demo data, served on 127.0.0.1:5000.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to serve on.")
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=PortNumber(),
    help="The port to serve on (choose another if it is taken).",
)
@click.option("--no-serve", is_flag=True, help="Set up the database and demo data, then stop.")
@click.option("--logins", is_flag=True, help="Print the demo logins again, then stop.")
@with_appcontext
def demo(host, port, no_serve, logins):
    """Migrate the database, add demo data (releases in every state, enquiries, staff) to an
    empty one, print the demo logins and serve the app on http://HOST:PORT/ with a worker
    delivering the outbox. A database seeded before keeps its data; its demo logins are
    printed again."""
    from flask_migrate import upgrade

    from .demo import demo_logins, seed_demo

    # Said before anything is done, so a taken port never looks like a running server.
    problem = None if no_serve or logins else _port_problem(host, port)
    if problem:
        fail(problem)
    if logins:
        # Alembic's INFO lines ('Context impl SQLiteImpl', 'Running upgrade ...') say nothing
        # to a person asking for the logins. Its log configuration is read as the migrations
        # load, so a logger's level set now would be reset: logging is held below WARNING.
        logging.disable(logging.INFO)
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
    else:
        upgrade()
    if logins:
        found = demo_logins()
        if not found:
            fail("no demo login works on this database: run 'pressoffice demo' on an empty one")
        _print_logins(found)
        return
    seeded = seed_demo(clock.now())
    click.echo(f"Database: {current_app.config['SQLALCHEMY_DATABASE_URI']}")
    if seeded:
        _print_logins(seeded)
    else:
        click.echo("The database already had data; demo data was not added.")
        found = demo_logins()
        if found:
            _print_logins(found)
    if no_serve:
        return
    if not os.environ.get("PUBLIC_BASE_URL"):
        # Links handed to journalists should point at the server just started.
        current_app.config["PUBLIC_BASE_URL"] = f"http://{host}:{port}"
    click.echo(f"Serving on http://{host}:{port}/  (staff sign in: http://{host}:{port}/sign-in)")
    from werkzeug.serving import run_simple

    from .jobs.worker import start_in_thread

    # The outbox is delivered by a worker in this process: nothing else to start.
    consumer = start_in_thread(current_app._get_current_object())
    try:
        # app.run() refuses to start inside a Flask CLI command; run_simple is what it would call.
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        consumer.stop()


# --- the job queue --------------------------------------------------------------------------


@cli.command("worker", short_help="Deliver the outbox (emails) until stopped.")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Threads."
)
@with_appcontext
def worker(workers):
    """Deliver the outbox: run a job-queue worker (huey) until stopped. Any number of them may
    share a Redis queue (JOBS_URL=redis://...)."""
    from .jobs.queue import storage_url
    from .jobs.worker import run_worker
    from .services.mail import mail_configured

    app = current_app._get_current_object()
    click.echo(f"Queue: {storage_url(app.config, app.instance_path)}; {workers} worker(s)")
    if not mail_configured(app.config):
        click.echo("No SMTP_HOST is set: messages stay in the outbox for staff to read.")
    if app.config.get("MAIL_IN_URL"):
        # The office's mailbox is watched in a thread beside the consumer: mail is taken in
        # while the outbox goes on being delivered.
        from .services.mail_desk.fetch import MailboxProblem, configured_address, start_watching

        try:
            click.echo(f"Mail in: {configured_address().name}")
        except MailboxProblem as exc:
            fail(str(exc))
        start_watching(app)
    run_worker(app, workers)


# --- backup and restore ---------------------------------------------------------------------


@cli.command("backup", short_help="Copy the database to PATH while the app runs.")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup(path):
    """Write a consistent copy of the whole database to PATH while the app keeps running
    (SQLite: the online backup API; PostgreSQL: pg_dump)."""
    from .services import backup as backups

    try:
        outcome = backups.backup_database(path)
    except ServiceError as exc:
        fail_from(exc)
    click.echo(outcome.message)


@cli.command("restore", short_help="Replace the database with a backup.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
@with_appcontext
def restore(path, yes):
    """Replace the database with the backup at PATH (made by 'pressoffice backup'), then
    bring it to the newest migration. Stop the app first: what it saved since the backup is
    lost (on SQLite the database it replaces is kept beside it)."""
    from .services import backup as backups

    if not yes:
        click.confirm(
            f"Replace the database {backups.database_url().render_as_string()} "
            f"with the backup {path}? Everything saved since that backup will be lost",
            abort=True,
        )
    try:
        outcome = backups.restore_database(path)
    except ServiceError as exc:
        fail_from(exc)
    click.echo(outcome.message)


def register_feature_commands() -> None:
    """Commands that belong to a feature live beside it."""
    import importlib

    for module in ("pressoffice.cli_enquiries", "pressoffice.cli_contacts", "pressoffice.cli_mail"):
        try:
            importlib.import_module(module).register(cli)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


register_feature_commands()


def main() -> None:
    # With nothing asked, say what there is to ask (and succeed): not a usage error.
    args = sys.argv[1:] or ["--help"]
    try:
        cli.main(args=args, prog_name="pressoffice")
    except ConfigError as exc:
        fail(str(exc))
