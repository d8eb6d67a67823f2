"""Reading statements, for staff: one statement and what it may do, the search by words and
topic, the timeline, any two revisions compared, and every enquiry answered from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ... import clock
from ...domain import statement_publication as publishing
from ...domain import statements as rules
from ...extensions import db
from ...models import Enquiry, Statement, StatementEvent, StatementRevision, User
from ..errors import NotFound, ValidationFailed

# The side-by-side rows are the ones the release comparison shows, so both pages read alike.
from ..releases.history import FieldComparison, compare_fields, revision_numbers
from ..sign_off import acting_staff
from .records import facts, statement_number, working_content

MAX_QUERY = 200
PER_PAGE = 50


def get_statement(statement_id: Any) -> Statement:
    """One statement by its number; NotFound when there is none."""
    found = db.session.get(Statement, statement_number(statement_id))
    if found is None:
        raise NotFound("There is no statement with that number")
    return found


def statement_content(statement: Statement) -> rules.StatementContent:
    """The statement's current content."""
    return working_content(statement)


def statement_facts(statement: Statement) -> rules.StatementState:
    """What the rules look at for this statement now."""
    return facts(statement)


def statement_status(statement: Statement, now: datetime | None = None) -> str:
    """The status a person sees (``needs_review`` for an approved one past its date)."""
    now = clock.instant(now)
    if statement.state == "approved" and rules.review_is_due(statement.review_by, now):
        return "needs_review"
    return statement.state


def statement_actions(statement: Statement, user: User, now: datetime | None = None) -> list[str]:
    """The buttons this person is offered on the statement page."""
    now = clock.instant(now)
    current, who = facts(statement), acting_staff(user)
    return rules.available_actions(current, who, now) + publishing.publication_actions(
        current, who, now
    )


def list_statements(
    *, q: Any = None, topic: Any = None, include_retired: bool = False, limit: int = PER_PAGE
) -> list[Statement]:
    """Statements whose title, topics, lines, statement or Q&A contain every word of ``q``
    and, with ``topic``, that carry that topic; most recently changed first."""
    query = sa.select(Statement)
    if not include_retired:
        query = query.where(Statement.state != "retired")
    words = str(q or "")[:MAX_QUERY].split()
    searched = sa.func.lower(
        Statement.title
        + " "
        + sa.cast(Statement.topics, sa.Text)
        + " "
        + sa.cast(Statement.lines, sa.Text)
        + " "
        + Statement.statement
        + " "
        + sa.cast(Statement.qa, sa.Text)
    )
    for word in words:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(searched.like(f"%{escaped}%", escape="\\"))
    rows = list(
        db.session.scalars(query.order_by(Statement.updated_at.desc(), Statement.id.desc()))
    )
    wanted = str(topic or "").strip().casefold()[: rules.TOPIC_MAX]
    if wanted:
        rows = [s for s in rows if wanted in {t.casefold() for t in s.topics}]
    return rows[:limit]


def all_topics() -> list[str]:
    """Every topic in use, for the search's topic choice."""
    seen: dict[str, str] = {}
    for topics in db.session.scalars(sa.select(Statement.topics)):
        for topic in topics or ():
            seen.setdefault(topic.casefold(), topic)
    return sorted(seen.values(), key=str.casefold)


def statements_going_stale(now: datetime | None = None, days: int = 7) -> list[Statement]:
    """Approved statements whose review-by date falls within the next ``days`` days (London
    dates), and those already past it, soonest first: the staff home page's list."""
    now = clock.instant(now)
    until = rules.london_date(now) + timedelta(days=days)
    return list(
        db.session.scalars(
            sa.select(Statement)
            .where(Statement.state == "approved", Statement.review_by <= until)
            .order_by(Statement.review_by, Statement.id)
        )
    )


@dataclass(frozen=True)
class StatementHistory:
    statement: Statement
    events: list[StatementEvent]
    revisions: list[StatementRevision]


