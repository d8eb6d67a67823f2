"""Demo data for links without accounts: an embargoed release sent to three journalists (one
link revoked, two opened), and a quote in review waiting for its speaker's sign-off."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..extensions import db
from ..models import Release
from ..services import previews, quote_signoffs

JOURNALISTS = [
    ("Rosa Lindqvist", "The Northshire Courier", "rosa.lindqvist@example.com"),
    ("Marcus Bell", "Radio Northshire", "marcus.bell@example.net"),
    ("Dee Okafor", "National Policing Weekly", "dee.okafor@example.org"),
]
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
]


def seed_links(now: datetime, users: dict) -> None:
    """Recipients and views on the scheduled release, and a quote awaiting sign-off on the
    release in review (so approving it shows the refusal and the override)."""
    officer = users["officer@example.org"]
    scheduled = db.session.scalars(
        sa.select(Release)
        .where(Release.state == "scheduled", Release.embargo_until > now)
        .order_by(Release.id)
    ).first()
    if scheduled is not None:
        given = now - timedelta(minutes=90)
        added = [
            previews.add_recipient(
                scheduled.id, actor=officer, name=name, outlet=outlet, email=email, now=given
            )
            for name, outlet, email in JOURNALISTS
        ]
        for number, (link, browser) in enumerate(zip(added[:2], BROWSERS, strict=True)):
            opened = given + timedelta(minutes=20 + 15 * number)
            previews.accept_terms(link.token, now=opened)
            previews.open_preview(
                link.token, address=f"203.0.113.{10 + number}", user_agent=browser, now=opened
            )
        previews.open_preview(
            added[0].token,
            address="203.0.113.10",
            user_agent=BROWSERS[0],
            now=given + timedelta(minutes=65),
        )
        previews.revoke_recipient(
            scheduled.id, added[2].recipient.id, actor=officer, now=now - timedelta(minutes=30)
        )

    in_review = db.session.scalars(
        sa.select(Release).where(Release.state == "in_review").order_by(Release.id)
    ).first()
    if in_review is not None and in_review.quotes:
        quote = in_review.quotes[0]
        quote_signoffs.request_signoff(
            in_review.id,
            quote["key"],
            actor=officer,
            name=quote["speaker"],
            email="priya.raman@example.org",
            now=now - timedelta(minutes=40),
        )
