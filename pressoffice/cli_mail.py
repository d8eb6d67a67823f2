"""Mail commands: ``pressoffice mail fetch`` (one pass over the office's mailbox now) and
``pressoffice mail ingest [FILE]`` (one message from a file or standard input, for a mail
server that pipes mail to a program)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group("mail", short_help="The enquiry desk by email: fetch the mailbox, take in a message.")
def mail_group():
    """The enquiry desk by email: read the office's mailbox (MAIL_IN_URL) now, or take in one
    message piped by the mail server."""


@mail_group.command("fetch", short_help="Read the office's mailbox once now and say what it did.")
@with_appcontext
def fetch_command():
    """Read every message that came in to MAIL_IN_URL since the last one taken in, and say
    what became of them: new enquiries, follow-ups, parked, automatic, already had."""
    from imapclient.exceptions import IMAPClientError

    from .services.mail_desk.fetch import MailboxProblem, fetch_once

    try:
        report = fetch_once()
    except MailboxProblem as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (IMAPClientError, OSError) as exc:
        click.echo(f"Error: the mailbox could not be read: {exc}", err=True)
        sys.exit(1)
    click.echo(report.words())


@mail_group.command("ingest", short_help="Take in one message from FILE or standard input.")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def ingest_command(path):
    """Take in one RFC 5322 message from FILE (standard input when none is named). Its
    arrival is the newest Received header, else now. Says what became of it."""
    from .services.mail_desk.ingest import ingest_or_park, max_bytes

    limit = max_bytes()
    if path:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
            size = len(raw) + len(handle.read()) if len(raw) > limit else len(raw)
    else:
        raw = sys.stdin.buffer.read()
        size = len(raw)
    if not raw.strip():
        click.echo("Error: the message is empty", err=True)
        sys.exit(1)
    result = ingest_or_park(raw, size=size)
    words = {
        "enquiry": f"New enquiry {result.reference}",
        "follow_up": f"Follow-up to {result.reference}",
        "parked": f"Parked: {result.reason}",
        "automatic": f"Automatic mail, not logged: {result.reason}",
        "bounce": "A bounce" + (f" about {result.reference}" if result.reference else ""),
        "own": "From the office's own address, not logged",
        "dismissed": "Dismissed earlier",
    }[result.outcome]
    click.echo(("Already had: " if result.already else "") + words)


def register(cli: click.Group) -> None:
    cli.add_command(mail_group)