def statement_history(statement_id: Any) -> StatementHistory:
    """The timeline (oldest first) and every revision (newest first) of a statement."""
    statement = get_statement(statement_id)
    events = list(
        db.session.scalars(
            sa.select(StatementEvent)
            .where(StatementEvent.statement_id == statement.id)
            .options(joinedload(StatementEvent.actor))
            .order_by(StatementEvent.created_at, StatementEvent.id)
        )
    )
    revisions = list(
        db.session.scalars(
            sa.select(StatementRevision)
            .where(StatementRevision.statement_id == statement.id)
            .options(joinedload(StatementRevision.editor))
            .order_by(StatementRevision.number.desc())
        )
    )
    return StatementHistory(statement, events, revisions)


_FIELD_LABELS = {
    "title": "Title",
    "topics": "Topics",
    "lines": "Lines to take",
    "qa": "Questions and answers",
    "statement": "On-the-record statement",
    "spokesperson": "Spokesperson",
    "background": "Background (not for quotation)",
    "review_by": "Review by",
}


def _as_lines(content: dict[str, Any]) -> dict[str, str]:
    return {
        "title": content.get("title") or "",
        "topics": ", ".join(content.get("topics") or ()),
        "lines": "\n".join(f"{i}. {x}" for i, x in enumerate(content.get("lines") or (), 1)),
        "qa": "\n".join(
            f"Q: {p.get('question', '')}\nA: {p.get('answer', '')}" for p in content.get("qa") or ()
        ),
        "statement": content.get("statement") or "",
        "spokesperson": ", ".join(
            x for x in (content.get("spokesperson"), content.get("spokesperson_role")) if x
        ),
        "background": content.get("background") or "",
        "review_by": content.get("review_by") or "",
    }


@dataclass(frozen=True)
class StatementComparison:
    statement: Statement
    old: StatementRevision
    new: StatementRevision
    fields: list[FieldComparison] = field(default_factory=list)

    @property
    def changed_fields(self) -> list[FieldComparison]:
        return [f for f in self.fields if f.changed]


def compare_statement_revisions(
    statement_id: Any, old_number: Any, new_number: Any
) -> StatementComparison:
    """Two revisions of a statement field by field, each as side-by-side rows of lines."""
    statement = get_statement(statement_id)
    numbers = revision_numbers(old_number, new_number, "statement")
    errors: dict[str, str] = {}
    revisions = {
        r.number: r
        for r in db.session.scalars(
            sa.select(StatementRevision).where(
                StatementRevision.statement_id == statement.id,
                StatementRevision.number.in_(list(numbers.values())),
            )
        )
    }
    for name, number in numbers.items():
        if number not in revisions:
            errors[name] = f"This statement has no revision {number}"
    if errors:
        raise ValidationFailed(errors)
    old, new = revisions[numbers["old"]], revisions[numbers["new"]]
    fields = compare_fields(_as_lines(old.content), _as_lines(new.content), _FIELD_LABELS)
    return StatementComparison(statement=statement, old=old, new=new, fields=fields)


@dataclass(frozen=True)
class AnsweredEnquiry:
    """Who was told what: one enquiry answered from the statement."""

    reference: str
    journalist_name: str
    email: str | None
    outlet: str
    answered_at: datetime | None
    version: int | None
    anonymised: bool


def answered_from(statement_id: Any) -> list[AnsweredEnquiry]:
    """Every enquiry answered from the statement, newest first, with the version given."""
    number = statement_number(statement_id)
    rows = db.session.scalars(
        sa.select(Enquiry)
        .where(Enquiry.statement_id == number)
        .order_by(Enquiry.answered_at.desc(), Enquiry.id.desc())
    )
    return [
        AnsweredEnquiry(
            reference=e.reference,
            journalist_name=e.journalist_name,
            email=e.email,
            outlet=e.outlet,
            answered_at=e.answered_at,
            version=e.statement_version,
            anonymised=e.anonymised_at is not None,
        )
        for e in rows
    ]
