"""Embargoed copies: recipients, links, terms, the access list and a broken embargo."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import EmbargoRecipient, PreviewView, ReleaseEvent, User
from pressoffice.services import previews, releases
from pressoffice.services.errors import NotAllowed, NotFound, ValidationFailed, WrongState

from ..factories import create_release, make_user

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def scheduled(officer, approver):
    return create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )


def add(release, officer, name="Jo Reporter", outlet="The Daily Example", email="jo@example.com"):
    return previews.add_recipient(release.id, actor=officer, name=name, outlet=outlet, email=email)


def test_a_recipient_gets_a_long_random_link_and_only_its_hash_is_stored(scheduled, officer):
    added = add(scheduled, officer)
    assert len(added.token) >= 43
    assert added.url.endswith(f"/preview/{added.token}")
    stored = db.session.scalars(sa.select(EmbargoRecipient)).one()
    assert stored.token_hash != added.token
    assert added.token not in stored.token_hash
    row = db.session.execute(sa.text("SELECT * FROM embargo_recipients")).mappings().one()
    assert added.token not in " ".join(str(v) for v in row.values())


def test_two_recipients_never_share_a_link(scheduled, officer):
    first = add(scheduled, officer)
    second = add(scheduled, officer, email="sam@example.com")
    assert first.token != second.token


def test_a_malformed_email_is_refused_with_the_field_named_and_nothing_saved(scheduled, officer):
    with pytest.raises(ValidationFailed) as refused:
        add(scheduled, officer, email="jo at example")
    assert set(refused.value.fields) == {"email"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EmbargoRecipient)) == 0


def test_recipients_can_only_be_added_to_a_scheduled_release(officer, approver):
    approved = create_release(state="approved", author=officer, approver=approver)
    with pytest.raises(WrongState):
        add(approved, officer)


def test_the_copy_needs_the_terms_accepted_once_and_each_opening_is_logged(
    scheduled, officer, clock
):
    added = add(scheduled, officer)
    first = previews.open_preview(added.token, address="10.0.0.1", user_agent="Firefox")
    assert first.terms_needed and first.content is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PreviewView)) == 0

    clock.advance(minutes=5)
    previews.accept_terms(added.token)
    clock.advance(minutes=5)
    previews.accept_terms(added.token)  # the first acceptance is the one kept
    recipient = db.session.get(EmbargoRecipient, added.recipient.id)
    assert recipient.terms_accepted_at == datetime(2016, 11, 29, 10, 5, tzinfo=UTC)

    shown = previews.open_preview(added.token, address="10.0.0.1", user_agent="Firefox")
    assert shown.content.title == scheduled.title
    view = db.session.scalars(sa.select(PreviewView)).one()
    assert (view.viewed_at, view.address, view.user_agent) == (clock(), "10.0.0.1", "Firefox")


def test_the_copy_is_the_approved_content_not_a_later_working_copy(scheduled, officer):
    added = add(scheduled, officer)
    previews.accept_terms(added.token)
    shown = previews.open_preview(added.token)
    assert shown.content.title == scheduled.public_revision.title


def test_a_link_shows_until_the_embargo_and_leads_to_the_public_page_from_it(
    scheduled, officer, clock
):
    added = add(scheduled, officer)
    previews.accept_terms(added.token)
    clock.set(EMBARGO - SECOND)
    assert previews.open_preview(added.token).kind == "show"
    clock.set(EMBARGO)
    assert previews.open_preview(added.token).kind == "redirect"
    clock.set(EMBARGO + SECOND)
    assert previews.open_preview(added.token).kind == "redirect"


def test_revoking_one_link_stops_it_at_once_and_leaves_the_others(scheduled, officer):
    kept = add(scheduled, officer)
    revoked = add(scheduled, officer, email="sam@example.com")
    previews.revoke_recipient(scheduled.id, revoked.recipient.id, actor=officer)
    with pytest.raises(NotFound):
        previews.open_preview(revoked.token)
    assert previews.open_preview(kept.token).kind == "show"


def test_revoking_all_links_stops_every_one(scheduled, officer):
    tokens = [add(scheduled, officer, email=f"r{i}@example.com").token for i in range(3)]
    assert previews.revoke_all(scheduled.id, actor=officer) == 3
    for token in tokens:
        with pytest.raises(NotFound):
            previews.open_preview(token)


@pytest.mark.parametrize("token", ["x" * 43, "short", "", "a" * 200])
def test_unknown_and_malformed_tokens_find_nothing(scheduled, officer, token):
    add(scheduled, officer)
    with pytest.raises(NotFound) as missing:
        previews.open_preview(token)
    assert missing.value.message == releases.PUBLIC_NOT_FOUND


def test_an_expired_link_finds_nothing(scheduled, officer, clock):
    added = add(scheduled, officer)
    clock.set(added.recipient.expires_at)
    with pytest.raises(NotFound):
        previews.open_preview(added.token)


@pytest.mark.parametrize("change", ["unschedule", "edit"])
def test_links_stop_showing_content_when_the_release_is_unscheduled_or_edited(
    scheduled, officer, approver, change
):
    added = add(scheduled, officer)
    if change == "unschedule":
        releases.unschedule_release(scheduled.id, actor=officer)
    else:
        releases.update_release(
            scheduled.id,
            actor=officer,
            expected_version=scheduled.version,
            title="A different headline",
            summary=scheduled.summary,
            body=scheduled.body,
            quotes=scheduled.quotes,
            links=scheduled.links,
            notes=scheduled.notes,
        )
    with pytest.raises(NotFound):
        previews.open_preview(added.token)


def test_links_show_again_once_the_release_is_approved_and_scheduled_again(
    scheduled, officer, approver
):
    added = add(scheduled, officer)
    releases.unschedule_release(scheduled.id, actor=officer)
    releases.schedule_release(scheduled.id, actor=officer, embargo_until=EMBARGO)
    assert previews.open_preview(added.token).kind == "show"


def test_a_withdrawn_release_shows_nothing_through_a_link(scheduled, officer, approver, clock):
    added = add(scheduled, officer)
    clock.set(EMBARGO + timedelta(hours=1))
    releases.withdraw_release(scheduled.id, actor=approver, reason="The figures were wrong")
    with pytest.raises(NotFound):
        previews.open_preview(added.token)


def test_an_attachment_is_served_only_through_a_working_link_with_the_terms_accepted(
    scheduled, officer
):
    added = add(scheduled, officer)
    with pytest.raises(NotFound):
        previews.preview_attachment(added.token, 1)


def test_the_access_list_shows_who_opened_their_link_and_when(scheduled, officer, clock):
    jo = add(scheduled, officer)
    sam = add(scheduled, officer, name="Sam Writer", outlet="Example FM", email="sam@example.com")
    add(scheduled, officer, name="Never Opened", outlet="Quiet Times", email="q@example.com")
    for added in (jo, sam):
        previews.accept_terms(added.token)
    previews.open_preview(jo.token, address="10.0.0.1", user_agent="Firefox")
    clock.advance(minutes=30)
    previews.open_preview(sam.token, address="10.0.0.2", user_agent="Safari")
    previews.open_preview(jo.token, address="10.0.0.3", user_agent="Firefox")

    rows = previews.access_list(scheduled.id)
    assert [(r.recipient.name, r.view.address) for r in rows] == [
        ("Jo Reporter", "10.0.0.1"),
        ("Sam Writer", "10.0.0.2"),
        ("Jo Reporter", "10.0.0.3"),
    ]

    exported = list(csv.reader(io.StringIO("".join(previews.access_list_csv(scheduled.id)))))
    assert exported[0][0] == "Name"
    assert [row[0] for row in exported[1:]] == [
        "Jo Reporter",
        "Jo Reporter",
        "Sam Writer",
        "Never Opened",
    ]
    assert exported[1][6] == "2016-11-29T10:00:00Z"
    assert exported[4][6] == ""


def test_the_access_list_export_keeps_spreadsheet_formulas_as_text(scheduled, officer):
    add(scheduled, officer, name="=HYPERLINK(1)", outlet="+Outlet")
    exported = list(csv.reader(io.StringIO("".join(previews.access_list_csv(scheduled.id)))))
    assert exported[1][:2] == ["'=HYPERLINK(1)", "'+Outlet"]


def test_an_approver_breaks_an_embargo_with_a_reason_and_recipients_listed(
    scheduled, officer, approver, clock
):
    jo = add(scheduled, officer)
    add(scheduled, officer, name="Sam Writer", outlet="Example FM", email="sam@example.com")
    broken = previews.break_embargo(
        scheduled.id, actor=approver, reason="The story ran on a website a day early"
    )
    assert [r.name for r in broken.recipients] == ["Jo Reporter", "Sam Writer"]
    assert releases.release_status(releases.get_release(scheduled.id)) == "published"
    assert releases.load_public_release(scheduled.slug).title == scheduled.title
    event = db.session.scalars(
        sa.select(ReleaseEvent).where(ReleaseEvent.action == "embargo_broken")
    ).one()
    assert event.actor_id == approver.id
    assert "The story ran on a website a day early" in event.comment
    assert "Jo Reporter (The Daily Example, jo@example.com)" in event.comment
    assert previews.open_preview(jo.token).kind == "redirect"


def test_an_officer_cannot_break_an_embargo_and_nothing_changes(scheduled, officer):
    with pytest.raises(NotAllowed):
        previews.break_embargo(scheduled.id, actor=officer, reason="Leaked")
    assert releases.release_status(releases.get_release(scheduled.id)) == "scheduled"


def test_breaking_an_embargo_needs_a_reason(scheduled, approver):
    with pytest.raises(ValidationFailed) as refused:
        previews.break_embargo(scheduled.id, actor=approver, reason=" ")
    assert set(refused.value.fields) == {"reason"}
    assert releases.release_status(releases.get_release(scheduled.id)) == "scheduled"


def test_recipients_of_one_release_cannot_be_revoked_through_another(scheduled, officer):
    other = create_release(state="scheduled", author=officer, embargo_until=EMBARGO)
    added = add(scheduled, officer)
    with pytest.raises(NotFound):
        previews.revoke_recipient(other.id, added.recipient.id, actor=officer)
    assert previews.open_preview(added.token).kind == "show"


def test_an_inactive_user_cannot_add_recipients(scheduled):
    former = make_user(role="officer")
    former.active = False
    db.session.commit()
    with pytest.raises(NotAllowed):
        add(scheduled, former)


def test_the_demo_data_has_an_embargoed_release_with_recipients_and_a_waiting_quote(app_ctx):
    from pressoffice.demo import seed_demo
    from pressoffice.models import QuoteSignoff

    now = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
    seed_demo(now)
    recipients = db.session.scalars(sa.select(EmbargoRecipient)).all()
    assert len(recipients) == 3
    assert sum(1 for r in recipients if r.revoked_at is not None) == 1
    assert len(previews.access_list(recipients[0].release_id)) == 3
    waiting = db.session.scalars(sa.select(QuoteSignoff)).one()
    assert waiting.status == "requested"
    in_review = releases.get_release(waiting.release_id)
    approver = db.session.scalars(sa.select(User).where(User.email == "approver@example.org")).one()
    with pytest.raises(WrongState) as refused:
        releases.approve_release(in_review.id, actor=approver, now=now)
    assert "Priya Raman" in refused.value.message


def _timeline(release_id):
    return db.session.execute(
        sa.select(ReleaseEvent.action, ReleaseEvent.comment)
        .where(ReleaseEvent.release_id == release_id)
        .order_by(ReleaseEvent.id)
    ).all()


def test_links_cancelled_for_good_at_unschedule_never_come_back(scheduled, officer, approver):
    added = add(scheduled, officer)

    releases.unschedule_release(scheduled.id, actor=officer, links="cancel")
    releases.schedule_release(scheduled.id, actor=officer, embargo_until=EMBARGO)

    with pytest.raises(NotFound):
        previews.open_preview(added.token)
    unschedule, revoked = _timeline(scheduled.id)[-3:-1]
    assert unschedule == ("unschedule", "1 link given out: cancelled for good")
    assert revoked == ("recipient_revoked", "All links revoked: Jo Reporter (The Daily Example)")


def test_links_kept_at_unschedule_show_again_and_the_timeline_says_so(scheduled, officer, approver):
    added = add(scheduled, officer)

    releases.unschedule_release(scheduled.id, actor=officer, links="keep", comment="Moved")
    releases.schedule_release(scheduled.id, actor=officer, embargo_until=EMBARGO)

    assert previews.open_preview(added.token).kind == "show"
    assert (
        "unschedule",
        "Moved. 1 link given out: kept; they show the release again if it is scheduled again",
    ) in _timeline(scheduled.id)


@pytest.mark.parametrize("choice", ["", "forever", 3])
def test_unscheduling_with_links_given_out_needs_a_choice_and_changes_nothing_without_one(
    scheduled, officer, choice
):
    add(scheduled, officer)

    with pytest.raises(ValidationFailed) as refused:
        releases.unschedule_release(scheduled.id, actor=officer, links=choice)

    assert "keep the 1 link given out" in refused.value.fields["links"]
    assert db.session.get(type(scheduled), scheduled.id).state == "scheduled"
