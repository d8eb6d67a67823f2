"""The forward look's use cases on the real database: planning, moving with and without a
reason, cancelling, writing the release, and what the grid and the public calendar read."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from pressoffice.models import PlannedEntry, PlannedEntryEvent
from pressoffice.services import forward_look, releases
from pressoffice.services.errors import NotAllowed, StaleVersion, ValidationFailed, WrongState

from ..factories import create_release, make_user

# The app's clock in tests: Tuesday 29 November 2016, 10:00 GMT.


def plan(actor, **overrides):
    values = {
        "title": "Children's services inspection: Northshire",
        "owner_id": actor.id,
        "day": "6",
        "month": "12",
        "year": "2016",
        "at": "09:30",
        "status": "provisional",
    }
    values.update(overrides)
    return forward_look.create_entry(actor=actor, **values)


def events(entry_id):
    from pressoffice.extensions import db

    return [
        (e.action, e.reason, e.public)
        for e in db.session.query(PlannedEntryEvent)
        .filter_by(entry_id=entry_id)
        .order_by(PlannedEntryEvent.id)
    ]


def test_planning_an_entry_keeps_it_with_its_uk_date_and_time(officer):
    entry = plan(officer)

    saved = forward_look.get_entry(entry.id)
    assert (saved.day, saved.at, saved.status) == (date(2016, 12, 6), time(9, 30), "provisional")
    assert saved.owner_id == officer.id and saved.created_by_id == officer.id
    assert events(entry.id) == [("create", None, False)]


def test_a_refused_plan_names_every_field_and_saves_nothing(officer):
    with pytest.raises(ValidationFailed) as refused:
        plan(officer, title="", day="31", month="11", owner_id="", at="25:00")

    assert set(refused.value.fields) == {"title", "day", "owner_id", "time"}
    from pressoffice.extensions import db

    assert db.session.query(PlannedEntry).count() == 0


def test_an_entry_cannot_be_planned_for_yesterday_in_uk_time(officer, clock):
    # 23:30 UTC on a summer evening is already tomorrow in the UK.
    clock.set(datetime(2016, 6, 14, 23, 30, tzinfo=UTC))

    with pytest.raises(ValidationFailed) as refused:
        plan(officer, day="14", month="6", year="2016")
    assert refused.value.fields == {"day": "The date must be today or later"}

    assert plan(officer, day="15", month="6", year="2016").day == date(2016, 6, 15)


def test_an_entry_belongs_to_someone_in_the_press_office(officer):
    gone = make_user(role="officer")
    from pressoffice.services import accounts

    accounts.deactivate_user(gone, datetime(2016, 11, 1, tzinfo=UTC))

    with pytest.raises(ValidationFailed) as refused:
        plan(officer, owner_id=gone.id)
    assert "owner_id" in refused.value.fields


def test_moving_a_provisional_entry_needs_no_reason(officer):
    entry = plan(officer)

    forward_look.move_entry(entry.id, actor=officer, day="8", month="12", year="2016", at="")

    moved = forward_look.get_entry(entry.id)
    assert (moved.day, moved.at, moved.version) == (date(2016, 12, 8), None, 2)
    assert events(entry.id)[-1] == ("move", None, False)


def test_moving_a_confirmed_entry_needs_a_reason_which_its_timeline_keeps(officer):
    entry = plan(officer, status="confirmed", announced="yes", public_title="Inspection report")

    with pytest.raises(ValidationFailed) as refused:
        forward_look.move_entry(entry.id, actor=officer, day="8", month="12", year="2016")
    assert list(refused.value.fields) == ["reason"]
    assert forward_look.get_entry(entry.id).day == date(2016, 12, 6)

    forward_look.move_entry(
        entry.id,
        actor=officer,
        day="8",
        month="12",
        year="2016",
        at="09:30",
        reason="The report's publication was put back by the inspectorate",
    )

    assert forward_look.get_entry(entry.id).day == date(2016, 12, 8)
    [line] = [
        t
        for t in forward_look.entry_timeline(forward_look.get_entry(entry.id))
        if t.action == "move"
    ]
    assert (line.from_day, line.to_day, line.public) == (date(2016, 12, 6), date(2016, 12, 8), True)
    assert line.reason == "The report's publication was put back by the inspectorate"


def test_a_move_started_from_an_older_version_is_refused(officer):
    entry = plan(officer)
    forward_look.move_entry(entry.id, actor=officer, day="7", month="12", year="2016")

    with pytest.raises(StaleVersion):
        forward_look.move_entry(
            entry.id, actor=officer, day="9", month="12", year="2016", expected_version=1
        )
    assert forward_look.get_entry(entry.id).day == date(2016, 12, 7)


def test_cancelling_needs_a_reason_and_then_the_entry_changes_no_more(officer):
    entry = plan(officer, status="confirmed")

    with pytest.raises(ValidationFailed):
        forward_look.cancel_entry(entry.id, actor=officer, reason="")
    forward_look.cancel_entry(entry.id, actor=officer, reason="The report was withdrawn")

    cancelled = forward_look.get_entry(entry.id)
    assert (cancelled.status, cancelled.cancelled_reason) == (
        "cancelled",
        "The report was withdrawn",
    )
    with pytest.raises(WrongState):
        forward_look.move_entry(entry.id, actor=officer, day="9", month="12", year="2016")
    with pytest.raises(WrongState):
        forward_look.write_release_for_entry(entry.id, actor=officer)


def test_editing_records_what_changed_and_a_confirmation(officer, approver):
    entry = plan(officer)

    forward_look.update_entry(
        entry.id,
        actor=officer,
        expected_version=1,
        title="Inspection report: Northshire",
        owner_id=approver.id,
        status="confirmed",
        announced="",
        public_title="",
        notes="Embargo 00:01",
    )

    saved = forward_look.get_entry(entry.id)
    assert (saved.title, saved.owner_id, saved.status, saved.version) == (
        "Inspection report: Northshire",
        approver.id,
        "confirmed",
        2,
    )
    assert [e[0] for e in events(entry.id)] == ["create", "confirm", "edit"]
    assert events(entry.id)[-1][1] == "Changed: title, owner, notes"


def test_writing_the_release_links_entry_and_release_both_ways(officer):
    entry = plan(officer)

    release = forward_look.write_release_for_entry(entry.id, actor=officer)

    assert release.title == "Children's services inspection: Northshire"
    assert releases.get_release(release.id).state == "draft"
    assert forward_look.get_entry(entry.id).release_id == release.id
    assert forward_look.entry_for_release(release.id).id == entry.id
    with pytest.raises(WrongState):
        forward_look.write_release_for_entry(entry.id, actor=officer)


def test_a_member_of_the_public_cannot_plan(app_ctx):
    with pytest.raises(NotAllowed):
        forward_look.create_entry(actor=None, title="x")


def test_the_grid_shows_the_entry_becoming_the_release_until_it_is_published(
    officer, approver, clock
):
    entry = plan(officer, at="")
    window, days = forward_look.grid(clock())
    [item] = [i for d in days for i in d.items]
    assert (item.day, item.status, item.instant) == (date(2016, 12, 6), "provisional", None)

    release = forward_look.write_release_for_entry(entry.id, actor=officer)
    releases.update_release(
        release.id,
        actor=officer,
        expected_version=1,
        title="Inspectors find children's services improving",
        summary="A standfirst.",
        body="The body.",
    )
    [item] = [i for d in forward_look.grid(clock())[1] for i in d.items]
    assert (item.status, item.release_id) == ("draft", release.id)
    assert item.title == "Inspectors find children's services improving"

    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    embargo = datetime(2016, 12, 7, 0, 1, tzinfo=UTC)
    releases.schedule_release(release.id, actor=officer, embargo_until=embargo)
    [item] = [i for d in forward_look.grid(clock())[1] for i in d.items]
    assert (item.status, item.day, item.instant) == ("scheduled", date(2016, 12, 7), embargo)
    assert item.planned_day == date(2016, 12, 6)

    clock.set(embargo)
    [item] = [i for d in forward_look.grid(clock())[1] for i in d.items]
    assert item.status == "published"


def test_the_grid_lists_releases_with_no_entry_on_their_uk_day(officer, approver, clock):
    # 23:30 UTC on 5 December is 23:30 GMT: the 5th. In summer it would be the next day.
    embargo = datetime(2016, 12, 5, 23, 30, tzinfo=UTC)
    create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo, title="Late"
    )
    create_release(state="draft", author=officer, title="No date yet")

    _window, days = forward_look.grid(clock())

    placed = {(d.day, i.title) for d in days for i in d.items}
    assert placed == {(date(2016, 12, 5), "Late")}


def test_the_grid_outside_its_weeks_shows_nothing_of_them(officer, clock):
    plan(officer, day="27", month="12", year="2016")  # the 29th day from Tuesday 29 November

    _window, days = forward_look.grid(clock())
    assert [i for d in days for i in d.items] == []

    _window, days = forward_look.grid(clock(), clock().date() + timedelta(days=7))
    assert [i.day for d in days for i in d.items] == [date(2016, 12, 27)]


def test_the_public_calendar_has_announced_entries_only_under_their_public_titles(
    officer, approver, clock
):
    announced = plan(
        officer,
        title="Staff title: Northshire failing",
        status="confirmed",
        announced="yes",
        public_title="Children's services inspection report",
    )
    plan(officer, title="Unannounced secret")
    forward_look.move_entry(
        announced.id, actor=officer, day="8", month="12", year="2016", reason="Printer delay"
    )

    [shown] = forward_look.public_calendar(clock())

    assert (shown.title, shown.day, shown.status) == (
        "Children's services inspection report",
        date(2016, 12, 8),
        "confirmed",
    )
    assert [(c.action, c.reason) for c in shown.changes] == [("move", "Printer delay")]
    assert shown.release_slug is None


def test_a_reason_given_before_the_entry_was_announced_stays_private(officer, clock):
    entry = plan(officer, status="confirmed")
    forward_look.move_entry(
        entry.id, actor=officer, day="8", month="12", year="2016", reason="Minister unavailable"
    )
    forward_look.update_entry(
        entry.id,
        actor=officer,
        title=entry.title,
        owner_id=officer.id,
        status="confirmed",
        announced="yes",
        public_title="Inspection report",
    )

    [shown] = forward_look.public_calendar(clock())

    assert shown.changes == []


def test_the_public_calendar_links_the_release_only_once_it_is_public(officer, approver, clock):
    entry = plan(officer, announced="yes", public_title="Inspection report")
    release = forward_look.write_release_for_entry(entry.id, actor=officer)
    releases.update_release(
        release.id, actor=officer, expected_version=1, title="Secret", summary="S", body="B"
    )
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    embargo = datetime(2016, 12, 6, 9, 30, tzinfo=UTC)
    releases.schedule_release(release.id, actor=officer, embargo_until=embargo)

    clock.set(embargo - timedelta(seconds=1))
    [shown] = forward_look.public_calendar(clock())
    assert shown.release_slug is None and shown.label == "Provisional"

    clock.set(embargo)
    [shown] = forward_look.public_calendar(clock())
    assert shown.release_slug == "secret" and shown.label == "Published"


@pytest.mark.parametrize(
    ("now", "changes_at"),
    [
        # Winter: the next UK midnight is 00:00 UTC.
        (datetime(2016, 11, 29, 10, 0, tzinfo=UTC), datetime(2016, 11, 30, 0, 0, tzinfo=UTC)),
        # Summer: 23:00 UTC.
        (datetime(2016, 6, 14, 10, 0, tzinfo=UTC), datetime(2016, 6, 14, 23, 0, tzinfo=UTC)),
        # The evening before the clocks go back: midnight is still BST.
        (datetime(2016, 10, 29, 12, 0, tzinfo=UTC), datetime(2016, 10, 29, 23, 0, tzinfo=UTC)),
        # That day itself is 25 hours long; its midnight is GMT.
        (datetime(2016, 10, 30, 12, 0, tzinfo=UTC), datetime(2016, 10, 31, 0, 0, tzinfo=UTC)),
    ],
)
def test_the_public_calendar_changes_at_the_next_uk_midnight(app_ctx, now, changes_at):
    assert forward_look.public_calendar_changes_at(now) == changes_at


def test_the_public_calendar_changes_at_an_embargo_sooner_than_midnight(officer, approver, clock):
    embargo = datetime(2016, 11, 29, 12, 0, tzinfo=UTC)
    create_release(state="scheduled", author=officer, approver=approver, embargo_until=embargo)

    assert forward_look.public_calendar_changes_at(clock()) == embargo
