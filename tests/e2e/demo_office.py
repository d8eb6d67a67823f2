"""A press office to walk through: the demo data (`pressoffice demo`), plus what it does not make
and some pages need: statements in each state, and personal links whose tokens are known."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from pressoffice.demo import DEMO_USERS, seed_demo
from pressoffice.extensions import db
from pressoffice.models import Release, Statement, User

from ..statement_factories import make_approved_statement, make_statement


@dataclass
class Office:
    now: datetime
    # role -> (email, password) of one demo login with that role
    logins: dict[str, tuple[str, str]]
    # "preview" / "signoff" -> [(label, token)]
    tokens: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _user(email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def seed_office(now: datetime) -> Office:
    """Seed an empty database (inside an app context) with the demo office."""
    from pressoffice.services import previews, quote_signoffs, statements

    seed_demo(now)
    logins = {}
    for role, email, _name, password in DEMO_USERS:
        logins.setdefault(role, (email, password))
    office = Office(now=now, logins=logins)
    officer = _user(logins["officer"][0])
    approver = _user(logins["approver"][0])

    if not db.session.scalar(sa.select(sa.func.count()).select_from(Statement)):
        draft = make_statement(
            officer, now=now - timedelta(hours=2), title="Custody suite inspections"
        )
        statements.update_statement(
            draft.id,
            actor=officer,
            expected_version=draft.version,
            now=now - timedelta(hours=1),
            lines=["Every custody suite was inspected unannounced"],
        )
        waiting = make_statement(officer, now=now - timedelta(hours=1), title="Missing children")
        statements.submit_statement(waiting.id, actor=officer, now=now - timedelta(minutes=30))
        agreed = make_approved_statement(officer, approver, now=now - timedelta(days=1))
        make_approved_statement(
            officer, approver, now=now - timedelta(days=1), title="Road safety figures"
        )
        statements.publish_statement(agreed.id, actor=officer, now=now - timedelta(hours=20))

    scheduled = db.session.scalars(
        sa.select(Release)
        .where(Release.state == "scheduled", Release.embargo_until > now)
        .order_by(Release.id)
    ).first()
    if scheduled is not None:
        fresh = previews.add_recipient(
            scheduled.id,
            actor=officer,
            name="Nia Evans",
            outlet="Northshire Today",
            email="nia.evans@example.com",
            now=now,
        )
        accepted = previews.add_recipient(
            scheduled.id,
            actor=officer,
            name="Owen Price",
            outlet="The Valley Post",
            email="owen.price@example.com",
            now=now,
        )
        previews.accept_terms(accepted.token, now=now)
        office.tokens["preview"] = [
            ("embargo terms", fresh.token),
            ("embargoed copy", accepted.token),
        ]

    in_review = db.session.scalars(
        sa.select(Release).where(Release.state == "in_review").order_by(Release.id)
    ).first()
    if in_review is not None and in_review.quotes:
        quote = in_review.quotes[-1]
        asked = quote_signoffs.request_signoff(
            in_review.id,
            quote["key"],
            actor=officer,
            name=quote["speaker"],
            email="speaker@example.org",
            now=now,
        )
        office.tokens["signoff"] = [("quote to sign off", asked.token)]
    _media_contacts(office, officer, scheduled)
    db.session.commit()
    return office


CONTACTS_CSV = b"""name,outlet,email
Kim Adeyemi,Northshire Today,kim.adeyemi@example.com
Lee Carter,Radio Northshire,lee.carter@example.net
"""


def _media_contacts(office: Office, officer: User, scheduled: Release | None) -> None:
    """Two media contacts (one do-not-contact) on a list of their own, a CSV import waiting to
    be confirmed, the list sent an embargoed copy of the scheduled release, and an unsubscribe
    link whose token is known."""
    from pressoffice import models
    from pressoffice.domain import links
    from pressoffice.services import contact_import, contact_lists, contacts, distributions

    now = office.now
    people = [
        contacts.create_contact(
            {
                "name": name,
                "outlet": outlet,
                "email": email,
                "consent_basis": "legitimate_interests",
            },
            actor=officer,
            now=now,
        )
        for name, outlet, email in (
            ("Rhian Morgan", "Northshire Courier", "rhian.morgan@courier.example"),
            ("Tariq Aziz", "Valley Radio", "tariq.aziz@valleyradio.example"),
        )
    ]
    crime = contact_lists.create_list("Courts and crime desk", actor=officer, now=now)
    contact_lists.add_members(crime.id, [p.id for p in people], actor=officer, now=now)
    contacts.mark_do_not_contact(
        people[1].id, actor=officer, reason="Asked not to be contacted", now=now
    )
    if scheduled is not None:
        distributions.create_distribution(
            scheduled.id, actor=officer, list_ids=[crime.id], kind="embargoed_copy", now=now
        )
    contact_import.stage_import(CONTACTS_CSV, "contacts.csv", actor=officer, now=now)
    recipient = db.session.scalars(
        sa.select(models.DistributionRecipient)
        .where(models.DistributionRecipient.contact_id == people[0].id)
        .order_by(models.DistributionRecipient.id)
    ).first()
    if recipient is not None:
        token = links.new_token()
        recipient.unsubscribe_hash = links.token_hash(token)
        office.tokens["unsubscribe"] = [("unsubscribe", token)]
