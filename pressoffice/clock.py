"""The one clock of the app.

Every rule that depends on time takes the current instant as an argument; views and services
ask ``now()`` for it. Tests install a fixed or movable clock with ``set_clock`` instead of
patching ``datetime``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app, has_app_context


def system_now() -> datetime:
    """The real current instant, in UTC."""
    return datetime.now(UTC)


def now() -> datetime:
    """The current instant (aware, UTC) according to the app's clock."""
    if has_app_context():
        clock: Callable[[], datetime] = current_app.extensions.get("pressoffice.clock", system_now)
        return clock()
    return system_now()


def instant(given: datetime | None = None) -> datetime:
    """``given`` when the caller names the instant (a test, the demo data), else ``now()``."""
    return given if given is not None else now()


def set_clock(app, clock: Callable[[], datetime] | None) -> None:
    """Install ``clock`` as the app's clock (``None`` restores the system clock)."""
    app.extensions["pressoffice.clock"] = clock or system_now


class FrozenClock:
    """A clock that stands still until moved; for tests and the demo data."""

    def __init__(self, instant: datetime):
        if instant.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.instant = instant.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self.instant = instant.astimezone(UTC)

    def advance(self, **kwargs) -> None:
        self.instant += timedelta(**kwargs)
