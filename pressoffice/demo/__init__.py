"""Demo data for a first look: users, releases in every state, a few weeks of enquiries."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import User
from ..services import accounts

DEMO_USERS = [
    ("officer", "officer@example.org", "Olivia Officer", "harbour-lantern-42"),
    ("officer", "duty@example.org", "Dev Duty", "copper-kettle-77"),
    ("approver", "approver@example.org", "Amir Approver", "meadow-signal-19"),
    ("admin", "admin@example.org", "Ada Admin", "granite-orchard-63"),
]


def seed_demo(now: datetime) -> list[tuple[str, str, str]]:
    """Fill an empty database; returns (role, email, password) of the demo logins, or [] when
    the database already had users."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return []
    users = {}
    for role, email, name, password in DEMO_USERS:
        users[email] = accounts.create_user(
            email=email, name=name, role=role, password=password, now=now
        )
    for seeder in _feature_seeders():
        seeder(now, users)
    return [(role, email, password) for role, email, _name, password in DEMO_USERS]


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, email, password) of the demo logins whose accounts are in the database and still
    open with the demo password: what to reprint for a database seeded earlier."""
    found = []
    for _role, email, _name, password in DEMO_USERS:
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None and user.active and user.check_password(password):
            found.append((user.role, email, password))
    return found


def _feature_seeders():
    """Each feature that has demo data provides ``seed(now, users)`` in its own module."""
    import importlib

    for module_name, function in (
        ("pressoffice.demo.releases", "seed_releases"),
        ("pressoffice.demo.enquiries", "seed_enquiries"),
        ("pressoffice.demo.links", "seed_links"),
        ("pressoffice.demo.contacts", "seed_contacts"),
        ("pressoffice.demo.forward_look", "seed_forward_look"),
        ("pressoffice.demo.mail", "seed_mail"),
    ):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        yield getattr(module, function)
