"""The release state machine as truth tables: state x action x person -> allowed, and why not."""

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain.workflow import (
    Actor,
    ReleaseState,
    available_actions,
    decide,
    may_approve,
    may_edit,
    may_publish,
    may_request_changes,
    may_schedule,
    may_submit,
    may_unschedule,
    may_withdraw,
    next_state,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AUTHOR = Actor(1, "officer")
EDITOR = Actor(2, "officer")
APPROVER = Actor(3, "approver")
ADMIN = Actor(4, "admin")
OFFICER = Actor(5, "officer")
AUTHOR_WHO_APPROVES = Actor(1, "approver")
EDITOR_WHO_APPROVES = Actor(2, "approver")


def release(state="draft", **overrides):
    facts = {
        "state": state,
        "author_id": 1,
        "last_editor_id": 2,
        "content_hash": "h1",
        "approved_hash": "h1" if state in ("approved", "scheduled", "published") else None,
        "public_hash": "h1" if state in ("published", "withdrawn") else None,
        "embargo_until": NOW + timedelta(hours=1) if state == "scheduled" else None,
    }
    facts.update(overrides)
    return ReleaseState(**facts)


ALL_STATES = ("draft", "in_review", "approved", "scheduled", "published", "withdrawn")


@pytest.mark.parametrize(
    ("action", "allowed_in"),
    [
        ("submit", {"draft"}),
        ("approve", {"in_review"}),
        ("request_changes", {"in_review"}),
        ("publish", {"approved"}),
        ("schedule", {"approved", "scheduled"}),
        ("unschedule", {"scheduled"}),
        ("withdraw", {"published"}),
        ("edit", {"draft", "in_review", "approved", "scheduled", "published"}),
    ],
)
@pytest.mark.parametrize("state", ALL_STATES)
def test_each_action_applies_only_in_its_states(action, allowed_in, state):
    decision = decide(
        action,
        release(state),
        ADMIN,
        NOW,
        comment="Please fix the date",
        embargo_until=NOW + timedelta(days=1),
        reason="Figures were wrong",
    )
    assert decision.ok is (state in allowed_in), decision.reason
    if not decision.ok:
        assert decision.kind == "state"
        assert decision.reason


@pytest.mark.parametrize(
    ("actor", "ok", "reason"),
    [
        (APPROVER, True, ""),
        (ADMIN, True, ""),
        (OFFICER, False, "Only an approver or an admin can approve it"),
        (AUTHOR_WHO_APPROVES, False, "You wrote this release; someone else must approve it"),
        (
            EDITOR_WHO_APPROVES,
            False,
            "You made the latest changes to this release; someone else must approve it",
        ),
    ],
)
def test_only_an_approver_who_neither_wrote_nor_last_edited_it_can_approve(actor, ok, reason):
    decision = may_approve(release("in_review"), actor, NOW)
    assert decision.ok is ok
    assert decision.reason == reason
    if not ok:
        assert decision.kind == "permission"


def test_the_author_who_is_also_the_last_editor_is_told_they_wrote_it():
    facts = release("in_review", last_editor_id=1)
    assert may_approve(facts, AUTHOR_WHO_APPROVES, NOW).reason == (
        "You wrote this release; someone else must approve it"
    )


def test_an_approver_who_edited_the_content_earlier_cannot_approve_it():
    facts = release("in_review", editor_ids=frozenset({1, 2, 3}))
    decision = may_approve(facts, APPROVER, NOW)
    assert not decision.ok
    assert decision.reason == (
        "You made changes to the content being approved; someone else must approve it"
    )
    assert may_approve(facts, ADMIN, NOW).ok


@pytest.mark.parametrize(
    ("missing", "reason", "field"),
    [
        ((), "", ""),
        (("summary",), "Add a standfirst before submitting the release for approval", "summary"),
        (
            ("summary", "body"),
            "Add a standfirst and a body before submitting the release for approval",
            "summary",
        ),
        (
            ("title", "summary", "body"),
            "Add a headline, a standfirst and a body before submitting the release for approval",
            "title",
        ),
    ],
)
def test_a_draft_needs_headline_standfirst_and_body_before_submission(missing, reason, field):
    decision = may_submit(release("draft", missing_for_review=missing), AUTHOR, NOW)
    assert decision.ok is (not missing)
    assert decision.reason == reason
    assert decision.field == field


@pytest.mark.parametrize(
    ("actor", "comment", "ok", "kind"),
    [
        (APPROVER, "The second quote needs a role", True, ""),
        (APPROVER, "   ", False, "invalid"),
        (APPROVER, None, False, "invalid"),
        (OFFICER, "Looks wrong", False, "permission"),
    ],
)
def test_requesting_changes_needs_an_approver_and_a_comment(actor, comment, ok, kind):
    decision = may_request_changes(release("in_review"), actor, NOW, comment)
    assert (decision.ok, decision.kind) == (ok, kind)
    if kind == "invalid":
        assert decision.field == "comment"


@pytest.mark.parametrize(
    ("approved_hash", "ok"),
    [("h1", True), ("h0", False), (None, False)],
)
def test_publishing_needs_the_content_to_be_exactly_what_was_approved(approved_hash, ok):
    decision = may_publish(release("approved", approved_hash=approved_hash), OFFICER, NOW)
    assert decision.ok is ok
    if not ok:
        assert "changed since it was approved" in decision.reason


@pytest.mark.parametrize(
    ("embargo", "ok", "reason"),
    [
        (NOW + timedelta(seconds=1), True, ""),
        (NOW, False, "The embargo must be in the future"),
        (NOW - timedelta(seconds=1), False, "The embargo must be in the future"),
        (None, False, "Give the date and time the embargo lifts"),
        (
            datetime(2026, 3, 3, 9, 0),
            False,
            "Give the embargo with its time-zone offset, such as +00:00 or +01:00",
        ),
    ],
)
def test_scheduling_needs_an_embargo_in_the_future_with_an_offset(embargo, ok, reason):
    decision = may_schedule(release("approved"), OFFICER, NOW, embargo)
    assert (decision.ok, decision.reason) == (ok, reason)
    if not ok:
        assert decision.field == "embargo_until"


def test_scheduling_refuses_content_changed_since_approval():
    decision = may_schedule(
        release("approved", approved_hash="h0"), OFFICER, NOW, NOW + timedelta(days=1)
    )
    assert not decision.ok
    assert decision.kind == "state"


def test_a_scheduled_release_cannot_be_unscheduled_once_its_embargo_has_lifted():
    facts = release("scheduled", embargo_until=NOW)
    decision = may_unschedule(facts, OFFICER, NOW)
    assert decision.reason == (
        "The embargo has already lifted: it has gone out, so it can no longer be unscheduled"
    )
    assert may_unschedule(facts, OFFICER, NOW - timedelta(seconds=1)).ok


def test_a_scheduled_release_whose_embargo_has_lifted_is_treated_as_published():
    facts = release("scheduled", embargo_until=NOW - timedelta(seconds=1), public_hash="h1")
    assert may_withdraw(facts, APPROVER, NOW, "Wrong figures").ok
    assert not may_schedule(facts, OFFICER, NOW, NOW + timedelta(days=1)).ok
    assert next_state("published", "edit") == "published"


@pytest.mark.parametrize(
    ("actor", "reason", "ok", "kind"),
    [
        (APPROVER, "The figures were wrong", True, ""),
        (APPROVER, "", False, "invalid"),
        (OFFICER, "The figures were wrong", False, "permission"),
    ],
)
def test_withdrawal_needs_an_approver_and_a_public_reason(actor, reason, ok, kind):
    decision = may_withdraw(release("published"), actor, NOW, reason)
    assert (decision.ok, decision.kind) == (ok, kind)


@pytest.mark.parametrize(
    ("state", "after"),
    [
        ("draft", "draft"),
        ("in_review", "draft"),
        ("approved", "draft"),
        ("scheduled", "draft"),
        ("published", "published"),
    ],
)
def test_an_edit_sends_a_release_back_to_draft_unless_it_is_a_correction(state, after):
    assert may_edit(release(state), OFFICER, NOW).ok
    assert next_state(state, "edit") == after


def test_a_withdrawn_release_cannot_be_edited():
    decision = may_edit(release("withdrawn"), ADMIN, NOW)
    assert decision.reason == "A withdrawn release can't be edited"


@pytest.mark.parametrize(
    ("actor", "ok"),
    [
        (APPROVER, True),
        (AUTHOR_WHO_APPROVES, False),
        (EDITOR_WHO_APPROVES, False),
        (OFFICER, False),
    ],
)
def test_a_correction_is_approved_under_the_same_two_person_rule(actor, ok):
    facts = release("published", content_hash="h2", public_hash="h1")
    assert may_approve(facts, actor, NOW).ok is ok


def test_a_published_release_without_a_pending_correction_has_nothing_to_approve():
    decision = may_approve(release("published"), APPROVER, NOW)
    assert decision.reason == "This release is published and has no correction waiting for approval"


def test_an_unknown_action_is_refused_by_name():
    decision = decide("promote", release("draft"), ADMIN, NOW)
    assert decision.reason == "There is no action called 'promote'"


@pytest.mark.parametrize(
    ("state", "actor", "expected"),
    [
        ("draft", AUTHOR, ["edit", "submit"]),
        ("in_review", AUTHOR, ["edit"]),
        ("in_review", APPROVER, ["edit", "approve", "request_changes"]),
        ("approved", OFFICER, ["edit", "publish", "schedule"]),
        ("scheduled", OFFICER, ["edit", "reschedule", "unschedule"]),
        ("published", OFFICER, ["edit"]),
        ("published", APPROVER, ["edit", "withdraw"]),
        ("withdrawn", ADMIN, []),
    ],
)
def test_the_release_page_offers_only_the_actions_the_person_can_take(state, actor, expected):
    assert available_actions(release(state), actor, NOW) == expected
