"""The two sign-off rules a release use case applies: approval waits while a quote waits for
its speaker, and changed words void a speaker's sign-off. Here, below both the release use cases
and the quote sign-off use cases, so that each can use them without the other."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ...domain import links
from ...extensions import db
from ...models import QuoteSignoff, Release, User
from .revisions import record_event, working_content


def quotes_awaiting_signoff(release: Release) -> tuple[str, ...]:
    """Each quote of the release still waiting for its speaker, described in words."""
    waiting = {
        s.quote_key
        for s in db.session.scalars(
            sa.select(QuoteSignoff).where(
                QuoteSignoff.release_id == release.id, QuoteSignoff.status.in_(links.WAITING)
            )
        )
    }
    return tuple(
        links.quote_described(q.speaker, q.text)
        for q in working_content(release).quotes
        if q.key in waiting
    )


def void_changed_signoffs(release: Release, content, editor: User, now: datetime) -> None:
    """Called as a revision is saved, in its transaction: a sign-off (or a request) for words
    that have changed, or for a quote that is gone, no longer counts."""
    current = {q.key: q for q in content.quotes}
    for signoff in db.session.scalars(
        sa.select(QuoteSignoff).where(
            QuoteSignoff.release_id == release.id, QuoteSignoff.status.in_(links.ACTIVE)
        )
    ):
        quote = current.get(signoff.quote_key)
        if quote is not None and quote.text == signoff.quote_text:
            continue
        was = signoff.status
        signoff.status = links.VOID
        what = "removed" if quote is None else "changed"
        record_event(
            release,
            editor,
            "quote_signoff_void",
            now,
            comment=(
                f"{editor.name} {what} the quote "
                + ("after " if was == links.APPROVED else "while waiting for ")
                + f"{signoff.name}"
                + (" signed it off" if was == links.APPROVED else " to sign it off")
                + ", so that sign-off no longer counts. Ask again if it is needed."
            ),
        )
