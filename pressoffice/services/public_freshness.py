"""When the public answers next change by the clock alone: the next embargo to lift."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import Release


def next_embargo_after(instant: datetime) -> datetime | None:
    """The soonest embargo instant after ``instant`` of a release waiting for it, or None.

    One query on the indexed ``embargo_until``: the newsroom, the feed and the public API ask
    it on every answer, to tell a cache in front of the app how long it may keep it.
    """
    return db.session.scalar(
        sa.select(sa.func.min(Release.embargo_until)).where(
            Release.embargo_until > instant, Release.state == "scheduled"
        )
    )
