"""What the public sees of statements: only those published in the newsroom, and of each only
the approved revision the public is shown, and of that only the title, the on-the-record words
and who said them. The lines, the Q&A and the background never leave the press office.

A statement never published, or a slug that never existed, is the one NotFound, with the words
the newsroom uses for a release that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ... import clock
from ...domain import visibility
from ...domain.render import attribution
from ...domain.statement_publication import publication_facts
from ...domain.statements import content_from_stored
from ...extensions import db
from ...models import Release, Statement
from ..errors import NotFound
from ..releases.public import public_clause as release_public_clause

PUBLIC_NOT_FOUND = "There is no statement at this address"


@dataclass(frozen=True)
class PublicRelease:
    """A release a public statement serves, named only once the release is public itself."""

    slug: str
    title: str


@dataclass(frozen=True)
class PublicStatement:
    """A statement as the public may see it."""

    id: int
    slug: str
    status: str  # published or withdrawn
    title: str
    statement: str
    spokesperson: str
    spokesperson_role: str
    published_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    releases: tuple[PublicRelease, ...] = ()

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn"

    @property
    def attribution(self) -> str:
        """ "<spokesperson>, <role>, said:", as a release introduces a quote ("" for nobody)."""
        return attribution(self.spokesperson or "", self.spokesperson_role or "")


def public_statement_clause(now: datetime, *, listed_only: bool = False):
    """SQL for ``domain.visibility.is_public`` (or ``is_listed``) of a statement's publication;
    the tests check that the two agree in every publication state."""
    states = ("published",) if listed_only else ("published", "withdrawn")
    return sa.and_(Statement.public_revision_id.is_not(None), Statement.publication.in_(states))


def _public(statement: Statement, now: datetime, releases=()) -> PublicStatement:
    content = statement.public_revision.content
    withdrawn = statement.publication == "withdrawn"
    published_at = statement.published_at or statement.public_revision.created_at
    return PublicStatement(
        id=statement.id,
        slug=statement.slug or "",
        status=statement.publication or "",
        title=content.get("title") or "",
        statement=content.get("statement") or "",
        spokesperson=content.get("spokesperson") or "",
        spokesperson_role=content.get("spokesperson_role") or "",
        published_at=published_at,
        updated_at=statement.public_updated_at or published_at,
        withdrawn_at=statement.withdrawn_at if withdrawn else None,
        withdrawal_reason=statement.withdrawal_reason if withdrawn else None,
        releases=tuple(releases),
    )


def _public_releases(numbers: list[int], now: datetime) -> list[PublicRelease]:
    """The releases of ``numbers`` that are public now, in that order, by their public title;
    an embargoed or draft release is left out without a trace."""
    if not numbers:
        return []
    rows = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Release)
            .where(Release.id.in_(numbers), release_public_clause(now))
            .options(joinedload(Release.public_revision))
        )
    }
    return [
        PublicRelease(slug=rows[n].slug, title=rows[n].public_revision.title)
        for n in dict.fromkeys(numbers)
        if n in rows
    ]


def load_public_statement(slug: str, now: datetime | None = None) -> PublicStatement:
    """A published or withdrawn statement by its newsroom address, as the public sees it;
    NotFound otherwise (never published, or no such address)."""
    now = clock.instant(now)
    statement = db.session.scalars(
        sa.select(Statement)
        .where(Statement.slug == str(slug)[:120])
        .options(joinedload(Statement.public_revision))
    ).first()
    if statement is None or statement.public_revision is None:
        raise NotFound(PUBLIC_NOT_FOUND)
    facts = publication_facts(statement.publication, statement.public_revision_id)
    if not visibility.is_public(facts, now):
        raise NotFound(PUBLIC_NOT_FOUND)
    linked = _public_releases(
        list(content_from_stored(statement.public_revision.content).release_ids), now
    )
    return _public(statement, now, linked)


def public_statements_by_id(ids: list[int], now: datetime) -> dict[int, PublicStatement]:
    """Listed statements by number, for the newsroom list (one query)."""
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(Statement)
        .where(Statement.id.in_(ids), public_statement_clause(now, listed_only=True))
        .options(joinedload(Statement.public_revision))
    )
    return {s.id: _public(s, now) for s in rows}


def latest_public_statements(limit: int = 20, now: datetime | None = None) -> list[PublicStatement]:
    """The newest published statements, for the Atom feed: one query."""
    now = clock.instant(now)
    rows = db.session.scalars(
        sa.select(Statement)
        .where(public_statement_clause(now, listed_only=True))
        .options(joinedload(Statement.public_revision))
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .limit(limit)
    )
    return [_public(s, now) for s in rows]
