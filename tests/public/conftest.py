"""Releases the public-side tests share: one published, one whose embargo lifts at EMBARGO."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ..factories import create_release

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)


@pytest.fixture
def published(officer, approver, clock):
    return create_release(
        state="published", author=officer, approver=approver, title="Waiting times fall"
    )


@pytest.fixture
def scheduled(officer, approver, clock):
    """A release whose embargo lifts at EMBARGO; the clock stands 20 seconds before it."""
    clock.set(EMBARGO - timedelta(hours=2))
    release = create_release(
        state="scheduled",
        author=officer,
        approver=approver,
        title="Embargoed inspection findings",
        embargo_until=EMBARGO,
    )
    clock.set(EMBARGO - timedelta(seconds=20))
    return release
