"""Guessing a password is limited: each attempt is counted before its password is checked.

An attempt takes one from the account's allowance (``LOGIN_LIMIT_PER_ACCOUNT``, 5 in 15
minutes) and one from the address's (``LOGIN_LIMIT_PER_ADDRESS``) in a single atomic increment
of the shared counter (Redis in production), and is refused with 429 when that takes either past
its limit. Counting after the check, as a limit applied to the answer does, let every guess that
arrived before the first answer through: 30 sent together had 7 or 8 checked instead of 5. A
correct password gives its attempt back, so signing in and out often never locks anyone out.

The counters live in the app's rate-limit storage, in fixed windows, whatever strategy the
other limits use, so that giving an attempt back is the same increment the other way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from ..domain.accounts import normalise_email
from ..extensions import limiter

TOO_MANY = "Too many failed attempts. Wait 15 minutes, then try again."


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: the allowances it took from, to give back when it succeeds."""

    counted: tuple[tuple[RateLimitItem, tuple[str, ...]], ...]

    def give_back(self) -> None:
        """Return this attempt to every allowance it was counted against."""
        if not self.counted:
            return
        counter = FixedWindowRateLimiter(limiter.storage)
        for item, identifiers in self.counted:
            counter.hit(item, *identifiers, cost=-1)


def count_attempt(*allowances: tuple[str, str, str]) -> Attempt:
    """Count one attempt against each ``(limit, what, whose)`` allowance (such as ``("5 per 15
    minutes", "sign-in-account", email)``), before any password is checked. TooManyRequests,
    saying when to try again, when the attempt goes past any of them."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return Attempt(())
    counter = FixedWindowRateLimiter(limiter.storage)
    counted = []
    for limit, what, whose in allowances:
        item, identifiers = parse(limit), (what, whose)
        allowed = counter.hit(item, *identifiers)
        counted.append((item, identifiers))
        if not allowed:
            reset_at = counter.get_window_stats(item, *identifiers).reset_time
            raise TooManyRequests(TOO_MANY, retry_after=max(1, int(reset_at - time.time()) + 1))
    return Attempt(tuple(counted))


def sign_in_attempt(email: str) -> Attempt:
    """Count a sign-in attempt against the configured limits (see ``count_attempt``)."""
    config = current_app.config
    return count_attempt(
        (config["LOGIN_LIMIT_PER_ACCOUNT"], "sign-in-account", normalise_email(email or "")),
        (config["LOGIN_LIMIT_PER_ADDRESS"], "sign-in-address", get_remote_address()),
    )


def password_change_attempt(user_id: int) -> Attempt:
    """Count an attempt at giving the current password to change it, for this person (their
    sign-in allowance, ``LOGIN_LIMIT_PER_ACCOUNT``, counted apart)."""
    return count_attempt(
        (current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], "password-change", str(user_id))
    )
