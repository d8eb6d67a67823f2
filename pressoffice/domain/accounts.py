"""Rules for accounts: what makes an acceptable email, name, role and password."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

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
    return None


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
