"""How long a sign-in lasts: a truth table of instants, every boundary in it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain.accounts import (
    EXPIRED,
    IDLE,
    REMEMBER_EXPIRED,
    sign_in_end_reason,
    sign_in_ended_message,
)

SIGNED_IN = datetime(2016, 11, 29, 9, 0, tzinfo=UTC)
IDLE_LIMIT = timedelta(hours=8)
ABSOLUTE_LIMIT = timedelta(hours=24)
H = timedelta(hours=1)
S = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("last_used", "now", "remember_for", "ends"),
    [
        # unused since signing in
        (0 * H, 8 * H - S, None, None),
        (0 * H, 8 * H, None, IDLE),
        # in use all day, then the 24-hour limit
        (20 * H, 24 * H - S, None, None),
        (20 * H, 24 * H, None, EXPIRED),
        (23 * H, 30 * H, None, EXPIRED),
        # idle and past the limit both: idling is what the person notices
        (0 * H, 25 * H, None, IDLE),
        # "keep me signed in": neither limit applies, only its own end
        (0 * H, 14 * 24 * H - S, timedelta(days=14), None),
        (0 * H, 14 * 24 * H, timedelta(days=14), REMEMBER_EXPIRED),
    ],
)
def test_when_a_sign_in_ends(last_used, now, remember_for, ends):
    assert (
        sign_in_end_reason(
            signed_in_at=SIGNED_IN,
            last_seen_at=SIGNED_IN + last_used,
            remember_until=SIGNED_IN + remember_for if remember_for else None,
            now=SIGNED_IN + now,
            idle_limit=IDLE_LIMIT,
            absolute_limit=ABSOLUTE_LIMIT,
        )
        == ends
    )


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        (IDLE, "you had not used Pressoffice for 8 hours"),
        (EXPIRED, "a sign-in lasts 24 hours at most"),
        (REMEMBER_EXPIRED, "Keep me signed in lasts 14 days"),
        (None, "Sign in to continue."),
    ],
)
def test_the_sign_in_page_says_why_in_plain_words(reason, words):
    message = sign_in_ended_message(
        reason,
        idle_limit=IDLE_LIMIT,
        absolute_limit=ABSOLUTE_LIMIT,
        remember_limit=timedelta(days=14),
    )
    assert words in message
