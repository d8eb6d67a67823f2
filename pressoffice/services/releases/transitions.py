"""Sign-off and publication: submit, approve, request changes, publish, schedule, unschedule,
withdraw and break an embargo. Each locks the release, checks the version the person saw, asks
``domain.workflow`` and records the transition on the timeline, in one unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ... import clock
from ...domain import links as link_rules
from ...domain import workflow
from ...domain.links import may_break_embargo
from ...extensions import db
from ...models import EmbargoRecipient, Release, User
from ...timefmt import iso_utc
from .. import notifications
from ..errors import StaleVersion, ValidationFailed
from ..sign_off import acting_staff, refuse_unless
from ..unit_of_work import unit_of_work
from .revisions import latest_revision, lock_release, record_event, settle_embargo, workflow_facts

# --- sign-off and publication --------------------------------------------------------------


def live_recipients(release_id: int) -> list[EmbargoRecipient]:
    """The recipients of the release whose links still work (not revoked), locked: the release
    is locked first, then its recipients, in the one order every use case keeps."""
    return list(
        db.session.scalars(
            sa.select(EmbargoRecipient)
            .where(EmbargoRecipient.release_id == release_id, EmbargoRecipient.revoked_at.is_(None))
            .with_for_update()
        )
    )


def _expect_version(release: Release, expected_version: Any) -> None:
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise ValidationFailed({"version": "The version must be a whole number"}) from None
    if expected != release.version:
        raise StaleVersion(release.version, expected)


def _begin(release: Release | int, actor: User, now: datetime | None, expected_version: Any = None):
    who = acting_staff(actor)
    release = lock_release(release)
    # The clock is read once the release is locked: a request that waited for the lock decides
    # on the instant it acts, so a change sent just before an embargo but reaching the release
    # after it finds the release gone out, and never takes it back for a moment.
    now = clock.instant(now)
    settle_embargo(release, now)
    _expect_version(release, expected_version)
    latest = latest_revision(release)
    return now, who, release, latest, workflow_facts(release, latest)


@unit_of_work
def submit_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Draft -> in review, once it has a headline, a standfirst and a body."""
    now, who, release, latest, facts = _begin(release, actor, now, expected_version)
    refuse_unless(workflow.may_submit(facts, who, now))
    release.state = "in_review"
    release.notice = None
    release.updated_at = now
    record_event(
        release,
        actor,
        "submit",
        now,
        from_state="draft",
        to_state="in_review",
        comment=(comment or "").strip(),
        revision=latest,
    )
    notifications.release_submitted(release, facts, actor, now)
    return release


@unit_of_work
def approve_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    signoff_override: str | None = None,
    require_version: bool = False,
    now: datetime | None = None,
) -> Release:
    """Sign off a release in review, or a pending correction to a published one.

    The approver must be neither the author nor the person who made the latest changes. The
    approval records the hash of exactly the content it covers; an approved correction becomes
    what the public sees at once, with its change note. While a quote waits for its speaker's
    sign-off the approval is refused, unless ``signoff_override`` gives the reason to go ahead
    (recorded on the timeline). With ``require_version`` (the API), the approver must name the
    version they reviewed, so that an edit made while they read is never what they approve.
    """
    now, who, release, latest, facts = _begin(release, actor, now, expected_version)
    if facts.status(now) == "in_review":
        from .signoff_rules import quotes_awaiting_signoff

        facts = replace(facts, quotes_awaiting_signoff=quotes_awaiting_signoff(release))
    refuse_unless(workflow.may_approve(facts, who, now, signoff_override=signoff_override))
    if require_version and expected_version is None:
        raise ValidationFailed(
            {"version": "Give the version you reviewed: the approval covers exactly that content"}
        )
    if facts.quotes_awaiting_signoff and facts.status(now) == "in_review":
        record_event(
            release,
            actor,
            "signoff_override",
            now,
            comment="Approved while waiting for "
            + "; ".join(facts.quotes_awaiting_signoff)
            + f". Reason: {(signoff_override or '').strip()}",
            revision=latest,
        )
    correction = facts.status(now) == "published"
    release.approved_hash = latest.content_hash
    release.approved_by_id = actor.id
    release.approved_at = now
    release.approved_revision_id = latest.id
    release.updated_at = now
    release.notice = None
    if correction:
        release.public_revision_id = latest.id
        record_event(
            release,
            actor,
            "approve_correction",
            now,
            from_state="published",
            to_state="published",
            comment=(comment or "").strip() or latest.change_note,
            revision=latest,
        )
    else:
        release.state = "approved"
        record_event(
            release,
            actor,
            "approve",
            now,
            from_state="in_review",
            to_state="approved",
            comment=(comment or "").strip(),
            revision=latest,
        )
    kind = "correction_approved" if correction else "release_approved"
    notifications.tell_author(release, kind, actor, now, comment)
    return release


