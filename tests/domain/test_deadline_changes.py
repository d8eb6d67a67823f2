"""When an enquiry's deadline state next changes by the clock: a page showing it is kept until
then, so the instant must never come after the words change, and must come after now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pressoffice.domain.enquiries import (
    ANSWERED,
    ASSIGNED,
    CLOSED,
    NEW,
    deadline_state,
    deadline_state_changes_at,
)

DEADLINE = datetime(2016, 12, 1, 8, 0, 30, tzinfo=UTC)
TICK = timedelta(microseconds=1)

offsets = st.timedeltas(min_value=-timedelta(days=3), max_value=timedelta(days=3))


def _state(status, deadline, instant):
    return deadline_state(status, deadline, None, instant)


@given(offset=offsets, status=st.sampled_from([NEW, ASSIGNED]))
def test_the_words_hold_from_now_until_the_instant_given_and_it_is_after_now(offset, status):
    now = DEADLINE + offset
    changes = deadline_state_changes_at(status, DEADLINE, None, now)

    assert changes is not None and now < changes <= now + timedelta(minutes=1)
    for instant in (now, now + (changes - now) / 2, changes - TICK):
        assert _state(status, DEADLINE, instant) == _state(status, DEADLINE, now)


def test_the_words_change_at_the_instant_given_across_the_deadline():
    now = DEADLINE - timedelta(seconds=20)
    assert _state(NEW, DEADLINE, now).text == "less than a minute left"

    changes = deadline_state_changes_at(NEW, DEADLINE, None, now)
    assert changes == DEADLINE
    changes = deadline_state_changes_at(NEW, DEADLINE, None, changes)
    assert changes == DEADLINE + TICK
    assert _state(NEW, DEADLINE, changes).overdue


def test_answered_and_closed_enquiries_and_those_without_a_deadline_never_change_by_the_clock():
    now = DEADLINE - timedelta(hours=2)
    assert deadline_state_changes_at(ANSWERED, DEADLINE, now, now) is None
    assert deadline_state_changes_at(CLOSED, DEADLINE, now, now) is None
    assert deadline_state_changes_at(NEW, None, None, now) is None
