"""What the release and statement use cases share around the sign-off rules: who is acting, as
the rules see them, and a refused rule turned into the service error that says the same thing."""

from __future__ import annotations

from ..domain import signoff
from ..models import User
from .errors import NotAllowed, ValidationFailed, WrongState


def acting_staff(user: User | None) -> signoff.Actor:
    """The person acting, as the rules see them; refused unless an active member of staff."""
    if user is None or not getattr(user, "active", True):
        raise NotAllowed("Sign in as a member of the press office to do this")
    return signoff.Actor(id=user.id, role=user.role)


def refuse_unless(decision: signoff.Decision) -> None:
    """Turn a refused guard into the service error that says the same thing."""
    if decision.ok:
        return
    if decision.kind == "permission":
        raise NotAllowed(decision.reason)
    if decision.kind == "invalid":
        raise ValidationFailed({decision.field: decision.reason}, decision.reason)
    raise WrongState(decision.reason)
