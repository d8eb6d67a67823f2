"""The staff home page: what needs doing now, for the person signed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..domain.enquiries import OPEN_STATUSES
from ..domain.roles import has_role
from ..domain.routing import Routing
from ..extensions import db
from ..models import Enquiry, Release, User
from .office_calendar import route_and_next_change
from .rota import duty_officer_at

LIMIT = 10


@dataclass(frozen=True)
class Today:
    routing: Routing
    route_changes_at: datetime | None
    duty_officer: User | None
    # For approvers: releases someone else wrote or last edited, waiting for sign-off.
    to_approve: list[Release]
    # The person's own releases that are not yet with an approver.
    my_drafts: list[Release]
    # Approved releases nobody has yet published or scheduled, the longest waiting first.
    to_publish: list[Release]
    going_out: list[Release]
    my_enquiries: list[Enquiry]
    overdue: int
    needs_attention: int


def todays_work(user: User, now: datetime) -> Today:
    """Everything the home page shows, in a fixed handful of queries."""
    routing, changes_at = route_and_next_change(now)
    to_approve: list[Release] = []
    if has_role(user.role, "approver"):
        to_approve = list(
            db.session.scalars(
                sa.select(Release)
                .options(joinedload(Release.author))
                .where(
                    Release.state == "in_review",
                    Release.author_id != user.id,
                    Release.last_editor_id != user.id,
                )
                .order_by(Release.updated_at)
                .limit(LIMIT)
            )
        )
    my_drafts = list(
        db.session.scalars(
            sa.select(Release)
            .where(Release.state == "draft", Release.author_id == user.id)
            .order_by(Release.updated_at.desc())
            .limit(LIMIT)
        )
    )
    to_publish = list(
        db.session.scalars(
            sa.select(Release)
            .options(joinedload(Release.approved_by))
            .where(Release.state == "approved")
            .order_by(Release.approved_at, Release.id)
            .limit(LIMIT)
        )
    )
    going_out = list(
        db.session.scalars(
            sa.select(Release)
            .where(Release.state == "scheduled", Release.embargo_until > now)
            .order_by(Release.embargo_until)
            .limit(LIMIT)
        )
    )
    my_enquiries = list(
        db.session.scalars(
            sa.select(Enquiry)
            .where(Enquiry.assignee_id == user.id, Enquiry.status.in_(OPEN_STATUSES))
            .order_by(Enquiry.deadline.is_(None), Enquiry.deadline, Enquiry.received_at)
            .limit(LIMIT)
        )
    )
    open_enquiries = (
        sa.select(sa.func.count()).select_from(Enquiry).where(Enquiry.status.in_(OPEN_STATUSES))
    )
    overdue = db.session.scalar(
        open_enquiries.where(Enquiry.deadline.is_not(None), Enquiry.deadline < now)
    )
    needs_attention = db.session.scalar(open_enquiries.where(Enquiry.needs_attention.is_(True)))
    return Today(
        routing=routing,
        route_changes_at=changes_at,
        duty_officer=duty_officer_at(now),
        to_approve=to_approve,
        my_drafts=my_drafts,
        to_publish=to_publish,
        going_out=going_out,
        my_enquiries=my_enquiries,
        overdue=overdue or 0,
        needs_attention=needs_attention or 0,
    )
