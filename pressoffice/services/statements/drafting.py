"""Drafting: a new statement, and an edit saved as a revision that voids any approval."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ... import clock
from ...domain import statements as rules
from ...extensions import db
from ...models import Release, Statement, User
from ..errors import NotAllowed, ValidationFailed
from ..sign_off import acting_staff, refuse_unless
from ..unit_of_work import unit_of_work
from .records import facts, latest_revision, lock_statement, record_event, save_revision, stale

FIELDS = (
    "title",
    "topics",
    "lines",
    "qa",
    "statement",
    "spokesperson",
    "spokesperson_role",
    "background",
    "review_by",
    "release_ids",
)


def _clean_or_refuse(given: dict[str, Any]) -> rules.StatementContent:
    content, errors = rules.clean_statement_content(**given)
    if content is not None and content.release_ids:
        known = set(
            db.session.scalars(sa.select(Release.id).where(Release.id.in_(content.release_ids)))
        )
        errors = {
            f"release_ids-{i}": f"There is no release number {number}"
            for i, number in enumerate(content.release_ids)
            if number not in known
        }
    if errors:
        raise ValidationFailed(errors)
    assert content is not None
    return content


@unit_of_work
def create_statement(
    *,
    actor: User,
    title: Any,
    topics: Any = None,
    lines: Any = None,
    qa: Any = None,
    statement: Any = "",
    spokesperson: Any = "",
    spokesperson_role: Any = "",
    background: Any = "",
    review_by: Any = None,
    release_ids: Any = None,
    now: datetime | None = None,
) -> Statement:
    """Start a new draft statement, with its first revision and a "created" entry on its
    timeline. Refuses (ValidationFailed, nothing saved) content that breaks a limit."""
    now = clock.instant(now)
    who = acting_staff(actor)
    if who.role not in rules.STAFF_ROLES:
        raise NotAllowed("Only press office staff can write statements")
    content = _clean_or_refuse(
        {
            "title": title,
            "topics": topics,
            "lines": lines,
            "qa": qa,
            "statement": statement,
            "spokesperson": spokesperson,
            "spokesperson_role": spokesperson_role,
            "background": background,
            "review_by": review_by,
            "release_ids": release_ids,
        }
    )
    record = Statement(
        state="draft",
        version=1,
        author_id=actor.id,
        last_editor_id=actor.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(record)
    db.session.flush()
    save_revision(record, content, actor, now)
    record_event(record, actor, "create", now, to_state="draft")
    return record


@unit_of_work
def update_statement(
    statement_ref: Statement | int,
    /,
    *,
    actor: User,
    expected_version: Any,
    now: datetime | None = None,
    **given: Any,
) -> Statement:
    """Save an edit as a new revision.

    ``expected_version`` is the version the person started from; if someone saved since, the
    edit is refused with StaleVersion carrying both the current content and what was typed. In
    review or approved, the edit sends the statement back to draft and its approval is void:
    it cannot be given to anyone until it is approved again. Fields not given keep their value;
    an edit that changes nothing saves nothing."""
    now = clock.instant(now)
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise ValidationFailed({unknown[0]: f"A statement has no field called {unknown[0]!r}"})
    who = acting_staff(actor)
    record = lock_statement(statement_ref)
    latest = latest_revision(record)
    refuse_unless(rules.may_edit(facts(record, latest), who, now))
    try:
        expected = int(expected_version)
        if isinstance(expected_version, bool):
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed(
            {"version": "Say which version of the statement this edit started from"}
        ) from None
    current = rules.content_from_stored(latest.content).as_dict()
    if expected != record.version:
        raise stale(
            record.version,
            expected,
            {"version": record.version, **current},
            {name: given.get(name, current[name]) for name in FIELDS},
        )
    content = _clean_or_refuse({name: given.get(name, current[name]) for name in FIELDS})
    if rules.content_hash(content) == latest.content_hash:
        return record

    status = facts(record, latest).status(now)
    record.version += 1
    save_revision(record, content, actor, now)
    comment = None
    if record.state in ("in_review", "approved"):
        comment = (
            f"{actor.name} edited this statement "
            + ("while it was in review" if record.state == "in_review" else "after it was approved")
            + ", so it is back to draft"
            + (" and its approval is void" if record.state == "approved" else "")
            + ". It can't be used until it is submitted and approved again."
        )
        record.state = "draft"
        record.approved_hash = None
        record.approved_by_id = None
        record.approved_at = None
        record.approved_version = None
        record.notice = comment
    record_event(record, actor, "edit", now, from_state=status, to_state="draft", comment=comment)
    return record


def release_choices(linked: Any = (), limit: int = 50) -> list[Release]:
    """The releases a statement may be linked to: those ``linked`` (numbers, as typed) first,
    then the most recent others."""
    numbers = []
    for value in linked or ():
        try:
            numbers.append(int(value))
        except (TypeError, ValueError):
            continue
    numbers = [n for n in numbers if 0 < n < 2**31]
    chosen = []
    if numbers:
        found = {
            r.id: r for r in db.session.scalars(sa.select(Release).where(Release.id.in_(numbers)))
        }
        chosen = [found[n] for n in dict.fromkeys(numbers) if n in found]
    recent = db.session.scalars(
        sa.select(Release)
        .where(Release.id.not_in([r.id for r in chosen]) if chosen else sa.true())
        .order_by(Release.created_at.desc(), Release.id.desc())
        .limit(limit)
    )
    return chosen + list(recent)
