"""Statements (lines to take) on a real database: drafting, sign-off shared with releases,
revisions and the timeline, and answering an enquiry from an approved, current statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, Statement, StatementRevision
from pressoffice.services import enquiries, statements
from pressoffice.services.errors import NotAllowed, StaleVersion, ValidationFailed, WrongState

from ..factories import make_enquiry, make_user
from ..statement_factories import WHEN, make_approved_statement, make_statement

AFTER_REVIEW_BY = datetime(2017, 1, 1, 0, 0, tzinfo=UTC)  # midnight in London, 1 January


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_new_statement_is_a_draft_with_its_first_revision_and_a_created_entry(officer):
    record = make_statement(officer)

    assert (record.state, record.version) == ("draft", 1)
    history = statements.statement_history(record.id)
    assert [e.action for e in history.events] == ["create"]
    assert [r.number for r in history.revisions] == [1]
    assert history.revisions[0].content["lines"] == [
        "Waiting lists are falling",
        "We have opened two new clinics",
    ]


def test_bad_content_is_refused_by_field_and_saves_nothing(officer):
    with pytest.raises(ValidationFailed) as refused:
        make_statement(officer, title="", review_by="2016-02-30", qa="not a list")
    assert refused.value.fields == {
        "title": "Enter a title",
        "qa": "Questions must be a list",
        "review_by": "The review-by date must be a real date, such as 2027-01-31",
    }
    assert count(Statement) == 0


def test_the_author_cannot_approve_their_own_statement(officer, approver):
    record = make_statement(approver)
    statements.submit_statement(record.id, actor=approver, now=WHEN)
    with pytest.raises(NotAllowed) as refused:
        statements.approve_statement(record.id, actor=approver, expected_version=1, now=WHEN)
    assert refused.value.message == "You wrote this statement; someone else must approve it"
    assert statements.get_statement(record.id).state == "in_review"


def test_an_editor_cannot_approve_a_statement_they_changed(officer, approver):
    record = make_statement(officer)
    statements.update_statement(
        record.id, actor=approver, expected_version=1, title="Waiting times: our line", now=WHEN
    )
    statements.submit_statement(record.id, actor=officer, now=WHEN)
    with pytest.raises(NotAllowed) as refused:
        statements.approve_statement(record.id, actor=approver, expected_version=2, now=WHEN)
    assert "latest changes" in refused.value.message


def test_approval_names_the_version_reviewed_and_covers_exactly_it(officer, approver):
    record = make_statement(officer)
    statements.submit_statement(record.id, actor=officer, now=WHEN)
    with pytest.raises(ValidationFailed) as missing:
        statements.approve_statement(record.id, actor=approver, expected_version=None, now=WHEN)
    assert "version" in missing.value.fields
    with pytest.raises(StaleVersion):
        statements.approve_statement(record.id, actor=approver, expected_version=7, now=WHEN)

    approved = statements.approve_statement(record.id, actor=approver, expected_version=1, now=WHEN)
    latest = db.session.scalars(sa.select(StatementRevision)).one()
    assert approved.state == "approved"
    assert approved.approved_hash == latest.content_hash
    assert approved.approved_version == 1
    assert approved.approved_by_id == approver.id


def test_an_edit_voids_the_approval_and_the_statement_cannot_be_used_until_approved_again(
    officer, approver
):
    record = make_approved_statement(officer, approver)
    edited = statements.update_statement(
        record.id,
        actor=officer,
        expected_version=1,
        statement="We are cutting waiting times faster than ever.",
        now=WHEN,
    )
    assert (edited.state, edited.version, edited.approved_hash) == ("draft", 2, None)
    assert "approval is void" in edited.notice

    enquiry = make_enquiry(subject="Waiting times at the hospital")
    with pytest.raises(ValidationFailed) as refused:
        enquiries.respond(enquiry.reference, None, actor=officer, now=WHEN, statement_id=record.id)
    assert "Only an approved statement can be used" in refused.value.fields["statement_id"]
    assert enquiries.get_enquiry(enquiry.reference).status != "answered"

    statements.submit_statement(record.id, actor=officer, now=WHEN)
    statements.approve_statement(record.id, actor=approver, expected_version=2, now=WHEN)
    answered = enquiries.respond(
        enquiry.reference, None, actor=officer, now=WHEN, statement_id=record.id
    )
    assert answered.statement_version == 2
    assert answered.response == "We are cutting waiting times faster than ever."


def test_a_stale_edit_is_refused_with_both_versions(officer, approver):
    record = make_statement(officer)
    statements.update_statement(
        record.id, actor=approver, expected_version=1, title="Second title", now=WHEN
    )
    with pytest.raises(StaleVersion) as refused:
        statements.update_statement(
            record.id, actor=officer, expected_version=1, title="My title", now=WHEN
        )
    assert refused.value.current_version == 2
    assert refused.value.submitted_version == 1
    assert refused.value.current["title"] == "Second title"
    assert refused.value.submitted["title"] == "My title"
    assert "Someone else saved this statement" in refused.value.message
    assert statements.get_statement(record.id).title == "Second title"


def test_an_edit_that_changes_nothing_saves_no_revision(officer):
    record = make_statement(officer)
    statements.update_statement(
        record.id, actor=officer, expected_version=1, title="Hospital waiting times", now=WHEN
    )
    assert count(StatementRevision) == 1


def test_a_drafted_and_approved_statement_answers_an_enquiry_and_records_who_was_told_what(
    officer, approver
):
    record = make_approved_statement(officer, approver)
    enquiry = make_enquiry(
        subject="Waiting times", journalist_name="Jo Reporter", outlet="The Daily Example"
    )

    offered = statements.statements_for_enquiry(enquiries.get_enquiry(enquiry.reference), WHEN)
    assert [c.statement.id for c in offered if c.usable] == [record.id]
    assert offered[0].matched

    answered = enquiries.respond(
        enquiry.reference, "", actor=officer, now=WHEN, statement_id=record.id
    )
    assert answered.status == "answered"
    assert (answered.statement_id, answered.statement_version) == (record.id, 1)
    assert answered.response.startswith("We are cutting waiting times")

    told = statements.answered_from(record.id)
    assert [(t.reference, t.journalist_name, t.outlet, t.version) for t in told] == [
        (enquiry.reference, "Jo Reporter", "The Daily Example", 1)
    ]
    assert told[0].answered_at == WHEN
    history = statements.statement_history(record.id)
    assert history.events[-1].action == "used"


def test_the_response_given_from_a_statement_may_be_edited_before_sending(officer, approver):
    record = make_approved_statement(officer, approver)
    enquiry = make_enquiry()
    answered = enquiries.respond(
        enquiry.reference,
        "Our statement, as discussed: we are cutting waiting times.",
        actor=officer,
        now=WHEN,
        statement_id=record.id,
    )
    assert answered.response == "Our statement, as discussed: we are cutting waiting times."
    assert answered.statement_id == record.id


def test_a_statement_past_its_review_by_date_cannot_be_chosen(officer, approver):
    record = make_approved_statement(officer, approver)
    enquiry = make_enquiry()
    assert statements.statement_status(record, AFTER_REVIEW_BY) == "needs_review"
    with pytest.raises(ValidationFailed) as refused:
        enquiries.respond(
            enquiry.reference, "", actor=officer, now=AFTER_REVIEW_BY, statement_id=record.id
        )
    assert "needs review" in refused.value.fields["statement_id"]
    assert db.session.get(Enquiry, enquiry.id).statement_id is None
    offered = statements.statements_for_enquiry(
        enquiries.get_enquiry(enquiry.reference), AFTER_REVIEW_BY
    )
    assert [(c.usable, c.status) for c in offered] == [(False, "needs_review")]


def test_choosing_a_statement_that_does_not_exist_is_refused_by_field(officer):
    enquiry = make_enquiry()
    for given in (999, "abc", 2**40):
        with pytest.raises(ValidationFailed) as refused:
            enquiries.respond(enquiry.reference, "", actor=officer, now=WHEN, statement_id=given)
        assert refused.value.fields == {"statement_id": "There is no statement with that number"}


def test_request_changes_needs_a_comment_and_sends_it_back_to_draft(officer, approver):
    record = make_statement(officer)
    statements.submit_statement(record.id, actor=officer, now=WHEN)
    with pytest.raises(ValidationFailed) as refused:
        statements.request_statement_changes(record.id, actor=approver, comment=" ", now=WHEN)
    assert "comment" in refused.value.fields
    back = statements.request_statement_changes(
        record.id, actor=approver, comment="Add the figures", now=WHEN
    )
    assert back.state == "draft"


def test_a_retired_statement_keeps_its_reason_and_cannot_be_used_or_edited(officer, approver):
    record = make_approved_statement(officer, approver)
    with pytest.raises(ValidationFailed) as refused:
        statements.retire_statement(record.id, actor=officer, reason="", now=WHEN)
    assert refused.value.fields == {"reason": "Give the reason for retiring this statement"}
    retired = statements.retire_statement(
        record.id, actor=officer, reason="Superseded by the spring plan", now=WHEN
    )
    assert (retired.state, retired.retired_reason) == ("retired", "Superseded by the spring plan")
    with pytest.raises(WrongState):
        statements.update_statement(record.id, actor=officer, expected_version=1, title="X")
    enquiry = make_enquiry()
    with pytest.raises(ValidationFailed):
        enquiries.respond(enquiry.reference, "", actor=officer, now=WHEN, statement_id=record.id)


def test_any_two_revisions_can_be_compared(officer):
    record = make_statement(officer)
    statements.update_statement(
        record.id, actor=officer, expected_version=1, lines=["Waiting lists are falling"]
    )
    comparison = statements.compare_statement_revisions(record.id, 1, 2)
    changed = [f.name for f in comparison.changed_fields]
    assert changed == ["lines"]
    with pytest.raises(ValidationFailed) as refused:
        statements.compare_statement_revisions(record.id, 1, 9)
    assert refused.value.fields == {"new": "This statement has no revision 9"}


def test_search_finds_statements_by_words_and_topic(officer):
    make_statement(officer)
    make_statement(officer, title="School meals", topics=["Education"], lines=["Free meals"])
    assert [s.title for s in statements.list_statements(q="waiting clinics")] == [
        "Hospital waiting times"
    ]
    assert [s.title for s in statements.list_statements(topic="education")] == ["School meals"]
    assert statements.list_statements(q="100%_") == []


def test_an_inactive_or_missing_person_cannot_write_a_statement(app_ctx):
    retired_user = make_user(role="officer")
    retired_user.active = False
    db.session.commit()
    with pytest.raises(NotAllowed):
        make_statement(retired_user)
