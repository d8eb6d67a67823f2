"""The sign-off rules every piece of cleared content keeps, releases and statements alike.

A piece of content is approved by a member of staff with the right to sign off who had no hand in
it (not its author, not the last editor, nobody who changed the words being approved), and the
approval is bound to the hash of exactly the content it covers: an edit makes a new hash, and the
approval no longer covers it. ``domain.workflow`` (releases) and ``domain.statements`` (lines to
take) each apply these rules to their own state machine, so the rule is written here once.

Each guard answers a ``Decision``: ``ok`` and, when not, a reason in words a press officer
understands, the same on the staff pages and in the JSON API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

OFFICER, APPROVER, ADMIN = "officer", "approver", "admin"
STAFF_ROLES = (OFFICER, APPROVER, ADMIN)
SIGN_OFF_ROLES = (APPROVER, ADMIN)


@dataclass(frozen=True)
class Decision:
    """A guard's answer. When refused, ``kind`` says what sort of refusal it is: ``state`` (the
    action does not apply now), ``permission`` (not this person) or ``invalid`` (something the
    person must give is missing or wrong, named by ``field``)."""

    ok: bool
    reason: str = ""
    kind: str = ""
    field: str = ""

    def __bool__(self) -> bool:
        return self.ok


ALLOWED = Decision(True)


def refused(reason: str, kind: str = "state", field: str = "") -> Decision:
    """A refusal of the given kind."""
    return Decision(False, reason, kind, field)


def not_you(reason: str) -> Decision:
    """A refusal because of who is asking."""
    return refused(reason, "permission")


def invalid(field: str, reason: str) -> Decision:
    """A refusal because something given in ``field`` is missing or wrong."""
    return refused(reason, "invalid", field)


@dataclass(frozen=True)
class Actor:
    id: int
    role: str


class Authored(Protocol):
    """What the two-person rule reads of the content being approved."""

    author_id: int
    # Who saved the current content last (the editor of the latest revision).
    last_editor_id: int
    # Everyone who saved a revision of the content being approved.
    editor_ids: frozenset[int]


def two_person_rule(content: Authored, actor: Actor, what: str, noun: str) -> Decision:
    """Only an approver or an admin signs off, and never one who wrote or changed the content:
    ``noun`` names the kind of content ("release", "statement"), ``what`` what is approved."""
    if actor.role not in SIGN_OFF_ROLES:
        return not_you(f"Only an approver or an admin can approve {what}")
    if actor.id == content.author_id:
        return not_you(f"You wrote this {noun}; someone else must approve {what}")
    if actor.id == content.last_editor_id:
        return not_you(
            f"You made the latest changes to this {noun}; someone else must approve {what}"
        )
    if actor.id in content.editor_ids:
        return not_you(
            f"You made changes to the content being approved; someone else must approve {what}"
        )
    return ALLOWED


def approval_covers(approved_hash: str | None, content_hash: str) -> bool:
    """Whether an approval recorded for ``approved_hash`` covers the content as it is now."""
    return bool(approved_hash) and approved_hash == content_hash


def approved_content_unchanged(approved_hash: str | None, content_hash: str) -> Decision:
    """Allowed only when the approval covers exactly the current content."""
    if not approval_covers(approved_hash, content_hash):
        return refused(
            "The content has changed since it was approved; it must be submitted and approved again"
        )
    return ALLOWED
