"""Embargo visibility from the clock: to the second, in winter (GMT) and summer (BST)."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pressoffice.domain.visibility import (
    computed_status,
    embargo_lifts_at,
    is_listed,
    is_public,
    status_of,
)

LONDON = ZoneInfo("Europe/London")

# 09:30 London time on a winter day (GMT, UTC+0) and a summer day (BST, UTC+1).
WINTER_EMBARGO = datetime(2026, 1, 15, 9, 30, tzinfo=LONDON)
SUMMER_EMBARGO = datetime(2026, 7, 15, 9, 30, tzinfo=LONDON)


@dataclass
class Facts:
    state: str
    embargo_until: datetime | None = None
    public_revision_id: int | None = 7


def test_the_two_embargo_instants_are_in_gmt_and_bst():
    assert WINTER_EMBARGO.utcoffset() == timedelta(0)
    assert SUMMER_EMBARGO.utcoffset() == timedelta(hours=1)
    assert SUMMER_EMBARGO.astimezone(UTC).hour == 8


@pytest.mark.parametrize("embargo", [WINTER_EMBARGO, SUMMER_EMBARGO], ids=["GMT", "BST"])
@pytest.mark.parametrize(
    ("phase", "offset", "public", "status"),
    [
        ("before the embargo", timedelta(seconds=-1), False, "scheduled"),
        ("at the embargo instant", timedelta(0), True, "published"),
        ("after the embargo", timedelta(seconds=1), True, "published"),
    ],
)
def test_a_scheduled_release_becomes_public_at_its_embargo_instant(
    embargo, phase, offset, public, status
):
    facts = Facts("scheduled", embargo_until=embargo.astimezone(UTC))
    now = (embargo + offset).astimezone(UTC)
    assert is_public(facts, now) is public, phase
    assert is_listed(facts, now) is public, phase
    assert status_of(facts, now) == status, phase


def test_an_embargo_given_in_london_time_lifts_at_the_same_instant_in_utc():
    facts = Facts("scheduled", embargo_until=SUMMER_EMBARGO)
    assert not is_public(facts, datetime(2026, 7, 15, 8, 29, 59, tzinfo=UTC))
    assert is_public(facts, datetime(2026, 7, 15, 8, 30, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("state", "public", "listed"),
    [
        ("draft", False, False),
        ("in_review", False, False),
        ("approved", False, False),
        ("published", True, True),
        ("withdrawn", True, False),
    ],
)
def test_only_published_releases_are_listed_and_withdrawn_ones_keep_their_page(
    state, public, listed
):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert is_public(Facts(state), now) is public
    assert is_listed(Facts(state), now) is listed


def test_nothing_without_an_approved_public_revision_is_public():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert not is_public(Facts("published", public_revision_id=None), now)


def test_the_embargo_instant_is_reported_only_while_the_release_waits():
    facts = Facts("scheduled", embargo_until=WINTER_EMBARGO)
    assert embargo_lifts_at(facts, WINTER_EMBARGO - timedelta(seconds=1)) == WINTER_EMBARGO
    assert embargo_lifts_at(facts, WINTER_EMBARGO) is None


def test_a_stored_state_other_than_scheduled_is_the_computed_status():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert computed_status("approved", now - timedelta(days=1), now) == "approved"


def test_a_naive_instant_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        is_public(Facts("scheduled", embargo_until=WINTER_EMBARGO), datetime(2026, 1, 15, 9, 30))
