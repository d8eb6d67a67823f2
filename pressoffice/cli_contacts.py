"""Media contact commands: ``pressoffice contacts anonymise``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from . import clock
from .services import contacts


@click.group("contacts")
def contacts_group():
    """Media contacts."""


@contacts_group.command("anonymise")
@click.option(
    "--older-than-months",
    type=click.IntRange(min=0, max=1200),
    default=None,
    help="Not used for longer than this many months (default: CONTACT_RETENTION_MONTHS, 24).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Say who would be anonymised, and change nothing.",
)
@with_appcontext
def anonymise_command(older_than_months, dry_run):
    """Remove the names, email addresses, phone numbers and do-not-contact reasons of media
    contacts the office has not sent anything to (or, never sent anything, added) for longer
    than the retention period, and take them off their lists. The rows stay, so past
    distribution counts do not change."""
    result = contacts.anonymise_unused(
        now=clock.now(), older_than_months=older_than_months, dry_run=dry_run
    )
    noun = "contact" if result.anonymised == 1 else "contacts"
    cutoff = f"{result.cutoff:%Y-%m-%d %H:%M:%S} UTC"
    if dry_run:
        click.echo(
            f"Would anonymise {result.anonymised} {noun} last used before {cutoff} "
            f"({result.months} months). Nothing was changed."
        )
        for name in result.names:
            click.echo(f"  {name}")
    else:
        click.echo(f"Anonymised {result.anonymised} {noun} last used before {cutoff}.")


def register(cli: click.Group) -> None:
    cli.add_command(contacts_group)
