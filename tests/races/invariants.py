"""What must hold after every race, read straight from the database with SQLAlchemy.

Whatever order two requests landed in, the release must look as if they had run one after the
other: the public sees only a revision that someone who did not write it approved, each approval
is recorded once, and a speaker's sign-off covers the words the quote has now.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pressoffice.models import QuoteSignoff, Release, ReleaseEvent, ReleaseRevision

APPROVALS = ("approve", "approve_correction")


@dataclass
class ReleaseFacts:
    """A release as stored, with its revisions (by number) and its timeline."""

    release: Release
    revisions: dict[int, ReleaseRevision]
    events: list[ReleaseEvent]
    signoffs: list[QuoteSignoff] = field(default_factory=list)

    @property
    def state(self) -> str:
        return self.release.state

    def count(self, action: str) -> int:
        return sum(1 for e in self.events if e.action == action)

    def revision_by_id(self, revision_id: int | None) -> ReleaseRevision | None:
        for revision in self.revisions.values():
            if revision.id == revision_id:
                return revision
        return None

    @property
    def approvals(self) -> list[ReleaseEvent]:
        return [e for e in self.events if e.action in APPROVALS]


def load(engine: sa.Engine, release_id: int) -> ReleaseFacts:
    with Session(engine, expire_on_commit=False) as session:
        release = session.get(Release, release_id)
        assert release is not None, f"release {release_id} is missing"
        revisions = {
            r.number: r
            for r in session.scalars(
                sa.select(ReleaseRevision).where(ReleaseRevision.release_id == release_id)
            )
        }
        events = list(
            session.scalars(
                sa.select(ReleaseEvent)
                .where(ReleaseEvent.release_id == release_id)
                .order_by(ReleaseEvent.id)
            )
        )
        signoffs = list(
            session.scalars(
                sa.select(QuoteSignoff)
                .where(QuoteSignoff.release_id == release_id)
                .order_by(QuoteSignoff.id)
            )
        )
        session.expunge_all()
    return ReleaseFacts(release, revisions, events, signoffs)


def broken_rules(facts: ReleaseFacts) -> list[str]:
    """Every invariant of a release that does not hold, in words; empty when all hold."""
    problems: list[str] = []
    release, revisions = facts.release, facts.revisions

    numbers = sorted(revisions)
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"revision numbers are not 1..n: {numbers}")
    if numbers and release.version != numbers[-1]:
        problems.append(f"version {release.version} but the latest revision is {numbers[-1]}")

    # Each approval covers a revision that its approver did not write (nor any before it), and
    # no revision is approved twice: one approve event per approval.
    approved_revisions: dict[int, ReleaseEvent] = {}
    for event in facts.approvals:
        revision = facts.revision_by_id(event.revision_id)
        if revision is None:
            problems.append(f"{event.action} event {event.id} names no revision")
            continue
        writers = {r.editor_id for n, r in revisions.items() if n <= revision.number}
        writers.add(release.author_id)
        if event.actor_id in writers:
            problems.append(
                f"revision {revision.number} was approved by user {event.actor_id}, "
                "who wrote part of it"
            )
        if revision.id in approved_revisions:
            problems.append(f"revision {revision.number} has two approve events")
        approved_revisions[revision.id] = event

    if release.approved_hash is not None:
        approved = facts.revision_by_id(release.approved_revision_id)
        if approved is None or approved.content_hash != release.approved_hash:
            problems.append("the approved hash is not the hash of the approved revision")
        elif approved.id not in approved_revisions:
            problems.append(f"revision {approved.number} is marked approved with no approve event")
        elif approved_revisions[approved.id].actor_id != release.approved_by_id:
            problems.append("the approval names someone other than the approve event")

    public = facts.revision_by_id(release.public_revision_id)
    if release.public_revision_id is not None:
        if release.state not in ("published", "withdrawn", "scheduled"):
            problems.append(f"a release in state {release.state} has a public revision")
        if public is None:
            problems.append("the public revision does not exist")
        elif public.id not in approved_revisions:
            problems.append(
                f"the public revision {public.number} (hash {public.content_hash[:12]}) "
                "matches no approval: the public would read content nobody else approved"
            )
    elif release.state in ("published", "withdrawn"):
        problems.append(f"a release in state {release.state} has no public revision")

    if release.state == "scheduled" and release.embargo_until is None:
        problems.append("a scheduled release has no embargo instant")
    if release.state in ("approved", "scheduled") and release.approved_hash is None:
        problems.append(f"a release {release.state} has no approval")
    if release.state in ("approved", "scheduled"):
        latest = revisions.get(release.version)
        if latest is not None and latest.content_hash != release.approved_hash:
            problems.append(
                f"{release.state} at version {release.version}, whose content was never approved"
            )

    # A speaker's sign-off recorded as approved covers the quote's words as they are now.
    quotes = {q.get("key"): q.get("text") for q in release.quotes}
    for signoff in facts.signoffs:
        if signoff.status == "approved" and quotes.get(signoff.quote_key) != signoff.quote_text:
            problems.append(
                "a speaker's sign-off counts as approved for words the quote no longer has"
            )
    return problems
