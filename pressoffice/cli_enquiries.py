"""Enquiry commands: ``pressoffice route INSTANT`` and ``pressoffice enquiries anonymise``."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from . import clock
from .domain.routing import parse_instant
from .services import enquiries, office_calendar


@click.command("route", short_help="Which press line answers at an instant (JSON).")
@click.argument("instant", required=False)
@with_appcontext
def route_command(instant):
    """Which press line answers at INSTANT (ISO 8601 with an offset, e.g. 2016-12-27T10:00:00Z;
    default now). Prints the same JSON as GET /api/v1/routing."""
    if instant:
        try:
            at = parse_instant(instant)
        except ValueError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
    else:
        at = clock.now()
    answer = office_calendar.routing_answer(office_calendar.route_at(at))
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2))


@click.group("enquiries", short_help="Media enquiries: remove old personal data.")
def enquiries_group():
    """Media enquiries: remove the journalists' personal data from long-closed ones."""


@enquiries_group.command(
    "anonymise", short_help="Remove personal data from enquiries closed long ago."
)
@click.option(
    "--older-than-months",
    type=click.IntRange(min=0),
    default=None,
    help="Closed for longer than this many months (default: ENQUIRY_RETENTION_MONTHS, 24).",
)
@with_appcontext
def anonymise_command(older_than_months):
    """Remove journalists' names, email addresses, phone numbers, the details and the responses
    from enquiries closed longer ago than the retention period. The enquiries themselves stay,
    so the counts on the dashboard do not change."""
    result = enquiries.anonymise_closed(now=clock.now(), older_than_months=older_than_months)
    click.echo(
        f"Anonymised {result.anonymised} closed "
        f"{'enquiry' if result.anonymised == 1 else 'enquiries'} closed before "
        f"{result.cutoff:%Y-%m-%d %H:%M} UTC. {result.kept} enquiries remain in the log."
    )


def register(cli: click.Group) -> None:
    cli.add_command(route_command)
    cli.add_command(enquiries_group)
