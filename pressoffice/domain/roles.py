"""Roles and what they include: an approver can do all an officer can, an admin everything."""

ROLE_ORDER = ("officer", "approver", "admin")

ROLE_NAMES = {
    "officer": "Press officer",
    "approver": "Approver",
    "admin": "Administrator",
}


def has_role(actual: str | None, required: str) -> bool:
    """True when someone with role ``actual`` may do what needs ``required``."""
    if actual not in ROLE_ORDER:
        return False
    return ROLE_ORDER.index(actual) >= ROLE_ORDER.index(required)


def role_name(role: str | None) -> str:
    """A role as every page names it ("Press officer", not "officer")."""
    return ROLE_NAMES.get(role or "", role or "")
