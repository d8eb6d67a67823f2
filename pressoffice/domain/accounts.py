"""Rules for accounts: what makes an acceptable email, name, role and password, and how long
a sign-in lasts."""

from __future__ import annotations

from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from .input_rules import single_line_problem
from .roles import ROLE_ORDER

MIN_PASSWORD_LENGTH = 12

# The passwords people reach for first; a long list is not needed to stop the worst of them.
COMMON_PASSWORDS = frozenset(
    {
        "password1234",
        "passwordpassword",
        "123456789012",
        "qwertyuiopas",
        "letmeinletmein",
        "pressoffice1",
        "pressoffice123",
        "changemechangeme",
        "administrator",
        "welcome12345",
    }
)


def normalise_email(email: str) -> str:
    """An email address as accounts store and look it up: trimmed, lower case."""
    return (email or "").strip().lower()


def email_problem(email: str) -> str | None:
    """Why ``email`` is not a usable address, or None."""
    email = normalise_email(email)
    if not email:
        return "Enter an email address"
    if len(email) > 254:
        return "Email address must be 254 characters or fewer"
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "Enter an email address in the correct format, like name@example.org"
    return None


def role_problem(role: str) -> str | None:
    """Why ``role`` is not one of the roles, or None."""
    if role not in ROLE_ORDER:
        return f"Role must be one of {', '.join(ROLE_ORDER)}"
    return None


def own_role_problem(actor_id: int, user_id: int, role: str) -> str | None:
    """Why an admin may not give this role, or None: an admin cannot take away their own
    admin role, so the office is never left without an admin by a slip of the hand."""
    if actor_id == user_id and role != "admin":
        return "You cannot remove your own administrator role."
    return None


def own_deactivation_problem(actor_id: int, user_id: int) -> str | None:
    """Why an admin may not deactivate this account, or None: never their own."""
    if actor_id == user_id:
        return "You cannot deactivate your own account."
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a person's name on an account, or None."""
    name = (name or "").strip()
    if not name:
        return "Enter a name"
    if len(name) > 120:
        return "Name must be 120 characters or fewer"
    # A name is shown on timelines and in emails: no hidden characters that reorder it.
    return single_line_problem(name, "The name")


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is too weak, or None."""
    if not password:
        return "Enter a password"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 256:
        return "Password must be 256 characters or fewer"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        return "Password is too easy to guess: choose a longer phrase"
    local_part = normalise_email(email).split("@")[0]
    if local_part and len(local_part) >= 4 and local_part in lowered:
        return "Password must not contain your email address"
    return None


def new_password_problem(new_password: str, current_password: str, email: str) -> str | None:
    """Why ``new_password`` cannot replace ``current_password``, or None: the same rules as a
    new account, and not the password it replaces."""
    problem = password_problem(new_password, email)
    if problem:
        return problem
    if new_password == current_password:
        return "Choose a password different from your current one"
    return None


# Why a sign-in ended. The first three are set when it is ended; the last three are worked out
# from the clock.
SIGNED_OUT = "signed_out"
PASSWORD_CHANGED = "password_changed"  # noqa: S105 - a reason, not a password
ROLE_CHANGED = "role_changed"
DEACTIVATED = "deactivated"
IDLE = "idle"
EXPIRED = "expired"
REMEMBER_EXPIRED = "remember_expired"


def sign_in_end_reason(
    *,
    signed_in_at: datetime,
    last_seen_at: datetime,
    remember_until: datetime | None,
    now: datetime,
    idle_limit: timedelta,
    absolute_limit: timedelta,
) -> str | None:
    """Why a sign-in no longer holds at ``now`` (IDLE, EXPIRED or REMEMBER_EXPIRED), or None
    while it does.

    A sign-in idles out once ``idle_limit`` has passed since it was last used, and ends once
    ``absolute_limit`` has passed since it began, however busy. A sign-in where the person
    chose "keep me signed in" lasts, used or not, until ``remember_until`` (at most 14 days
    after signing in): that is the choice they made on a computer of their own. Each limit is
    reached at its exact instant: at 8 hours unused, the sign-in has idled out."""
    if remember_until is not None:
        return REMEMBER_EXPIRED if now >= remember_until else None
    if now - last_seen_at >= idle_limit:
        return IDLE
    if now - signed_in_at >= absolute_limit:
        return EXPIRED
    return None


def _duration_words(limit: timedelta) -> str:
    seconds = int(limit.total_seconds())
    # "24 hours" reads better than "1 day" for a working sign-in; days from two on.
    for unit, size, least in (("day", 86400, 2 * 86400), ("hour", 3600, 3600), ("minute", 60, 60)):
        if seconds >= least and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def sign_in_ended_message(
    reason: str | None,
    *,
    idle_limit: timedelta,
    absolute_limit: timedelta,
    remember_limit: timedelta,
) -> str:
    """What the sign-in page tells someone whose sign-in has ended, in plain words."""
    if reason == IDLE:
        return (
            f"You were signed out because you had not used Pressoffice for "
            f"{_duration_words(idle_limit)}. Sign in again to carry on where you were."
        )
    if reason == EXPIRED:
        return (
            f"You were signed out because a sign-in lasts {_duration_words(absolute_limit)} "
            f"at most. Sign in again to carry on where you were."
        )
    if reason == REMEMBER_EXPIRED:
        return (
            f"Keep me signed in lasts {_duration_words(remember_limit)}, and that time is up. "
            f"Sign in again to carry on where you were."
        )
    if reason == PASSWORD_CHANGED:
        return "Your password was changed, so you were signed out. Sign in with the new one."
    if reason == ROLE_CHANGED:
        return "Your role was changed, so you were signed out. Sign in again to carry on."
    return "Sign in to continue."
