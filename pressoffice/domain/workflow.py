"""The release state machine: which action applies in which state, who may take it, and why not.

Each guard answers a ``Decision``: ``ok`` and, when not, a reason in words a press officer
understands. The same reason reaches the staff page and the JSON API, so a rule is written here
once. The current instant is an argument; states are read through ``visibility.computed_status``,
so a scheduled release whose embargo has passed is treated as the published release it is.

| from                            | action          | to        |
| ------------------------------- | --------------- | --------- |
| draft                           | submit          | in_review |
| in_review                       | approve         | approved  |
| in_review                       | request_changes | draft     |
| approved                        | publish         | published |
| approved                        | schedule        | scheduled |
| scheduled                       | reschedule      | scheduled |
| scheduled                       | unschedule      | approved  |
| published                       | withdraw        | withdrawn |
| draft                           | edit            | draft     |
| in_review, approved, scheduled  | edit            | draft (approval void, schedule cancelled) |
| published                       | edit            | published (a correction, pending approval) |
| published, correction pending   | approve         | published (the correction goes public) |
| published, correction pending   | request_changes | published (the correction stays pending) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import signoff

# The roles, the guard's answer and the actor are the shared sign-off ones, still reached here.
from .signoff import (  # noqa: F401
    ADMIN,
    ALLOWED,
    APPROVER,
    OFFICER,
    SIGN_OFF_ROLES,
    STAFF_ROLES,
    Actor,
    Decision,
)
from .visibility import computed_status

ACTIONS = (
    "edit",
    "submit",
    "approve",
    "request_changes",
    "publish",
    "schedule",
    "reschedule",
    "unschedule",
    "withdraw",
)

# The statuses a person sees: the stored states, and a draft sent back by an approver.
CHANGES_REQUESTED = "changes_requested"

STATE_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "scheduled": "Scheduled",
    "published": "Published",
    "withdrawn": "Withdrawn",
}

DISPLAY_LABELS = {**STATE_LABELS, CHANGES_REQUESTED: "Changes requested"}

ACTION_LABELS = {
    "create": "Created",
    "edit": "Edited",
    "correction": "Correction drafted",
    "submit": "Submitted for approval",
    "approve": "Approved",
    "approve_correction": "Correction approved",
    "request_changes": "Changes requested",
    "publish": "Published",
    "schedule": "Scheduled",
    "reschedule": "Embargo changed",
    "unschedule": "Unscheduled",
    "embargo_lifted": "Published at the embargo",
    "withdraw": "Withdrawn",
    "approval_void": "Approval void",
    # Links for people without accounts: embargoed copies and quote sign-off.
    "recipient_added": "Embargoed copy sent",
    "recipient_revoked": "Embargoed link revoked",
    "embargo_broken": "Published early: embargo broken",
    "quote_signoff_requested": "Quote sign-off requested",
    "quote_signed_off": "Quote signed off by the speaker",
    "quote_change_proposed": "Quote change proposed by the speaker",
    "quote_suggestion_accepted": "Quote change accepted",
    "quote_suggestion_rejected": "Quote change rejected",
    "quote_signoff_void": "Quote sign-off void",
    "quote_signoff_revoked": "Quote sign-off link revoked",
    "signoff_override": "Approved without a quote sign-off",
    "delete": "Draft deleted",
}


_no = signoff.refused
_not_you = signoff.not_you
_invalid = signoff.invalid


@dataclass(frozen=True)
class ReleaseState:
    """The facts about a release that the rules look at."""

    state: str
    author_id: int
    # Who saved the current content last (the editor of the latest revision).
    last_editor_id: int
    embargo_until: datetime | None = None
    # Hash of the current content, and of what was approved (None when not approved).
    content_hash: str = ""
    approved_hash: str | None = None
    # Hash of what the public sees, once published.
    public_hash: str | None = None
    missing_for_review: tuple[str, ...] = ()
    # Quotes still waiting for the person quoted to sign them off, each described in words.
    quotes_awaiting_signoff: tuple[str, ...] = ()
    # Everyone who saved a revision of the content being approved: since the version the public
    # sees, or since the release was started.
    editor_ids: frozenset[int] = frozenset()
    # Who signed off the content now approved, by name, to say so to a second approver.
    approved_by_name: str | None = None
    # Whether it was ever submitted for approval: a draft that never was can be deleted.
    ever_submitted: bool = False
    # A draft an approver sent back, not submitted again since.
    changes_requested: bool = False

    def status(self, now: datetime) -> str:
        return computed_status(self.state, self.embargo_until, now)

    @property
    def has_pending_correction(self) -> bool:
        return self.public_hash is not None and self.content_hash != self.public_hash


def next_state(current: str, action: str, *, correction: bool = False) -> str:
    """Where ``action`` takes a release that is ``current`` (already computed from the clock)."""
    if action == "edit":
        return "published" if current == "published" else "draft"
    if correction:
        return "published"
    return {
        "submit": "in_review",
        "approve": "approved",
        "request_changes": "draft",
        "publish": "published",
        "schedule": "scheduled",
        "reschedule": "scheduled",
        "unschedule": "approved",
        "withdraw": "withdrawn",
    }[action]


# Said when a change to the embargo reaches the release after its instant.
GONE_OUT = "The embargo has already lifted: it has gone out"


def _wrong_state(action: str, status: str) -> Decision:
    label = STATE_LABELS.get(status, status).lower()
    reasons = {
        "edit": f"A {label} release can't be edited",
        "submit": f"Only a draft can be submitted for approval; this release is {label}",
        "approve": f"Only a release in review can be approved; this release is {label}",
        "request_changes": (
            f"Changes can only be requested on a release in review; this release is {label}"
        ),
        "publish": f"Only an approved release can be published; this release is {label}",
        "schedule": f"Only an approved release can be scheduled; this release is {label}",
        "reschedule": f"Only a scheduled release can have its embargo changed; it is {label}",
        "unschedule": f"Only a scheduled release can be unscheduled; this release is {label}",
        "withdraw": f"Only a published release can be withdrawn; this release is {label}",
    }
    return _no(reasons.get(action, f"That can't be done to a {label} release"))


def awaiting_signoff_reason(described: list[str]) -> str:
    """The refusal to approve while quotes wait for their speakers, naming each quote."""
    if len(described) == 1:
        listed = described[0]
        verb = "is"
    else:
        listed = "; ".join(described[:-1]) + " and " + described[-1]
        verb = "are"
    sentence = f"{listed[0].upper()}{listed[1:]} {verb} still waiting for the speaker to sign off."
    return (
        f"{sentence} Wait for the answer, or approve anyway by giving a reason for going ahead "
        "without it."
    )


def _two_person_rule(release: ReleaseState, actor: Actor, what: str) -> Decision:
    return signoff.two_person_rule(release, actor, what, noun="release")


def may_edit(release: ReleaseState, actor: Actor, now: datetime) -> Decision:
    """Any member of staff may edit a release that is not withdrawn. In review, approved or
    scheduled, the edit sends it back to draft; published, it becomes a pending correction."""
    if actor.role not in STAFF_ROLES:
        return _not_you("Only press office staff can edit releases")
    status = release.status(now)
    if status == "withdrawn":
        return _wrong_state("edit", status)
    return ALLOWED


def may_submit(release: ReleaseState, actor: Actor, now: datetime) -> Decision:
    """A draft with a headline, a standfirst and a body can be submitted for approval."""
    if actor.role not in STAFF_ROLES:
        return _not_you("Only press office staff can submit releases")
    status = release.status(now)
    if status != "draft":
        return _wrong_state("submit", status)
    if release.missing_for_review:
        names = {"title": "a headline", "summary": "a standfirst", "body": "a body"}
        missing = [names.get(m, m) for m in release.missing_for_review]
        listed = (
            missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        )
        return _invalid(
            release.missing_for_review[0],
            f"Add {listed} before submitting the release for approval",
        )
    return ALLOWED


def may_approve(
    release: ReleaseState, actor: Actor, now: datetime, signoff_override: str | None = None
) -> Decision:
    """In review: an approver who is neither the author nor the last editor signs it off, once
    every quote has been signed off by its speaker (or giving ``signoff_override``, a reason to
    go ahead without). Published with a pending correction: the same two-person rule applies to
    the correction."""
    status = release.status(now)
    if status == "published" and release.has_pending_correction:
        return _two_person_rule(release, actor, "this correction")
    if status != "in_review":
        if status == "published":
            return _no("This release is published and has no correction waiting for approval")
        if status in ("approved", "scheduled") and release.approved_by_name:
            # Two approvers at once: the second learns who was first, not a puzzle.
            return _no(f"This release has already been approved by {release.approved_by_name}")
        return _wrong_state("approve", status)
    allowed = _two_person_rule(release, actor, "it")
    if allowed and release.quotes_awaiting_signoff and not (signoff_override or "").strip():
        return _no(awaiting_signoff_reason(list(release.quotes_awaiting_signoff)))
    return allowed


def may_request_changes(
    release: ReleaseState, actor: Actor, now: datetime, comment: str | None
) -> Decision:
    """An approver sends a release in review (or a pending correction) back, saying why."""
    status = release.status(now)
    correction = status == "published" and release.has_pending_correction
    if status != "in_review" and not correction:
        return _wrong_state("request_changes", status)
    if actor.role not in SIGN_OFF_ROLES:
        return _not_you("Only an approver or an admin can send a release back for changes")
    if not (comment or "").strip():
        return _invalid(
            "comment",
            "Enter a comment to request changes: say what needs to change; the author will see it",
        )
    return ALLOWED


def _approved_content_unchanged(release: ReleaseState) -> Decision:
    return signoff.approved_content_unchanged(release.approved_hash, release.content_hash)


def may_publish(release: ReleaseState, actor: Actor, now: datetime) -> Decision:
    """An approved release goes public now, provided its content is exactly what was approved."""
    if actor.role not in STAFF_ROLES:
        return _not_you("Only press office staff can publish releases")
    status = release.status(now)
    if status != "approved":
        return _wrong_state("publish", status)
    return _approved_content_unchanged(release)


def may_schedule(
    release: ReleaseState, actor: Actor, now: datetime, embargo_until: datetime | None
) -> Decision:
    """An approved release (or a scheduled one, to change its embargo) waits for an embargo
    instant in the future."""
    if actor.role not in STAFF_ROLES:
        return _not_you("Only press office staff can schedule releases")
    status = release.status(now)
    if status == "published" and release.embargo_until is not None:
        return _no(GONE_OUT + ", so its embargo can no longer be changed")
    if status not in ("approved", "scheduled"):
        return _wrong_state("schedule", status)
    if embargo_until is None:
        return _invalid("embargo_until", "Give the date and time the embargo lifts")
    if embargo_until.tzinfo is None:
        return _invalid(
            "embargo_until", "Give the embargo with its time-zone offset, such as +00:00 or +01:00"
        )
    if embargo_until <= now:
        return _invalid("embargo_until", "The embargo must be in the future")
    return _approved_content_unchanged(release)


def may_unschedule(release: ReleaseState, actor: Actor, now: datetime) -> Decision:
    """A scheduled release goes back to approved, as long as its embargo has not yet lifted."""
    if actor.role not in STAFF_ROLES:
        return _not_you("Only press office staff can unschedule releases")
    status = release.status(now)
    if status != "scheduled":
        if status == "published" and release.embargo_until is not None:
            return _no(GONE_OUT + ", so it can no longer be unscheduled")
        return _wrong_state("unschedule", status)
    return ALLOWED


def may_withdraw(
    release: ReleaseState, actor: Actor, now: datetime, reason: str | None
) -> Decision:
    """An approver takes a published release out of the newsroom, giving a public reason."""
    status = release.status(now)
    if status != "published":
        return _wrong_state("withdraw", status)
    if actor.role not in SIGN_OFF_ROLES:
        return _not_you("Only an approver or an admin can withdraw a release")
    if not (reason or "").strip():
        return _invalid(
            "reason", "Give the reason for withdrawing it: readers will see it on the release page"
        )
    return ALLOWED


def decide(
    action: str,
    release: ReleaseState,
    actor: Actor,
    now: datetime,
    *,
    comment: str | None = None,
    embargo_until: datetime | None = None,
    reason: str | None = None,
) -> Decision:
    """The guard for any action by name, for callers that choose the action at run time."""
    if action == "edit":
        return may_edit(release, actor, now)
    if action == "submit":
        return may_submit(release, actor, now)
    if action == "approve":
        return may_approve(release, actor, now)
    if action == "request_changes":
        return may_request_changes(release, actor, now, comment)
    if action == "publish":
        return may_publish(release, actor, now)
    if action in ("schedule", "reschedule"):
        return may_schedule(release, actor, now, embargo_until)
    if action == "unschedule":
        return may_unschedule(release, actor, now)
    if action == "withdraw":
        return may_withdraw(release, actor, now, reason)
    return _no(f"There is no action called {action!r}")


def available_actions(release: ReleaseState, actor: Actor, now: datetime) -> list[str]:
    """The actions this person could take now, for the buttons on the release page. Actions
    that need a comment, an embargo or a reason are offered when everything else allows them."""
    status = release.status(now)
    offered: list[str] = []
    if may_edit(release, actor, now):
        offered.append("edit")
    if may_submit(release, actor, now):
        offered.append("submit")
    if may_approve(release, actor, now):
        offered.append("approve")
    if may_request_changes(release, actor, now, "-"):
        offered.append("request_changes")
    if may_publish(release, actor, now):
        offered.append("publish")
    if status in ("approved", "scheduled") and actor.role in STAFF_ROLES:
        if _approved_content_unchanged(release):
            offered.append("reschedule" if status == "scheduled" else "schedule")
    if may_unschedule(release, actor, now):
        offered.append("unschedule")
    if may_withdraw(release, actor, now, "-"):
        offered.append("withdraw")
    return offered


def display_status(release: ReleaseState, now: datetime) -> str:
    """The status to show a person: a draft an approver sent back is "changes requested"
    until it is submitted again; otherwise the computed status."""
    status = release.status(now)
    if status == "draft" and release.changes_requested:
        return CHANGES_REQUESTED
    return status


def may_delete(release: ReleaseState, actor: Actor, now: datetime) -> Decision:
    """A draft that was never submitted for approval can be deleted by its author or an admin:
    nobody else has signed anything off, so nothing but the fact of it needs keeping."""
    if actor.role not in STAFF_ROLES:
        return _not_you("Only press office staff can delete drafts")
    status = release.status(now)
    if status != "draft":
        label = STATE_LABELS.get(status, status).lower()
        return _no(f"Only a draft can be deleted; this release is {label}")
    if release.ever_submitted:
        return _no(
            "This draft has been submitted for approval before, so it is kept with its "
            "history. Edit it instead"
        )
    if actor.id != release.author_id and actor.role != ADMIN:
        return _not_you("Only the author of this draft or an admin can delete it")
    return ALLOWED
