"""Release use cases on a real database: drafting, sign-off, corrections, and the public view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from pressoffice.domain.visibility import is_listed, is_public
from pressoffice.extensions import db
from pressoffice.models import Release, ReleaseEvent, ReleaseRevision
from pressoffice.services import releases
from pressoffice.services.errors import (
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    WrongState,
)
from tests.factories import create_release, make_user, release_content

LONDON = ZoneInfo("Europe/London")


def reload(release_id: int) -> Release:
    db.session.expire_all()
    return releases.get_release(release_id)


def events(release_id: int) -> list[tuple[str, str | None, str | None]]:
    rows = db.session.scalars(
        sa.select(ReleaseEvent)
        .where(ReleaseEvent.release_id == release_id)
        .order_by(ReleaseEvent.created_at, ReleaseEvent.id)
    )
    return [(e.action, e.from_state, e.to_state) for e in rows]


def revision_count(release_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(ReleaseRevision.release_id == release_id)
    )


def edit(release, actor, version=None, **changes):
    values = release_content(**changes)
    change_note = values.pop("change_note", None)
    return releases.update_release(
        release.id,
        actor=actor,
        expected_version=version if version is not None else reload(release.id).version,
        change_note=change_note,
        **values,
    )


# --- drafting ----------------------------------------------------------------------------------


def test_a_new_release_is_a_draft_with_its_first_revision_and_a_timeline_entry(officer, clock):
    release = releases.create_release(actor=officer, **release_content())
    release = reload(release.id)
    assert release.state == "draft"
    assert release.version == 1
    assert release.slug == "inspectors-find-steady-progress-in-child-protection"
    assert revision_count(release.id) == 1
    assert events(release.id) == [("create", None, "draft")]
    assert release.quotes[0]["key"]


def test_a_second_release_with_the_same_headline_gets_a_numbered_slug(officer):
    first = releases.create_release(actor=officer, title="Budget announced")
    second = releases.create_release(actor=officer, title="Budget announced")
    third = releases.create_release(actor=officer, title="Budget announced")
    assert [first.slug, second.slug, third.slug] == [
        "budget-announced",
        "budget-announced-2",
        "budget-announced-3",
    ]


def test_bad_content_is_refused_with_every_field_named_and_nothing_saved(officer):
    with pytest.raises(ValidationFailed) as refusal:
        releases.create_release(
            actor=officer,
            title="x" * 201,
            links=[
                {"label": "Report", "url": "https://example.org"},
                {"label": "Trick", "url": "javascript:alert(1)"},
            ],
        )
    assert set(refusal.value.fields) == {"title", "links-1-url"}
    assert db.session.scalar(sa.select(sa.func.count(Release.id))) == 0


def test_every_save_is_a_revision_and_a_save_that_changes_nothing_saves_nothing(officer):
    release = create_release(author=officer)
    edit(release, officer, body="New body")
    edit(release, officer, body="New body")
    assert revision_count(release.id) == 2
    assert reload(release.id).version == 2


def test_the_slug_follows_the_headline_until_the_release_is_published(officer, approver):
    draft = create_release(author=officer, title="First headline")
    edit(draft, officer, title="Better headline")
    assert reload(draft.id).slug == "better-headline"

    published = create_release(state="published", author=officer, approver=approver)
    slug = published.slug
    edit(published, officer, title="Corrected headline", change_note="Headline corrected")
    assert reload(published.id).slug == slug


def test_a_stale_edit_is_refused_with_both_versions_and_nothing_saved(officer, admin):
    release = create_release(author=officer)
    edit(release, admin, version=1, body="Admin's body")
    with pytest.raises(StaleVersion) as refusal:
        edit(release, officer, version=1, body="Officer's body")
    stale = refusal.value
    assert (stale.current_version, stale.submitted_version) == (2, 1)
    assert stale.current["body"] == "Admin's body"
    assert stale.submitted["body"] == "Officer's body"
    assert reload(release.id).body == "Admin's body"
    assert revision_count(release.id) == 2


# --- sign-off --------------------------------------------------------------------------------


def test_a_draft_without_a_standfirst_cannot_be_submitted(officer):
    release = create_release(author=officer, summary="")
    with pytest.raises(ValidationFailed) as refusal:
        releases.submit_release(release.id, actor=officer)
    assert refusal.value.fields == {
        "summary": "Add a standfirst before submitting the release for approval"
    }
    assert reload(release.id).state == "draft"


def test_the_author_cannot_approve_their_own_release(app_ctx):
    author = make_user(role="approver")
    release = create_release(state="in_review", author=author)
    with pytest.raises(NotAllowed) as refusal:
        releases.approve_release(release.id, actor=author)
    assert refusal.value.message == "You wrote this release; someone else must approve it"
    assert reload(release.id).state == "in_review"


def test_the_last_editor_cannot_approve_the_content_they_changed(officer):
    editor = make_user(role="approver")
    release = create_release(author=officer)
    edit(release, editor, body="Rewritten by the approver")
    releases.submit_release(release.id, actor=officer)
    with pytest.raises(NotAllowed) as refusal:
        releases.approve_release(release.id, actor=editor)
    assert "latest changes" in refusal.value.message
    releases.approve_release(release.id, actor=make_user(role="approver"))
    assert reload(release.id).state == "approved"


def test_an_approver_who_rewrote_the_content_cannot_approve_it_after_a_small_later_edit(officer):
    rewriter = make_user(role="approver")
    release = create_release(author=officer)
    edit(release, rewriter, body="Rewritten almost entirely by the approver")
    edit(release, officer, body="Rewritten almost entirely by the approver, with a comma.")
    releases.submit_release(release.id, actor=officer)
    with pytest.raises(NotAllowed) as refusal:
        releases.approve_release(release.id, actor=rewriter)
    assert "You made changes to the content being approved" in refusal.value.message


def test_editors_of_the_published_version_may_approve_a_later_correction_by_someone_else(
    officer, approver
):
    release = create_release(author=officer)
    contributor = make_user(role="approver")
    edit(release, contributor, body="An early improvement")
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    releases.publish_release(release.id, actor=officer)
    edit(release, officer, body="Corrected figure", change_note="Corrected the figure")
    releases.approve_release(release.id, actor=contributor)
    assert reload(release.id).public_revision.body == "Corrected figure"


def test_an_approval_records_the_hash_of_exactly_the_content_it_covers(officer, approver):
    release = create_release(state="approved", author=officer, approver=approver)
    latest = releases.latest_revision(release)
    assert release.approved_hash == latest.content_hash
    assert release.approved_revision_id == latest.id
    assert release.approved_by_id == approver.id
    assert events(release.id)[-1] == ("approve", "in_review", "approved")


def test_requesting_changes_needs_a_comment_and_shows_it_to_the_author(officer, approver):
    release = create_release(state="in_review", author=officer)
    with pytest.raises(ValidationFailed) as refusal:
        releases.request_changes(release.id, actor=approver, comment=" ")
    assert "comment" in refusal.value.fields
    releases.request_changes(release.id, actor=approver, comment="Add the date of the visit")
    release = reload(release.id)
    assert release.state == "draft"
    assert release.notice == "Amir Approver asked for changes: Add the date of the visit"


@pytest.mark.parametrize("state", ["in_review", "approved", "scheduled"])
def test_an_edit_after_submission_voids_the_approval_and_cancels_the_schedule(
    state, officer, approver, clock
):
    release = create_release(state=state, author=officer, approver=approver)
    edit(release, officer, body="A late change")
    release = reload(release.id)
    assert release.state == "draft"
    assert release.approved_hash is None
    assert release.embargo_until is None
    assert release.public_revision_id is None
    assert "back to draft" in release.notice
    assert events(release.id)[-1] == ("edit", state, "draft")
    clock.advance(days=1)
    with pytest.raises(NotFound):
        releases.load_public_release(release.slug)


def test_publishing_refuses_content_changed_since_approval(officer, approver):
    release = create_release(state="approved", author=officer, approver=approver)
    # Someone changes the content without going through an edit (a file swapped on disk, a
    # hand-made database change): the hash no longer matches and nothing goes out.
    release.approved_hash = "0" * 64
    db.session.commit()
    with pytest.raises(WrongState) as refusal:
        releases.publish_release(release.id, actor=officer)
    assert "changed since it was approved" in refusal.value.message
    assert reload(release.id).state == "approved"


def test_publishing_shows_the_approved_revision(officer, approver, clock):
    release = create_release(state="published", author=officer, approver=approver)
    shown = releases.load_public_release(release.slug)
    assert shown.title == "Inspectors find steady progress in child protection"
    assert shown.status == "published"
    assert shown.published_at == clock()


# --- corrections -----------------------------------------------------------------------------


def test_a_correction_stays_private_until_someone_else_approves_it(officer, approver, clock):
    release = create_release(state="published", author=officer, approver=approver)
    corrector = make_user(role="approver")
    with pytest.raises(ValidationFailed) as refusal:
        edit(release, corrector, body="Corrected body")
    assert "change_note" in refusal.value.fields

    clock.advance(hours=1)
    edit(release, corrector, body="Corrected body", change_note="Corrected the inspection date")
    assert reload(release.id).state == "published"
    assert releases.has_pending_correction(reload(release.id))
    assert releases.load_public_release(release.slug).content.body != "Corrected body"

    with pytest.raises(NotAllowed):
        releases.approve_release(release.id, actor=corrector)
    with pytest.raises(NotAllowed):
        releases.approve_release(release.id, actor=officer)  # the author
    releases.approve_release(release.id, actor=approver)

    shown = releases.load_public_release(release.slug)
    assert shown.content.body == "Corrected body"
    assert shown.change_note == "Corrected the inspection date"
    assert shown.updated_at == clock()
    assert [c.note for c in shown.corrections] == ["Corrected the inspection date"]
    assert not releases.has_pending_correction(reload(release.id))


# --- scheduling and the embargo ----------------------------------------------------------------


def test_an_embargo_in_the_past_or_now_is_refused(officer, approver, clock):
    release = create_release(state="approved", author=officer, approver=approver)
    for embargo in (clock() - timedelta(seconds=1), clock()):
        with pytest.raises(ValidationFailed) as refusal:
            releases.schedule_release(release.id, actor=officer, embargo_until=embargo)
        assert refusal.value.fields == {"embargo_until": "The embargo must be in the future"}
    assert reload(release.id).state == "approved"


@pytest.mark.parametrize(
    "embargo",
    [datetime(2016, 12, 1, 0, 1, tzinfo=LONDON), datetime(2017, 6, 1, 9, 30, tzinfo=LONDON)],
    ids=["GMT", "BST"],
)
def test_a_scheduled_release_is_reachable_from_its_embargo_instant_and_not_a_second_before(
    embargo, officer, approver, clock
):
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    clock.set(embargo - timedelta(seconds=1))
    with pytest.raises(NotFound) as refusal:
        releases.load_public_release(release.slug)
    assert refusal.value.message == releases.PUBLIC_NOT_FOUND
    assert releases.list_public_releases().items == []
    assert releases.latest_public_releases() == []

    clock.set(embargo)
    assert releases.load_public_release(release.slug).published_at == embargo
    assert [r.slug for r in releases.list_public_releases().items] == [release.slug]
    assert releases.release_status(reload(release.id)) == "published"

    clock.set(embargo + timedelta(seconds=1))
    assert [r.slug for r in releases.latest_public_releases()] == [release.slug]


def test_an_embargo_can_be_moved_or_cancelled_before_it_lifts(officer, approver, clock):
    release = create_release(state="scheduled", author=officer, approver=approver)
    later = clock() + timedelta(days=2)
    releases.schedule_release(release.id, actor=officer, embargo_until=later)
    assert reload(release.id).embargo_until == later
    assert events(release.id)[-1] == ("reschedule", "scheduled", "scheduled")
    releases.unschedule_release(release.id, actor=officer)
    release = reload(release.id)
    assert (release.state, release.embargo_until, release.public_revision_id) == (
        "approved",
        None,
        None,
    )
    clock.advance(days=3)
    with pytest.raises(NotFound):
        releases.load_public_release(release.slug)


def test_a_lifted_embargo_is_written_on_the_timeline_at_the_embargo_instant(
    officer, approver, clock
):
    embargo = clock() + timedelta(minutes=2)
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    clock.advance(hours=5)
    with pytest.raises(WrongState) as refusal:
        releases.unschedule_release(release.id, actor=officer)
    assert "already lifted" in refusal.value.message
    assert releases.release_history(release.id).embargo_lifted_at == embargo

    releases.withdraw_release(release.id, actor=approver, reason="Sent out in error")
    lifted = db.session.scalars(
        sa.select(ReleaseEvent).where(ReleaseEvent.action == "embargo_lifted")
    ).one()
    assert lifted.created_at == embargo
    assert lifted.actor_id is None
    assert events(release.id)[-2:] == [
        ("embargo_lifted", "scheduled", "published"),
        ("withdraw", "published", "withdrawn"),
    ]


# --- withdrawal --------------------------------------------------------------------------------


def test_a_withdrawn_release_keeps_its_page_with_the_reason_but_leaves_the_lists(officer, approver):
    release = create_release(
        state="withdrawn", author=officer, approver=approver, withdrawal_reason="Wrong figures"
    )
    shown = releases.load_public_release(release.slug)
    assert shown.withdrawn
    assert shown.withdrawal_reason == "Wrong figures"
    assert releases.list_public_releases().items == []
    assert releases.latest_public_releases() == []


def test_only_an_approver_can_withdraw_and_only_with_a_reason(officer, approver):
    release = create_release(state="published", author=officer, approver=approver)
    with pytest.raises(NotAllowed):
        releases.withdraw_release(release.id, actor=officer, reason="Wrong")
    with pytest.raises(ValidationFailed) as refusal:
        releases.withdraw_release(release.id, actor=approver, reason="")
    assert "reason" in refusal.value.fields
    assert reload(release.id).state == "published"


# --- history and comparison --------------------------------------------------------------------


def test_two_revisions_can_be_compared_field_by_field(officer):
    release = create_release(author=officer)
    edit(
        release,
        officer,
        body="Inspectors returned in August to check progress.\n\nThey found big improvements.",
    )
    comparison = releases.compare_revisions(release.id, 1, 2)
    assert [f.name for f in comparison.changed_fields] == ["body"]
    body = comparison.changed_fields[0]
    assert [(r.kind, r.old, r.new) for r in body.rows if r.kind != "equal"] == [
        ("changed", "They found improvements.", "They found big improvements.")
    ]
    with pytest.raises(ValidationFailed) as refusal:
        releases.compare_revisions(release.id, 1, 9)
    assert refusal.value.fields == {"new": "This release has no revision 9"}


# --- what the public sees, in SQL and in the domain, agree --------------------------------------


def test_the_public_queries_agree_with_the_visibility_rules_in_every_state(
    officer, approver, clock
):
    embargo = clock() + timedelta(hours=1)
    made = {
        state: create_release(
            state=state, author=officer, approver=approver, embargo_until=embargo, title=state
        )
        for state in ("draft", "in_review", "approved", "scheduled", "published", "withdrawn")
    }
    for instant in (embargo - timedelta(seconds=1), embargo, embargo + timedelta(seconds=1)):
        clock.set(instant)
        listed = {r.slug for r in releases.list_public_releases(per_page=100).items}
        for release in made.values():
            release = reload(release.id)
            assert (release.slug in listed) is is_listed(release, instant)
            try:
                releases.load_public_release(release.slug)
                reachable = True
            except NotFound:
                reachable = False
            assert reachable is is_public(release, instant), (release.state, instant)


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements = []

    def _count(self, conn, cursor, statement, *args, **kwargs):
        self.count += 1
        self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def _queries(fn) -> int:
    db.session.expire_all()
    with QueryCounter(db.engine) as counter:
        fn()
    return counter.count


def test_the_public_list_and_feed_take_the_same_number_of_queries_however_many_releases(
    officer, approver
):
    create_release(state="published", author=officer, approver=approver)
    one = (
        _queries(lambda: [r.rendered() for r in releases.list_public_releases().items]),
        _queries(lambda: [r.rendered() for r in releases.latest_public_releases()]),
    )
    for _ in range(7):
        create_release(state="published", author=officer, approver=approver)
    eight = (
        _queries(lambda: [r.rendered() for r in releases.list_public_releases().items]),
        _queries(lambda: [r.rendered() for r in releases.latest_public_releases()]),
    )
    assert len(releases.list_public_releases().items) == 8
    assert one == eight
    assert one == (2, 1)


def test_a_public_release_page_takes_the_same_number_of_queries_however_many_corrections(
    officer, approver, clock
):
    release = create_release(state="published", author=officer, approver=approver)
    slug = release.slug
    before = _queries(lambda: releases.load_public_release(slug).rendered())
    corrector = make_user(role="officer")
    for n in range(3):
        clock.advance(minutes=5)
        edit(release, corrector, body=f"Corrected {n}", change_note=f"Correction {n}")
        releases.approve_release(release.id, actor=approver)
    after = _queries(lambda: releases.load_public_release(slug).rendered())
    assert len(releases.load_public_release(slug).corrections) == 3
    assert before == after == 2


def test_public_answers_are_aware_utc_instants(officer, approver):
    release = create_release(state="published", author=officer, approver=approver)
    shown = releases.load_public_release(release.slug)
    assert shown.published_at.tzinfo is not None
    assert shown.published_at.utcoffset() == timedelta(0)
    assert shown.published_at == datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def test_changes_requested_on_a_correction_keep_it_pending_and_the_public_version_unchanged(
    officer, approver
):
    release = create_release(state="published", author=officer, approver=approver)
    edit(release, officer, body="A hasty correction", change_note="Corrected the body")
    releases.request_changes(release.id, actor=approver, comment="Check the figures again")
    release = reload(release.id)
    assert release.state == "published"
    assert releases.has_pending_correction(release)
    assert release.notice == "Amir Approver asked for changes: Check the figures again"
    assert releases.load_public_release(release.slug).content.body != "A hasty correction"


def test_searching_headlines_takes_percent_and_underscore_literally(officer):
    create_release(author=officer, title="Pay rises of 2% for staff")
    create_release(author=officer, title="Budget for prisons")
    assert [r.title for r in releases.list_releases(q="2%").items] == ["Pay rises of 2% for staff"]
    assert releases.list_releases(q="%_").items == []
    assert [r.title for r in releases.list_releases(q="BUDGET").items] == ["Budget for prisons"]
