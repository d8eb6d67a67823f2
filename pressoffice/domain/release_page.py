"""What the release page offers one person: every action that belongs to the release's status,
allowed or refused with the guard's reason, the one next step, and what saving does. Built on
the guards of ``domain.workflow``, so a reason is still written once, there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .workflow import (
    Actor,
    Decision,
    ReleaseState,
    _wrong_state,
    awaiting_signoff_reason,
    decide,
    may_approve,
    may_delete,
    may_publish,
    may_schedule,
    may_submit,
)

# The actions that belong to each status, in the order the release page lists them. Those that
# this person cannot take now are still listed, with the guard's reason, so none vanishes.
PAGE_ACTIONS = {
    "draft": ("edit", "submit", "delete"),
    "in_review": ("approve", "request_changes", "edit"),
    "approved": ("publish", "schedule", "edit"),
    "scheduled": ("reschedule", "unschedule", "edit"),
    "published": ("edit", "withdraw"),
    "withdrawn": ("edit",),
}
CORRECTION_ACTIONS = ("approve", "request_changes", "edit", "withdraw")

BUTTON_LABELS = {
    "edit": "Edit",
    "submit": "Submit for approval",
    "delete": "Delete this draft",
    "approve": "Approve",
    "request_changes": "Request changes",
    "publish": "Publish now",
    "schedule": "Schedule for an embargo time",
    "reschedule": "Change the embargo time",
    "unschedule": "Unschedule",
    "withdraw": "Withdraw this release",
}


@dataclass(frozen=True)
class ActionOption:
    """One action of the release page: whether this person may take it now and, when not, the
    guard's words saying why and what to do. ``warning`` is said before an allowed action that
    needs more from the person (approving while a quote waits needs a reason)."""

    action: str
    label: str
    decision: Decision
    warning: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision.ok

    @property
    def reason(self) -> str:
        return self.decision.reason


def _option_decision(action: str, release: ReleaseState, actor: Actor, now: datetime) -> Decision:
    # Actions that take a comment, a reason or an embargo are judged on everything else: the
    # form asks for those, and says so next to its box.
    if action == "delete":
        return may_delete(release, actor, now)
    if action in ("schedule", "reschedule"):
        if release.status(now) == "scheduled" and action == "schedule":
            return _wrong_state("schedule", "scheduled")
        return may_schedule(release, actor, now, now + timedelta(days=1))
    if action == "approve":
        return may_approve(release, actor, now, signoff_override="-")
    return decide(action, release, actor, now, comment="-", reason="-")


def release_options(release: ReleaseState, actor: Actor, now: datetime) -> list[ActionOption]:
    """Every action that belongs to the release's status, each allowed or refused with the
    reason, in the order the release page shows them."""
    status = release.status(now)
    correction = status == "published" and release.has_pending_correction
    actions = CORRECTION_ACTIONS if correction else PAGE_ACTIONS.get(status, ())
    options = []
    for action in actions:
        decision = _option_decision(action, release, actor, now)
        warning = ""
        if action == "approve" and decision and status == "in_review":
            if release.quotes_awaiting_signoff:
                warning = awaiting_signoff_reason(list(release.quotes_awaiting_signoff))
        label = BUTTON_LABELS[action]
        if action == "edit" and status == "published":
            label = "Correct this release"
        if action == "approve" and correction:
            label = "Approve correction"
        options.append(ActionOption(action, label, decision, warning))
    return options


def next_step(release: ReleaseState, actor: Actor, now: datetime) -> str:
    """The one thing that happens next to the release, said to this person: what they should
    do, or whom it is waiting for."""
    status = release.status(now)
    correction = status == "published" and release.has_pending_correction
    if status == "draft":
        submit = may_submit(release, actor, now)
        if not submit and submit.kind == "invalid":
            return submit.reason
        if release.changes_requested:
            return "Make the changes the approver asked for, then submit it for approval again"
        return "Submit it for approval when it is ready"
    if status == "in_review" or correction:
        what = "the correction" if correction else "it"
        if may_approve(release, actor, now, signoff_override="-"):
            return f"Read the preview, then approve {what} or request changes"
        if correction:
            return "Waiting for sign-off of the correction by an approver who did not make it"
        return "Waiting for sign-off by an approver who did not write it"
    if status == "approved":
        if may_publish(release, actor, now):
            return "Publish it now, or schedule it for an embargo time"
        return may_publish(release, actor, now).reason
    if status == "scheduled":
        return "Nothing to do: it goes out by itself when the embargo lifts"
    if status == "published":
        return "Nothing to do: it is on the newsroom"
    return "Nothing to do: it is withdrawn, and its page says why"


def what_saving_does(status: str) -> str:
    """The editor's Save button, saying what a save does to a release in ``status``."""
    return {
        "in_review": "Save: it goes back to draft",
        "approved": "Save: the approval will be void",
        "scheduled": "Save and cancel the schedule",
        "published": "Save the correction",
    }.get(status, "Save")
