"""Who may see what of a release (or of a statement published in the newsroom), at an instant.

The same rules answer for both: only an approved public revision is ever shown; published is
listed, withdrawn keeps its page (with the notice) out of lists and feeds; anything else is not
there at all. A statement is published now or never (it has no embargo), so for it the clock
changes nothing.

Nothing runs when an embargo lifts: a scheduled release whose embargo instant has come *is*
published, because every question about it is answered from the clock. Until that instant not a
byte of it is public; from that instant (to the second, inclusive) it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

STATES = ("draft", "in_review", "approved", "scheduled", "published", "withdrawn")


class ReleaseFacts(Protocol):
    """What visibility needs to know of a release (a ``models.Release`` has all of it), or of
    anything else published by the release rules (``domain.statements.StatementPublication``)."""

    state: str
    embargo_until: datetime | None
    public_revision_id: int | None


def _check_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("visibility needs an aware instant")


def embargo_has_lifted(embargo_until: datetime | None, now: datetime) -> bool:
    """True from the embargo instant itself onwards."""
    _check_aware(now)
    return embargo_until is not None and embargo_until <= now


def computed_status(state: str, embargo_until: datetime | None, now: datetime) -> str:
    """The state a person should be told: ``scheduled`` turns into ``published`` at the embargo."""
    if state == "scheduled" and embargo_has_lifted(embargo_until, now):
        return "published"
    return state


def status_of(release: ReleaseFacts, now: datetime) -> str:
    """``computed_status`` of a release."""
    return computed_status(release.state, release.embargo_until, now)


def is_public(release: ReleaseFacts, now: datetime) -> bool:
    """May someone without an account open this release's page (and its attachments)?

    Published releases are public, and so are withdrawn ones (their page stays, with the
    withdrawal notice). Only ever the approved public revision is shown, so there must be one.
    """
    return release.public_revision_id is not None and status_of(release, now) in (
        "published",
        "withdrawn",
    )


def is_listed(release: ReleaseFacts, now: datetime) -> bool:
    """Does this release belong in the newsroom list, the feed and the public API list?"""
    return release.public_revision_id is not None and status_of(release, now) == "published"


def embargo_lifts_at(release: ReleaseFacts, now: datetime) -> datetime | None:
    """The instant a scheduled release will become public, or ``None`` if it is not waiting."""
    if status_of(release, now) == "scheduled":
        return release.embargo_until
    return None
