"""The newsroom list: published releases and published statements together, newest first, a
page at a time. Each kind is chosen by its own public rule (``releases.public.public_clause``,
``statements.public.public_statement_clause``), so nothing the public may not see is counted,
listed or named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..extensions import db
from ..models import Release, Statement
from .paging import Page
from .releases import public as release_public
from .releases.listing import page_numbers
from .statements import public as statement_public

DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class NewsroomItem:
    """One entry of the newsroom: ``kind`` is ``release`` or ``statement``; ``item`` is the
    PublicRelease or PublicStatement."""

    kind: str
    item: Any

    @property
    def published_at(self) -> datetime:
        return self.item.published_at


def list_newsroom(
    *, page: Any = 1, per_page: Any = DEFAULT_PER_PAGE, now: datetime | None = None
) -> Page:
    """Published releases and statements, newest first: three queries however many."""
    now = clock.instant(now)
    page, per_page = page_numbers(page, per_page, DEFAULT_PER_PAGE)
    both = sa.union_all(
        sa.select(
            sa.literal("release").label("kind"),
            Release.id.label("id"),
            Release.published_at.label("published_at"),
        ).where(release_public.public_clause(now, listed_only=True)),
        sa.select(
            sa.literal("statement").label("kind"),
            Statement.id.label("id"),
            Statement.published_at.label("published_at"),
        ).where(statement_public.public_statement_clause(now, listed_only=True)),
    ).subquery()
    # The page's rows carry the count of them all, so a page is one query, not two.
    rows = db.session.execute(
        sa.select(both.c.kind, both.c.id, sa.func.count().over().label("total"))
        .order_by(both.c.published_at.desc(), both.c.kind, both.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0].total
    else:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(both)) or 0
    release_ids = [row.id for row in rows if row.kind == "release"]
    statement_ids = [row.id for row in rows if row.kind == "statement"]
    releases = {}
    if release_ids:
        releases = {r.id: r for r in release_public.public_releases_by_id(release_ids, now)}
    statements = statement_public.public_statements_by_id(statement_ids, now)
    items = []
    for row in rows:
        found = (releases if row.kind == "release" else statements).get(row.id)
        if found is not None:
            items.append(NewsroomItem(row.kind, found))
    return Page(items=items, page=page, per_page=per_page, total=total)
