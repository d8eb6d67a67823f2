"""Sign-off: submit, approve, request changes and retire. Each locks the statement, checks the
version the person saw, asks ``domain.statements`` and records the transition, in one unit of
work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ... import clock
from ...domain import statements as rules
from ...models import Statement, User
from ..errors import ValidationFailed
from ..sign_off import acting_staff, refuse_unless
from ..unit_of_work import unit_of_work
from .publication import show_approved_to_public
from .records import expect_version, facts, latest_revision, lock_statement, record_event


def _note(value: Any, field_name: str = "comment") -> str:
    text, errors = rules.clean_note(value, field_name, rules.COMMENT_MAX)
    if errors:
        raise ValidationFailed(errors)
    return text


@unit_of_work
def submit_statement(
    statement: Statement | int,
    *,
    actor: User,
    comment: Any = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Statement:
    """Draft -> in review, once it has a title, words to give, a spokesperson for its statement
    and a review-by date still to come."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = lock_statement(statement)
    expect_version(record, expected_version, required=False, prompt="")
    note = _note(comment)
    refuse_unless(rules.may_submit(facts(record), who, now))
    record.state = "in_review"
    record.notice = None
    record.updated_at = now
    record_event(
        record, actor, "submit", now, from_state="draft", to_state="in_review", comment=note
    )
    return record


@unit_of_work
def approve_statement(
    statement: Statement | int,
    *,
    actor: User,
    expected_version: Any,
    comment: Any = None,
    now: datetime | None = None,
) -> Statement:
    """Sign off a statement in review. The approver names the version they reviewed and the
    approval covers exactly that content (its hash); the approver must be neither its author
    nor anyone who changed it (the release two-person rule). A statement published in the
    newsroom shows the newly approved words there from now on."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = lock_statement(statement)
    latest = latest_revision(record)
    refuse_unless(rules.may_approve(facts(record, latest), who, now))
    expect_version(
        record,
        expected_version,
        required=True,
        prompt="Give the version you reviewed: the approval covers exactly that content",
    )
    note = _note(comment)
    record.state = "approved"
    record.approved_hash = latest.content_hash
    record.approved_by_id = actor.id
    record.approved_at = now
    record.approved_version = record.version
    record.notice = None
    record.updated_at = now
    record_event(
        record, actor, "approve", now, from_state="in_review", to_state="approved", comment=note
    )
    show_approved_to_public(record, latest, actor, now)
    return record


@unit_of_work
def request_statement_changes(
    statement: Statement | int,
    *,
    actor: User,
    comment: Any,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Statement:
    """An approver sends a statement in review back to draft, saying why."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = lock_statement(statement)
    expect_version(record, expected_version, required=False, prompt="")
    note = _note(comment)
    refuse_unless(rules.may_request_changes(facts(record), who, now, note))
    record.state = "draft"
    record.updated_at = now
    record.notice = f"Changes requested by {actor.name}: {note}"
    record_event(
        record,
        actor,
        "request_changes",
        now,
        from_state="in_review",
        to_state="draft",
        comment=note,
    )
    return record


@unit_of_work
def retire_statement(
    statement: Statement | int,
    *,
    actor: User,
    reason: Any,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Statement:
    """Retire a statement that is no longer the office's line, with the reason. It is kept,
    with everything it was used for, but can no longer be given to anyone."""
    now = clock.instant(now)
    who = acting_staff(actor)
    record = lock_statement(statement)
    expect_version(record, expected_version, required=False, prompt="")
    text = _note(reason, "reason")
    current = facts(record)
    refuse_unless(rules.may_retire(current, who, now, text))
    status = current.status(now)
    record.state = "retired"
    record.retired_at = now
    record.retired_reason = text
    record.notice = None
    record.updated_at = now
    record_event(record, actor, "retire", now, from_state=status, to_state="retired", comment=text)
    return record
