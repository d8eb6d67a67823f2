"""Publishing statements in the newsroom, against a real database: publish, an edit the public
does not see until approved again, withdrawal, the newsroom list, and the releases a statement
serves (the single link of earlier statements moved into the many)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.domain import statement_publication as publishing
from pressoffice.domain import visibility
from pressoffice.extensions import db
from pressoffice.models import Statement, StatementEvent
from pressoffice.services import newsroom, statements
from pressoffice.services.errors import NotAllowed, NotFound, ValidationFailed, WrongState
from pressoffice.services.statements.public import public_statement_clause

from ..factories import create_release, make_enquiry
from ..statement_factories import WHEN, make_approved_statement, make_statement

LATER = WHEN + timedelta(hours=1)


def _approve_again(record, author, approver, now):
    statements.submit_statement(record.id, actor=author, now=now)
    version = statements.get_statement(record.id).version
    return statements.approve_statement(
        record.id, actor=approver, expected_version=version, now=now
    )


def test_a_published_statement_shows_only_its_on_the_record_words(officer, approver):
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer, expected_version=1, now=LATER)
    shown = statements.load_public_statement("hospital-waiting-times", now=LATER)
    assert shown.status == "published"
    assert shown.title == "Hospital waiting times"
    assert shown.statement.startswith("We are cutting waiting times")
    assert "Alex Minister" in shown.attribution and "Minister for Health" in shown.attribution
    assert shown.published_at == LATER
    # The public face carries nothing else: no lines, no Q&A, no background.
    for absent in ("lines", "qa", "background", "topics", "review_by"):
        assert not hasattr(shown, absent)
    events = [e.action for e in statements.statement_history(record.id).events]
    assert events[-1] == "publish"


def test_an_edit_after_publication_reaches_the_public_only_once_approved_again(officer, approver):
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    statements.update_statement(
        record.id, actor=officer, expected_version=1, statement="Revised words.", now=LATER
    )
    assert statements.get_statement(record.id).state == "draft"
    shown = statements.load_public_statement("hospital-waiting-times", now=LATER)
    assert shown.statement.startswith("We are cutting waiting times")
    assert shown.updated_at == LATER

    statements.submit_statement(record.id, actor=officer, now=LATER)
    shown = statements.load_public_statement("hospital-waiting-times", now=LATER)
    assert "Revised" not in shown.statement

    later_still = LATER + timedelta(hours=2)
    statements.approve_statement(record.id, actor=approver, expected_version=2, now=later_still)
    shown = statements.load_public_statement("hospital-waiting-times", now=later_still)
    assert shown.statement == "Revised words."
    assert shown.published_at == LATER
    assert shown.updated_at == later_still
    record = statements.get_statement(record.id)
    assert record.public_revision.number == 2
    assert [e.action for e in statements.statement_history(record.id).events][-2:] == [
        "approve",
        "public_update",
    ]


def test_a_withdrawn_statement_keeps_its_page_with_the_reason_out_of_the_lists(officer, approver):
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    with pytest.raises(NotAllowed):
        statements.withdraw_statement(record.id, actor=officer, reason="Superseded", now=LATER)
    with pytest.raises(ValidationFailed) as refusal:
        statements.withdraw_statement(record.id, actor=approver, reason=" ", now=LATER)
    assert "reason" in refusal.value.fields
    statements.withdraw_statement(
        record.id, actor=approver, reason="Superseded by the March figures", now=LATER
    )
    shown = statements.load_public_statement("hospital-waiting-times", now=LATER)
    assert shown.withdrawn
    assert shown.withdrawal_reason == "Superseded by the March figures"
    assert statements.latest_public_statements(now=LATER) == []
    assert newsroom.list_newsroom(now=LATER).items == []
    with pytest.raises(WrongState, match="can't be published again"):
        statements.publish_statement(record.id, actor=officer, now=LATER)

    # Approving an edit after the withdrawal changes nothing the public sees.
    statements.update_statement(
        record.id, actor=officer, expected_version=1, statement="New words", now=LATER
    )
    _approve_again(record, officer, approver, LATER)
    shown = statements.load_public_statement("hospital-waiting-times", now=LATER)
    assert "New words" not in shown.statement


@pytest.mark.parametrize("how", ["draft", "in_review", "edited", "needs_review", "no_words"])
def test_only_an_approved_current_statement_can_be_published(officer, approver, clock, how):
    if how == "draft":
        record = make_statement(officer)
    elif how == "in_review":
        record = make_statement(officer)
        statements.submit_statement(record.id, actor=officer, now=WHEN)
    elif how == "no_words":
        record = make_approved_statement(officer, approver, statement="", spokesperson="")
    else:
        record = make_approved_statement(officer, approver)
        if how == "edited":
            statements.update_statement(record.id, actor=officer, expected_version=1, title="T")
    now = datetime(2017, 1, 1, tzinfo=UTC) if how == "needs_review" else LATER
    with pytest.raises(WrongState):
        statements.publish_statement(record.id, actor=officer, now=now)
    record = statements.get_statement(record.id)
    assert (record.publication, record.slug, record.public_revision_id) == (None, None, None)
    with pytest.raises(NotFound):
        statements.load_public_statement("hospital-waiting-times", now=now)


def test_a_published_statement_is_withdrawn_before_it_is_retired(officer, approver):
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    with pytest.raises(WrongState, match="withdraw it there first"):
        statements.retire_statement(record.id, actor=officer, reason="Old", now=LATER)
    statements.withdraw_statement(record.id, actor=approver, reason="Old", now=LATER)
    statements.retire_statement(record.id, actor=officer, reason="Old", now=LATER)


def test_two_statements_with_one_title_get_two_addresses(officer, approver):
    first = make_approved_statement(officer, approver)
    second = make_approved_statement(officer, approver)
    for record in (first, second):
        statements.publish_statement(record.id, actor=officer, now=LATER)
    slugs = [statements.get_statement(r.id).slug for r in (first, second)]
    assert slugs == ["hospital-waiting-times", "hospital-waiting-times-2"]


def test_the_newsroom_lists_releases_and_statements_together_newest_first(officer, approver):
    old = create_release(state="published", author=officer, approver=approver, now=WHEN)
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    new = create_release(
        state="published", author=officer, approver=approver, now=LATER + timedelta(hours=1)
    )
    page = newsroom.list_newsroom(now=LATER + timedelta(hours=2))
    assert [(e.kind, e.item.id) for e in page.items] == [
        ("release", new.id),
        ("statement", record.id),
        ("release", old.id),
    ]
    assert page.total == 3
    second = newsroom.list_newsroom(page=2, per_page=2, now=LATER + timedelta(hours=2))
    assert [(e.kind, e.item.id) for e in second.items] == [("release", old.id)]


def test_the_public_clause_agrees_with_the_visibility_rules_in_every_publication_state(
    officer, approver
):
    published = make_approved_statement(officer, approver)
    statements.publish_statement(published.id, actor=officer, now=LATER)
    withdrawn = make_approved_statement(officer, approver)
    statements.publish_statement(withdrawn.id, actor=officer, now=LATER)
    statements.withdraw_statement(withdrawn.id, actor=approver, reason="Gone", now=LATER)
    make_approved_statement(officer, approver)
    make_statement(officer)
    for listed_only, rule in ((False, visibility.is_public), (True, visibility.is_listed)):
        by_sql = set(
            db.session.scalars(
                sa.select(Statement.id).where(
                    public_statement_clause(LATER, listed_only=listed_only)
                )
            )
        )
        by_rule = {
            s.id
            for s in db.session.scalars(sa.select(Statement))
            if rule(publishing.publication_facts(s.publication, s.public_revision_id), LATER)
        }
        assert by_sql == by_rule
        assert by_sql == ({published.id} if listed_only else {published.id, withdrawn.id})


# --- the releases a statement serves ----------------------------------------------------------


def test_a_statement_serves_several_releases_and_enquiries_about_any_of_them_find_it(
    officer, approver
):
    first = create_release(author=officer, title="Clinics")
    second = create_release(author=officer, title="Waiting lists")
    record = make_approved_statement(
        officer, approver, title="Our line", topics=[], release_ids=[second.id, first.id]
    )
    assert statements.get_statement(record.id).release_ids == [second.id, first.id]
    for release in (first, second):
        enquiry = make_enquiry(subject="A question", release_id=release.id, logged_by=officer)
        offered = statements.statements_for_enquiry(enquiry, now=LATER)
        assert offered[0].statement.id == record.id and offered[0].matched

    statements.update_statement(
        record.id, actor=officer, expected_version=1, release_ids=[first.id], now=LATER
    )
    record = statements.get_statement(record.id)
    assert record.release_ids == [first.id]
    assert record.state == "draft"  # the links are part of what was approved
    revisions = statements.statement_history(record.id).revisions
    assert [r.content["release_ids"] for r in revisions] == [[first.id], [second.id, first.id]]


def test_a_link_to_a_release_that_does_not_exist_is_refused_by_its_place(officer):
    release = create_release(author=officer)
    with pytest.raises(ValidationFailed) as refusal:
        make_statement(officer, release_ids=[release.id, 987_654])
    assert refusal.value.fields == {"release_ids-1": "There is no release number 987654"}
    assert db.session.scalar(sa.select(sa.func.count(Statement.id))) == 0


def test_every_change_of_publication_is_on_the_timeline(officer, approver):
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    statements.withdraw_statement(record.id, actor=approver, reason="Gone", now=LATER)
    rows = db.session.scalars(
        sa.select(StatementEvent)
        .where(StatementEvent.statement_id == record.id)
        .order_by(StatementEvent.id)
    ).all()
    assert [(r.action, r.actor_id, r.comment) for r in rows[-2:]] == [
        ("publish", officer.id, "Version 1 is on the newsroom page"),
        ("withdraw", approver.id, "Gone"),
    ]


def test_the_public_change_token_moves_with_the_newsroom_page_not_with_each_answer_given(
    officer, approver
):
    """Kept public pages are thrown away when a statement's public face changes, and not each
    time an enquiry is answered from it (that writes only its private timeline)."""
    from pressoffice.services import enquiries
    from pressoffice.services.public_freshness import public_change_token

    record = make_approved_statement(officer, approver)
    tokens = [public_change_token()]
    statements.publish_statement(record.id, actor=officer, now=LATER)
    tokens.append(public_change_token())
    enquiry = make_enquiry(subject="Waiting times")
    after_logging = public_change_token()
    enquiries.respond(enquiry.reference, "", actor=officer, now=LATER, statement_id=record.id)
    assert public_change_token() == after_logging
    statements.update_statement(
        record.id, actor=officer, expected_version=1, statement="New words", now=LATER
    )
    tokens.append(public_change_token())
    statements.submit_statement(record.id, actor=officer, now=LATER)
    statements.approve_statement(record.id, actor=approver, expected_version=2, now=LATER)
    tokens.append(public_change_token())
    statements.withdraw_statement(record.id, actor=approver, reason="Gone", now=LATER)
    tokens.append(public_change_token())
    assert len(set(tokens)) == len(tokens), tokens
