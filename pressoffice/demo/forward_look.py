"""Demo data for the forward look: entries over the coming weeks in every status, one announced
and moved with a public reason, one cancelled, one whose release has been started, and the
demo's scheduled releases on their days."""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.forward_look import uk_today
from ..services import forward_look


def _on(now: datetime, days: int) -> dict[str, str]:
    day = uk_today(now) + timedelta(days=days)
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def seed_forward_look(now: datetime, users: dict) -> None:
    """Planned entries from two days to three weeks ahead."""
    officer = users["officer@example.org"]
    duty = users["duty@example.org"]
    plan = forward_look.create_entry

    report = plan(
        actor=officer,
        owner_id=officer.id,
        title="Annual report on road safety: casualty figures",
        at="00:01",
        status="confirmed",
        announced="yes",
        public_title="Road safety annual report",
        notes="Embargoed copies to the regional press the day before.",
        now=now,
        **_on(now, 7),
    )
    forward_look.move_entry(
        report.id,
        actor=officer,
        at="00:01",
        reason="The figures are being checked again by the statistics team",
        now=now,
        **_on(now, 9),
    )
    plan(
        actor=duty,
        owner_id=duty.id,
        title="New neighbourhood teams: launch in Eastbrook",
        at="10:30",
        status="provisional",
        notes="Depends on the chief constable's diary.",
        now=now,
        **_on(now, 2),
    )
    visit = plan(
        actor=officer,
        owner_id=officer.id,
        title="Minister's visit to the control room",
        status="confirmed",
        now=now,
        **_on(now, 4),
    )
    forward_look.cancel_entry(
        visit.id, actor=officer, reason="The visit was called off by the minister's office", now=now
    )
    recruitment = plan(
        actor=officer,
        owner_id=duty.id,
        title="Recruitment campaign for special constables",
        at="09:30",
        status="confirmed",
        announced="yes",
        public_title="Special constables recruitment campaign",
        now=now,
        **_on(now, 14),
    )
    forward_look.write_release_for_entry(recruitment.id, actor=officer, now=now)
    plan(
        actor=duty,
        owner_id=officer.id,
        title="Winter driving advice with the county council",
        status="provisional",
        now=now,
        **_on(now, 20),
    )
