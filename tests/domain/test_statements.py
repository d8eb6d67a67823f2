"""Statements (lines to take): the sign-off rules shared with releases, the review-by boundary
in London time, and what a statement may contain."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pressoffice.domain import statements as rules
from pressoffice.domain.signoff import Actor
from pressoffice.domain.workflow import ReleaseState, may_approve

AUTHOR = Actor(1, "officer")
EDITOR = Actor(2, "approver")
APPROVER = Actor(3, "approver")
OFFICER = Actor(4, "officer")

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def facts(**overrides) -> rules.StatementState:
    values = {
        "state": "in_review",
        "author_id": AUTHOR.id,
        "last_editor_id": AUTHOR.id,
        "content_hash": "h1",
        "approved_hash": None,
        "review_by": date(2026, 7, 1),
        "editor_ids": frozenset({AUTHOR.id}),
    }
    values.update(overrides)
    return rules.StatementState(**values)


# --- the two-person rule, the same words as for a release ---------------------------------------


@pytest.mark.parametrize(
    ("actor", "ok", "reason"),
    [
        (AUTHOR, False, "Only an approver or an admin can approve it"),
        (OFFICER, False, "Only an approver or an admin can approve it"),
        (Actor(1, "approver"), False, "You wrote this statement; someone else must approve it"),
        (
            EDITOR,
            False,
            "You made the latest changes to this statement; someone else must approve it",
        ),
        (APPROVER, True, ""),
    ],
)
def test_a_statement_is_approved_under_the_release_two_person_rule(actor, ok, reason):
    state = facts(last_editor_id=EDITOR.id, editor_ids=frozenset({AUTHOR.id, EDITOR.id}))
    decision = rules.may_approve(state, actor, NOW)
    assert decision.ok is ok
    assert decision.reason == reason


def test_an_earlier_editor_cannot_approve_a_statement_either():
    state = facts(last_editor_id=APPROVER.id, editor_ids=frozenset({AUTHOR.id, EDITOR.id}))
    decision = rules.may_approve(state, EDITOR, NOW)
    assert not decision
    assert decision.reason == (
        "You made changes to the content being approved; someone else must approve it"
    )


def test_releases_keep_their_own_words_for_the_shared_rule():
    release = ReleaseState(state="in_review", author_id=1, last_editor_id=1)
    assert may_approve(release, Actor(1, "approver"), NOW).reason == (
        "You wrote this release; someone else must approve it"
    )


# --- the review-by boundary, in London ----------------------------------------------------------


# Review by 1 July 2026 (summer: London is UTC+1) and 1 December 2026 (winter: UTC).
@pytest.mark.parametrize(
    ("review_by", "instant", "status"),
    [
        (date(2026, 7, 1), datetime(2026, 6, 30, 23, 0, tzinfo=UTC), "approved"),  # 00:00 1 Jul
        (date(2026, 7, 1), datetime(2026, 7, 1, 22, 59, 59, tzinfo=UTC), "approved"),  # 23:59:59
        (date(2026, 7, 1), datetime(2026, 7, 1, 23, 0, tzinfo=UTC), "needs_review"),  # 00:00 2 Jul
        (date(2026, 12, 1), datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC), "approved"),
        (date(2026, 12, 1), datetime(2026, 12, 2, 0, 0, tzinfo=UTC), "needs_review"),
        (None, datetime(2030, 1, 1, tzinfo=UTC), "approved"),
    ],
)
def test_an_approved_statement_needs_review_once_its_review_by_date_has_passed_in_london(
    review_by, instant, status
):
    state = facts(state="approved", approved_hash="h1", review_by=review_by)
    assert state.status(instant) == status
    assert rules.may_use(state, instant).ok is (status == "approved")


def test_a_statement_needing_review_is_refused_by_field_with_the_reason():
    state = facts(state="approved", approved_hash="h1", review_by=date(2026, 6, 1))
    decision = rules.may_use(state, NOW)
    assert decision.kind == "invalid"
    assert decision.field == "statement_id"
    assert "past its review-by date" in decision.reason


@pytest.mark.parametrize(
    ("state", "approved_hash", "ok"),
    [
        ("draft", None, False),
        ("in_review", None, False),
        ("approved", "h1", True),
        ("approved", "h0", False),  # the approval covers other words
        ("retired", "h1", False),
    ],
)
def test_only_an_approved_statement_whose_approval_covers_its_words_can_be_used(
    state, approved_hash, ok
):
    assert rules.may_use(facts(state=state, approved_hash=approved_hash), NOW).ok is ok


def test_approval_is_refused_once_the_review_by_date_has_passed():
    decision = rules.may_approve(facts(review_by=date(2026, 6, 9)), APPROVER, NOW)
    assert not decision
    assert "review-by date has passed" in decision.reason


def test_a_draft_past_its_review_by_date_cannot_be_submitted():
    decision = rules.may_submit(facts(state="draft", review_by=date(2026, 6, 9)), AUTHOR, NOW)
    assert decision.field == "review_by"


def test_a_draft_missing_its_words_says_what_to_add():
    state = facts(state="draft", missing_for_review=("statement", "review_by"))
    decision = rules.may_submit(state, AUTHOR, NOW)
    assert decision.field == "statement"
    assert decision.reason == (
        "Add an on-the-record statement or some lines and a review-by date before submitting "
        "the statement for approval"
    )


@pytest.mark.parametrize(
    ("state", "reason", "ok", "field"),
    [
        ("draft", "Superseded by the new policy", True, ""),
        ("approved", "Superseded", True, ""),
        ("approved", "  ", False, "reason"),
        ("retired", "Again", False, ""),
    ],
)
def test_any_statement_but_a_retired_one_is_retired_with_a_reason(state, reason, ok, field):
    decision = rules.may_retire(facts(state=state), OFFICER, NOW, reason)
    assert decision.ok is ok
    assert decision.field == field


def test_a_second_approver_is_told_who_approved_first():
    state = facts(state="approved", approved_hash="h1", approved_by_name="Sam Approver")
    assert rules.may_approve(state, APPROVER, NOW).reason == (
        "This statement has already been approved by Sam Approver"
    )


# --- content ------------------------------------------------------------------------------------


def test_content_is_cleaned_and_every_problem_is_named_by_field():
    content, errors = rules.clean_statement_content(
        title="",
        topics=["Waiting times", "waiting TIMES", "x" * 61],
        lines=["ok", "y" * 1001],
        qa=[{"question": "Why?", "answer": ""}, {"question": "Q", "answer": "A", "extra": 1}],
        statement="z" * 5001,
        spokesperson="A\u202eB",
        review_by="31/01/2027",
    )
    assert content is None
    assert errors == {
        "title": "Enter a title",
        "topics-2": "A topic must be 60 characters or fewer",
        "lines-1": "A line must be 1,000 characters or fewer",
        "qa-0-answer": "Enter the answer to this question",
        "qa-1-extra": "A question has no field called 'extra': give question and answer",
        "statement": "The statement must be 5,000 characters or fewer",
        "spokesperson": (
            "The spokesperson contains an invisible or direction-changing character: "
            "type it again without it"
        ),
        "review_by": "Give the review-by date as year-month-day, such as 2027-01-31",
    }


def test_clean_content_keeps_order_drops_blank_rows_and_repeated_topics():
    content, errors = rules.clean_statement_content(
        title="  Hospital waiting times ",
        topics=["Health", "health", ""],
        lines=["First", "", "Second"],
        qa=[{"question": "", "answer": ""}, {"question": "Q1", "answer": "A1"}],
        statement="We are investing.\x00",
        spokesperson="Alex Minister",
        review_by="2027-01-31",
    )
    assert errors == {}
    assert content.title == "Hospital waiting times"
    assert content.topics == ("Health",)
    assert content.lines == ("First", "Second")
    assert [q.as_dict() for q in content.qa] == [{"question": "Q1", "answer": "A1"}]
    assert content.statement == "We are investing."
    assert content.review_by == date(2027, 1, 31)


def test_any_change_a_reader_could_notice_changes_the_hash():
    base, _ = rules.clean_statement_content(title="T", lines=["a", "b"], review_by="2027-01-31")
    swapped, _ = rules.clean_statement_content(title="T", lines=["b", "a"], review_by="2027-01-31")
    later, _ = rules.clean_statement_content(title="T", lines=["a", "b"], review_by="2027-02-01")
    same, _ = rules.clean_statement_content(title="T ", lines=["a", "b"], review_by="2027-01-31")
    hashes = {rules.content_hash(c) for c in (base, swapped, later)}
    assert len(hashes) == 3
    assert rules.content_hash(same) == rules.content_hash(base)
