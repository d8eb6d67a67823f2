"""How long a cache in front of the app may keep a public answer.

A public answer changes in two ways. Someone saves something (a withdrawal, a correction, a new
release): that reaches the public within the configured cap, since no cache keeps an answer
longer. Or time passes and an embargo lifts, with nobody saving anything: a cache must not keep
serving the page from before that instant, so the answer's lifetime never reaches past the next
embargo instant (for the contact page, the next opening or closing of the office).
"""

from __future__ import annotations

import math
from datetime import datetime


def cache_lifetime(now: datetime, next_change: datetime | None, cap: int) -> int:
    """Whole seconds a shared cache may keep an answer given at ``now``.

    At most ``cap``; and never past ``next_change``, the soonest instant at which the answer
    changes by the clock alone: a cache holding it for the number of seconds given is stale at
    that instant at the latest (an answer is fresh while its age is below ``max-age``). 0 when
    that instant has come or is less than a second away.
    """
    if now.tzinfo is None or (next_change is not None and next_change.tzinfo is None):
        raise ValueError("cache_lifetime needs aware instants")
    lifetime = max(0, int(cap))
    if next_change is not None:
        remaining = (next_change - now).total_seconds()
        lifetime = min(lifetime, max(0, math.floor(remaining)))
    return lifetime


def soonest(*instants: datetime | None) -> datetime | None:
    """The earliest of the instants given, ignoring ``None``; ``None`` if there is none."""
    known = [instant for instant in instants if instant is not None]
    return min(known) if known else None


def public_cache_control(lifetime: int) -> str:
    """The ``Cache-Control`` of a public answer that may be kept ``lifetime`` seconds."""
    return f"public, max-age={max(0, int(lifetime))}"


# Everything that is not a public answer: staff pages, secret links, errors, forms.
PRIVATE_CACHE_CONTROL = "no-store"
