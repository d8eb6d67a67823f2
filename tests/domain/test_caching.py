"""How long a cache may keep a public answer: the cap, and never past the next embargo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.clock import FrozenClock
from pressoffice.domain.caching import cache_lifetime, public_cache_control, soonest

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
CAP = 60


@pytest.mark.parametrize(
    ("before_embargo", "lifetime"),
    [
        (timedelta(hours=3), 60),  # far off: the cap
        (timedelta(seconds=61), 60),
        (timedelta(seconds=60), 60),  # the cap and the embargo coincide
        (timedelta(seconds=59, microseconds=999_999), 59),  # never rounded up past it
        (timedelta(seconds=20), 20),
        (timedelta(seconds=1), 1),
        (timedelta(microseconds=999_999), 0),  # less than a second left: keep nothing
        (timedelta(0), 0),  # at the embargo instant
        (timedelta(seconds=-1), 0),  # after it (the query would not name it, but still 0)
    ],
)
def test_a_public_answer_is_never_kept_past_the_next_embargo(before_embargo, lifetime):
    clock = FrozenClock(EMBARGO - before_embargo)

    assert cache_lifetime(clock(), EMBARGO, CAP) == lifetime


def test_a_cache_holding_the_answer_for_its_lifetime_is_stale_by_the_embargo_instant():
    clock = FrozenClock(EMBARGO - timedelta(seconds=20, milliseconds=400))
    kept = cache_lifetime(clock(), EMBARGO, CAP)

    clock.advance(seconds=kept)

    assert clock() <= EMBARGO


def test_with_no_embargo_waiting_the_cap_applies():
    assert cache_lifetime(FrozenClock(EMBARGO)(), None, CAP) == 60
    assert cache_lifetime(FrozenClock(EMBARGO)(), None, 5) == 5


def test_a_cap_of_zero_keeps_nothing():
    assert cache_lifetime(FrozenClock(EMBARGO)(), None, 0) == 0
    assert cache_lifetime(FrozenClock(EMBARGO)(), EMBARGO + timedelta(hours=1), 0) == 0


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError):
        cache_lifetime(datetime(2016, 12, 1), None, CAP)  # noqa: DTZ001
    with pytest.raises(ValueError):
        cache_lifetime(EMBARGO, datetime(2016, 12, 1), CAP)  # noqa: DTZ001


def test_the_soonest_change_wins_and_unknown_instants_are_ignored():
    later = EMBARGO + timedelta(minutes=5)
    assert soonest(later, None, EMBARGO) == EMBARGO
    assert soonest(None, None) is None


def test_the_header_says_public_and_the_lifetime():
    assert public_cache_control(20) == "public, max-age=20"
    assert public_cache_control(0) == "public, max-age=0"
