"""Publishing a statement in the newsroom, by the release rules (``domain.visibility``).

Publication in the newsroom is optional and runs beside that table, by the release rules
(``domain.visibility``): an approved statement with on-the-record words is *published* (the
public page shows only those words, of exactly the approved revision: never the lines, the Q&A
or the background); an edit sends the statement back to draft while the public keeps the last
approved words, until it is approved again (like a release correction); an approver
*withdraws* it with a public reason (the page stays with the notice, out of lists and feeds).
A published statement is withdrawn before it is retired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import signoff
from .signoff import ALLOWED, SIGN_OFF_ROLES, STAFF_ROLES, Actor, Decision
from .statements import StatementState, _label


def may_publish(statement: StatementState, actor: Actor, now: datetime) -> Decision:
    """Any member of staff publishes an approved, current statement with on-the-record words
    in the newsroom, provided the approval covers exactly its content. Once withdrawn, it is
    not published again."""
    if actor.role not in STAFF_ROLES:
        return signoff.not_you("Only press office staff can publish statements")
    if statement.publication == "published":
        return signoff.refused("This statement is already published in the newsroom")
    if statement.publication == "withdrawn":
        return signoff.refused(
            "This statement was withdrawn from the newsroom; it can't be published again"
        )
    status = statement.status(now)
    if status == "needs_review":
        return signoff.refused(
            "This statement is past its review-by date and needs review: it can't be published "
            "until it is approved again"
        )
    if status != "approved":
        return signoff.refused(
            f"Only an approved statement can be published; this statement is {_label(status)}"
        )
    if not statement.on_the_record:
        return signoff.refused(
            "Only the on-the-record statement is published: add it, with its spokesperson, "
            "and have it approved"
        )
    return signoff.approved_content_unchanged(statement.approved_hash, statement.content_hash)


def may_withdraw(
    statement: StatementState, actor: Actor, now: datetime, reason: str | None
) -> Decision:
    """An approver takes a published statement out of the newsroom, giving a public reason."""
    if statement.publication != "published":
        return signoff.refused("Only a statement published in the newsroom can be withdrawn")
    if actor.role not in SIGN_OFF_ROLES:
        return signoff.not_you("Only an approver or an admin can withdraw a statement")
    if not (reason or "").strip():
        return signoff.invalid(
            "reason",
            "Give the reason for withdrawing it: readers will see it on the statement's page",
        )
    return ALLOWED


def publishes_on_approval(statement: StatementState) -> bool:
    """Whether approving the statement also puts the approved words on its newsroom page: it is
    published (not withdrawn), so the public has been seeing the last approved version."""
    return statement.publication == "published"


@dataclass(frozen=True)
class StatementPublication:
    """A statement's publication, as ``domain.visibility`` reads it (the release rules)."""

    state: str
    public_revision_id: int | None
    embargo_until: datetime | None = None


def publication_facts(
    publication: str | None, public_revision_id: int | None
) -> StatementPublication:
    """The facts ``domain.visibility.is_public`` and ``is_listed`` decide on for a statement:
    a statement never published is, for the public, a draft."""
    return StatementPublication(publication or "draft", public_revision_id)


def publication_actions(statement: StatementState, actor: Actor, now: datetime) -> list[str]:
    """The newsroom buttons this person is offered on the statement page."""
    offered = []
    if may_publish(statement, actor, now):
        offered.append("publish")
    if may_withdraw(statement, actor, now, "-"):
        offered.append("withdraw")
    return offered
