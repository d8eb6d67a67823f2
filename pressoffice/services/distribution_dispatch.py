"""The distribution job's use cases: at a distribution's instant, write its messages (if its
release is public by then), and find distributions whose instant passed without their job.

Kept apart from ``services.distributions`` so that the job queue, which runs these, and the use
cases that hand work to the queue, do not import each other."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from .. import clock
from ..domain import distribution as rules
from ..extensions import db
from ..models import Distribution
from . import distribution_records as records
from .releases.revisions import lock_release
from .unit_of_work import unit_of_work


@unit_of_work
def dispatch_distribution(
    distribution_id: int, now: datetime | None = None
) -> tuple[str, datetime | None]:
    """Write a waiting distribution's messages to the outbox, if its release is public now.
    Answers what happened: ``("sent", None)``, ``("waiting", instant)`` when the embargo is
    still ahead (the job asks again at that instant), ``("cancelled", None)`` or
    ``("nothing", None)`` (already done, cancelled or gone)."""
    now = clock.instant(now)
    release_id = db.session.scalar(
        sa.select(Distribution.release_id).where(Distribution.id == distribution_id)
    )
    if release_id is None:
        return "nothing", None
    release = lock_release(release_id)
    distribution = db.session.get(Distribution, distribution_id, populate_existing=True)
    if distribution.dispatched_at is not None or distribution.cancelled_at is not None:
        return "nothing", None
    answer, later = rules.may_deliver(distribution.kind, release.state, release.embargo_until, now)
    if answer == rules.WAIT:
        distribution.send_at = later
        return "waiting", later
    if answer == rules.DROP:
        records.cancel(distribution, release, now, "The release is no longer scheduled or public")
        return "cancelled", None
    records.write_messages(distribution, release, now)
    return "sent", None


def due_distributions(now: datetime | None = None) -> list[tuple[int, datetime]]:
    """Distributions whose instant has come and whose messages are not written yet: the
    sweep hands them to the queue again, in case the scheduled job was lost."""
    now = clock.instant(now)
    return [
        tuple(row)
        for row in db.session.execute(
            sa.select(Distribution.id, Distribution.send_at).where(
                Distribution.dispatched_at.is_(None),
                Distribution.cancelled_at.is_(None),
                Distribution.send_at <= now,
            )
        )
    ]
