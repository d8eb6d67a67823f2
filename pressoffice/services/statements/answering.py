"""Answering an enquiry from a statement: the statements offered on the enquiry page (those
matching its subject, its details or its linked release first), and the check, under the
statement's lock, that the one chosen may be given to a journalist now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ... import clock
from ...domain import statements as rules
from ...extensions import db
from ...models import Enquiry, Statement, StatementRevision
from ..errors import NotFound, ValidationFailed
from .records import facts, lock_statement, record_event, working_content

_WORD = re.compile(r"[\w']+")
# Words too common to say that a statement is about what a journalist asked.
_COMMON = frozenset(
    "a an and are as at be by for from has have how in is it its of on or our the this to "
    "was what when where which who why will with you your about any can do does did".split()
)


@dataclass(frozen=True)
class StatementChoice:
    """A statement offered for an enquiry: whether it may be used, and why not."""

    statement: Statement
    matched: bool
    usable: bool
    reason: str
    status: str


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 2 and w not in _COMMON}


def _score(statement: Statement, enquiry: Enquiry | Any) -> int:
    asked = _words(f"{enquiry.subject or ''} {enquiry.details or ''}")
    score = 0
    if enquiry.release_id and enquiry.release_id in statement.release_ids:
        score += 10
    for topic in statement.topics or ():
        if _words(topic) and _words(topic) <= asked:
            score += 5
    score += len(asked & _words(statement.title))
    return score


def _latest_hashes(statement_ids: list[int]) -> dict[int, str]:
    """The content hash of each statement's latest revision."""
    if not statement_ids:
        return {}
    latest = (
        sa.select(
            StatementRevision.statement_id, sa.func.max(StatementRevision.number).label("number")
        )
        .where(StatementRevision.statement_id.in_(statement_ids))
        .group_by(StatementRevision.statement_id)
        .subquery()
    )
    return dict(
        db.session.execute(
            sa.select(StatementRevision.statement_id, StatementRevision.content_hash).join(
                latest,
                sa.and_(
                    StatementRevision.statement_id == latest.c.statement_id,
                    StatementRevision.number == latest.c.number,
                ),
            )
        ).all()
    )


def statements_for_enquiry(
    enquiry: Enquiry | Any, now: datetime | None = None
) -> list[StatementChoice]:
    """The statements an officer may answer ``enquiry`` from: usable ones that match its
    subject, topics or linked release first (best match first), then the other usable ones,
    then matching ones that can't be used now, saying why (needs review, not yet approved)."""
    now = clock.instant(now)
    rows = list(
        db.session.scalars(
            sa.select(Statement)
            .where(Statement.state != "retired")
            .order_by(Statement.updated_at.desc(), Statement.id.desc())
        )
    )
    latest_hashes = _latest_hashes([s.id for s in rows])
    scored = []
    for statement in rows:
        # Only what may_use reads: the state, the review-by date and whether the approval
        # covers the latest revision (read for every statement in one query).
        state = rules.StatementState(
            state=statement.state,
            author_id=statement.author_id,
            last_editor_id=statement.last_editor_id,
            content_hash=latest_hashes.get(statement.id, ""),
            approved_hash=statement.approved_hash,
            review_by=statement.review_by,
        )
        decision = rules.may_use(state, now)
        score = _score(statement, enquiry)
        if not decision.ok and score == 0:
            continue
        scored.append(
            (
                0 if decision.ok and score else 1 if decision.ok else 2,
                -score,
                StatementChoice(
                    statement=statement,
                    matched=score > 0,
                    usable=decision.ok,
                    reason=decision.reason,
                    status=state.status(now),
                ),
            )
        )
    scored.sort(key=lambda item: (item[0], item[1]))
    return [choice for _, _, choice in scored]


def statement_for_answer(
    statement_id: Any, now: datetime, *, actor=None, reference: str = ""
) -> tuple[Statement, rules.StatementContent]:
    """The statement chosen to answer an enquiry, locked and checked: approved, its approval
    covering exactly what it says now, and not past its review-by date. Refused by the field
    ``statement_id`` otherwise. Called inside the answering unit of work, before the enquiry
    is changed; the use is written on the statement's timeline."""
    try:
        statement = lock_statement(statement_id)
    except NotFound:
        raise ValidationFailed(
            {"statement_id": "There is no statement with that number"},
            "There is no statement with that number",
        ) from None
    decision = rules.may_use(facts(statement), now, "statement_id")
    if not decision.ok:
        raise ValidationFailed({"statement_id": decision.reason}, decision.reason)
    if actor is not None:
        record_event(statement, actor, "used", now, comment=f"Answered enquiry {reference}")
    return statement, working_content(statement)
