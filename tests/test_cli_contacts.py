"""``pressoffice contacts anonymise`` on the app's injected clock, at the exact boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from pressoffice.cli import cli
from pressoffice.extensions import db
from pressoffice.models import Contact
from pressoffice.services import contacts

ADDED = datetime(2016, 1, 15, 9, 0, tzinfo=UTC)


def _contact(officer, name, email, created_at, last_used_at=None):
    contact = contacts.create_contact({"name": name, "email": email}, actor=officer, now=ADDED)
    db.session.execute(
        sa.update(Contact)
        .where(Contact.id == contact.id)
        .values(created_at=created_at, last_used_at=last_used_at)
    )
    db.session.commit()
    return contact.id


def _names():
    db.session.expire_all()
    return sorted(db.session.scalars(sa.select(Contact.name)))


def test_anonymise_at_the_exact_boundary_with_a_dry_run_first(app, app_ctx, clock, officer):
    _contact(officer, "Exactly 24 months", "a@example.com", ADDED)
    _contact(officer, "A second older", "b@example.com", ADDED - timedelta(seconds=1))
    _contact(
        officer,
        "Used recently",
        "c@example.com",
        ADDED - timedelta(days=2000),
        last_used_at=ADDED + timedelta(days=1),
    )
    clock.set(datetime(2018, 1, 15, 9, 0, tzinfo=UTC))  # 24 months after ADDED, to the second
    runner = app.test_cli_runner()

    dry = runner.invoke(cli, args=["contacts", "anonymise", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would anonymise 1 contact last used before 2016-01-15 09:00:00 UTC" in dry.output
    assert "A second older" in dry.output
    assert _names() == ["A second older", "Exactly 24 months", "Used recently"]

    done = runner.invoke(cli, args=["contacts", "anonymise"])
    assert done.exit_code == 0, done.output
    assert "Anonymised 1 contact" in done.output
    assert _names() == ["Contact removed", "Exactly 24 months", "Used recently"]

    clock.advance(seconds=1)
    again = runner.invoke(cli, args=["contacts", "anonymise"])
    assert "Anonymised 1 contact" in again.output
    assert _names() == ["Contact removed", "Contact removed", "Used recently"]


def test_the_retention_period_can_be_given(app, app_ctx, clock, officer):
    _contact(officer, "Three months", "a@example.com", ADDED)
    clock.set(ADDED + timedelta(days=100))
    result = app.test_cli_runner().invoke(
        cli, args=["contacts", "anonymise", "--older-than-months", "3"]
    )
    assert "Anonymised 1 contact" in result.output
    refused = app.test_cli_runner().invoke(
        cli, args=["contacts", "anonymise", "--older-than-months", "-1"]
    )
    assert refused.exit_code != 0
