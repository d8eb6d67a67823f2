"""The out-of-hours duty rota: who is on duty from one instant to another."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain.routing import on_duty_at
from ..extensions import db
from ..models import DutyShift, User
from .errors import NotFound, ValidationFailed
from .unit_of_work import unit_of_work

# Built once: every out-of-hours enquiry asks it.
_COVERING = (
    sa.select(DutyShift)
    .options(joinedload(DutyShift.user))
    .where(
        DutyShift.starts_at <= sa.bindparam("instant", type_=DutyShift.starts_at.type),
        DutyShift.ends_at > sa.bindparam("instant", type_=DutyShift.ends_at.type),
    )
)


def duty_shift_at(instant: datetime) -> DutyShift | None:
    """The rota entry covering ``instant``; the domain decides between overlapping entries."""
    covering = db.session.scalars(_COVERING, {"instant": instant}).all()
    return on_duty_at(instant, covering)


def duty_officer_at(instant: datetime) -> User | None:
    """The officer on duty at ``instant``, or None when nobody is (or they have left)."""
    shift = duty_shift_at(instant)
    if shift is None or not shift.user.active:
        return None
    return shift.user


def list_shifts(*, now: datetime, include_past: bool = False) -> list[DutyShift]:
    """Current and future entries in time order (and past ones when asked)."""
    query = sa.select(DutyShift).options(joinedload(DutyShift.user)).order_by(DutyShift.starts_at)
    if not include_past:
        query = query.where(DutyShift.ends_at > now)
    return list(db.session.scalars(query))


@unit_of_work
def add_shift(
    *,
    user_id: int | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
    now: datetime,
) -> DutyShift:
    """Put someone on the rota from one instant to another."""
    errors: dict[str, str] = {}
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        errors["user_id"] = "Choose who is on duty"
    if starts_at is None:
        errors.setdefault("starts_at", "Enter when the duty starts")
    if ends_at is None:
        errors.setdefault("ends_at", "Enter when the duty ends")
    if starts_at is not None and ends_at is not None and not ends_at > starts_at:
        errors["ends_at"] = "The duty must end after it starts"
    if errors:
        raise ValidationFailed(errors)
    shift = DutyShift(user_id=user.id, starts_at=starts_at, ends_at=ends_at, created_at=now)
    db.session.add(shift)
    return shift


@unit_of_work
def remove_shift(shift_id: int) -> None:
    """Take an entry off the duty rota; NotFound when it is already gone."""
    shift = db.session.get(DutyShift, shift_id)
    if shift is None:
        raise NotFound("That rota entry no longer exists")
    db.session.delete(shift)