@unit_of_work
def request_changes(
    release: Release | int,
    *,
    actor: User,
    comment: str | None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Send a release in review back to draft (or a pending correction back to its editor),
    with a comment the author sees on the release."""
    now, who, release, latest, facts = _begin(release, actor, now, expected_version)
    refuse_unless(workflow.may_request_changes(facts, who, now, comment))
    comment = (comment or "").strip()
    status = facts.status(now)
    release.notice = f"{actor.name} asked for changes: {comment}"
    release.updated_at = now
    if status == "in_review":
        release.state = "draft"
    record_event(
        release,
        actor,
        "request_changes",
        now,
        from_state=status,
        to_state=release.state,
        comment=comment,
        revision=latest,
    )
    notifications.tell_author(release, "release_changes_requested", actor, now, comment)
    return release


@unit_of_work
def publish_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Approved -> published now, showing exactly the approved revision."""
    now, who, release, latest, facts = _begin(release, actor, now, expected_version)
    refuse_unless(workflow.may_publish(facts, who, now))
    release.state = "published"
    release.public_revision_id = release.approved_revision_id
    release.published_at = now
    release.embargo_until = None
    release.updated_at = now
    release.notice = None
    record_event(
        release,
        actor,
        "publish",
        now,
        from_state="approved",
        to_state="published",
        comment=(comment or "").strip(),
        revision=latest,
    )
    notifications.tell_author(release, "release_published", actor, now)
    return release


@unit_of_work
def schedule_release(
    release: Release | int,
    *,
    actor: User,
    embargo_until: datetime | None,
    comment: str | None = None,
    expected_version: Any = None,
    now: datetime | None = None,
) -> Release:
    """Approved -> scheduled for an embargo instant in the future (or, already scheduled, move
    the embargo). From that instant the approved revision is public, with nothing to run."""
    now, who, release, latest, facts = _begin(release, actor, now, expected_version)
    refuse_unless(workflow.may_schedule(facts, who, now, embargo_until))
    assert embargo_until is not None
    status = facts.status(now)
    previous = release.embargo_until
    release.state = "scheduled"
    release.public_revision_id = release.approved_revision_id
    release.embargo_until = embargo_until
    release.published_at = embargo_until
    release.updated_at = now
    release.notice = None
    action = "reschedule" if status == "scheduled" else "schedule"
    note = (comment or "").strip()
    if action == "reschedule" and previous is not None:
        moved = f"Embargo moved from {iso_utc(previous)} to {iso_utc(embargo_until)}"
        note = f"{moved}. {note}" if note else moved
    record_event(
        release,
        actor,
        action,
        now,
        from_state=status,
        to_state="scheduled",
        comment=note,
        revision=latest,
    )
    _follow_distributions(release, now)
    notifications.follow_release_schedule(release, now)
    return release


@unit_of_work
def unschedule_release(
    release: Release | int,
    *,
    actor: User,
    comment: str | None = None,
    expected_version: Any = None,
    links: Any = None,
    now: datetime | None = None,
) -> Release:
    """Scheduled -> approved, before the embargo lifts: nothing goes out.

    ``links`` says what happens to the embargoed-copy links already given out: ``"keep"`` (the
    default) and they answer as a missing page until the release is scheduled again, then show
    what was approved by then; ``"cancel"`` and they are revoked for good. ValidationFailed on
    ``links`` when live links were given out and the choice is neither."""
    now, who, release, latest, facts = _begin(release, actor, now, expected_version)
    refuse_unless(workflow.may_unschedule(facts, who, now))
    live = live_recipients(release.id)
    choice, errors = link_rules.links_choice(links, len(live))
    if errors:
        raise ValidationFailed(errors)
    note = link_rules.links_kept_note(choice, len(live))
    said = (comment or "").strip()
    release.state = "approved"
    release.public_revision_id = None
    release.embargo_until = None
    release.published_at = None
    release.updated_at = now
    record_event(
        release,
        actor,
        "unschedule",
        now,
        from_state="scheduled",
        to_state="approved",
        comment=f"{said}. {note}" if said and note else said or note,
        revision=latest,
    )
    if choice == link_rules.CANCEL_LINKS and live:
        # Revoked as the access list revokes them: a revoked link never works again.
        for recipient in live:
            recipient.revoked_at = now
        names = ", ".join(f"{r.name} ({r.outlet})" for r in live)
        record_event(
            release, actor, "recipient_revoked", now, comment=f"All links revoked: {names}"
        )
    _follow_distributions(release, now)
    notifications.follow_release_schedule(release, now)
    return release


@unit_of_work
def withdraw_release(
    release: Release | int,
    *,
    actor: User,
    reason: str | None,
    now: datetime | None = None,
) -> Release:
    """Published -> withdrawn: out of the lists and the feed; the page stays with the reason."""
    now, who, release, latest, facts = _begin(release, actor, now)
    refuse_unless(workflow.may_withdraw(facts, who, now, reason))
    reason = (reason or "").strip()
    release.state = "withdrawn"
    release.withdrawn_at = now
    release.withdrawal_reason = reason
    release.updated_at = now
    record_event(
        release,
        actor,
        "withdraw",
        now,
        from_state="published",
        to_state="withdrawn",
        comment=reason,
        revision=latest,
    )
    _follow_distributions(release, now)
    notifications.tell_author(release, "release_withdrawn", actor, now, reason)
    return release


@unit_of_work
def break_embargo(
    release: Release | int,
    *,
    actor: User,
    reason: str,
    follow_up: Sequence[str] = (),
    now: datetime | None = None,
) -> Release:
    """Scheduled -> published now, before the embargo, because the embargo was broken. An
    approver does it, giving ``reason``; the release carries a notice saying so, and the
    timeline records the reason with ``follow_up``, the people who had an embargoed copy."""
    now, _who, release, latest, facts = _begin(release, actor, now)
    refuse_unless(may_break_embargo(facts, actor.role, now, reason))
    release.state = "published"
    release.public_revision_id = release.approved_revision_id
    release.published_at = now
    release.embargo_until = None
    release.updated_at = now
    release.notice = f"Published before its embargo by {actor.name}: {reason}"
    recipients = "; ".join(follow_up)
    record_event(
        release,
        actor,
        "embargo_broken",
        now,
        from_state="scheduled",
        to_state="published",
        comment=reason + (f". Recipients to follow up: {recipients}" if recipients else ""),
        revision=latest,
    )
    _follow_distributions(release, now)
    notifications.follow_release_schedule(release, now)
    notifications.tell_author(release, "release_published", actor, now)
    return release


def _follow_distributions(release: Release, now: datetime) -> None:
    """What waits to be sent to media lists follows the release: a moved embargo moves it; a
    release unscheduled or withdrawn cancels what has not gone; published early sends now."""
    from ..distributions import follow_release

    follow_release(release, now)


TRANSITIONS = {
    "submit": submit_release,
    "approve": approve_release,
    "request-changes": request_changes,
    "publish": publish_release,
    "schedule": schedule_release,
    "unschedule": unschedule_release,
    "withdraw": withdraw_release,
}
