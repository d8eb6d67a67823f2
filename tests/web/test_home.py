"""The staff home page: what needs doing now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..factories import create_release, make_enquiry, make_user


def test_approver_sees_releases_waiting_for_their_sign_off_but_not_their_own(
    signed_in, approver, officer
):
    create_release(state="in_review", author=officer, title="Prison report findings")
    create_release(state="in_review", author=approver, title="My own release")
    home = signed_in(approver).get("/staff")
    waiting = home.find("h2", string="Waiting for your sign-off").find_next("ul").get_text()
    assert "Prison report findings" in waiting
    assert "My own release" not in waiting


def test_officer_sees_their_drafts_with_the_approvers_comment_and_no_sign_off_list(
    signed_in, officer, approver, clock
):
    release = create_release(state="in_review", author=officer, title="Budget statement")
    from pressoffice.services import releases

    releases.request_changes(
        release.id, actor=approver, comment="Add the total figure.", now=clock.instant
    )
    home = signed_in(officer).get("/staff")
    assert home.find("h2", string="Waiting for your sign-off") is None
    drafts = home.find("h2", string="Your drafts").find_next("ul").get_text()
    assert "Budget statement" in drafts and "Add the total figure." in drafts


def test_scheduled_releases_are_listed_with_the_time_they_go_out(signed_in, officer, clock):
    embargo = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
    create_release(state="scheduled", title="Annual figures", embargo_until=embargo)
    home = signed_in(officer).get("/staff")
    going_out = home.find("h2", string="Going out under embargo").find_next("ul").get_text()
    assert "Annual figures" in going_out
    assert "goes out 00:01 GMT on Thursday 1 December 2016" in going_out


def test_overdue_enquiries_and_my_enquiries_stand_out(signed_in, officer, clock):
    received = clock.instant - timedelta(hours=3)
    make_enquiry(
        received_at=received,
        deadline=clock.instant - timedelta(hours=1),
        assignee_id=str(officer.id),
        logged_by=officer,
        subject="Flood defences",
    )
    home = signed_in(officer).get("/staff")
    alert = home.select_one(".notification--error").get_text()
    assert "1 open enquiry is past the journalist's deadline" in alert
    mine = home.find("h2", string="Enquiries assigned to you").find_next("ul").get_text()
    assert "Flood defences" in mine and "Overdue" in mine


def test_out_of_hours_the_home_page_names_the_line_and_the_duty_officer(
    signed_in, officer, clock, admin
):
    from pressoffice.services import rota

    saturday = datetime(2016, 12, 3, 11, 0, tzinfo=UTC)
    duty = make_user(name="Dev Duty", email="dev@example.org")
    rota.add_shift(
        user_id=duty.id,
        starts_at=saturday - timedelta(hours=12),
        ends_at=saturday + timedelta(hours=12),
        now=clock.instant,
    )
    clock.set(saturday)
    line = signed_in(officer).get("/staff").select_one(".today-line").get_text(" ", strip=True)
    assert "Out of hours, 07836 217 729" in line
    assert "Out-of-hours duty officer now: Dev Duty" in line


def test_the_menu_offers_admin_pages_only_to_admins(signed_in, officer, admin, client):
    menu = signed_in(officer).get("/staff").select_one(".site-nav").get_text()
    assert "Releases" in menu and "Users" not in menu and "Duty rota" not in menu
    client.post("/sign-out")
    menu = signed_in(admin).get("/staff").select_one(".site-nav").get_text()
    assert "Users" in menu and "Duty rota and calendar" in menu


def test_in_office_hours_the_home_page_says_until_when_the_office_line_is_answered(
    signed_in, officer
):
    line = signed_in(officer).get("/staff").select_one(".today-line").get_text(" ", strip=True)
    assert "Press line now: Office hours, 020 3513 0600" in line
    assert "The office line is answered until 17:00 GMT on Tuesday 29 November 2016" in line


def test_approved_releases_waiting_to_go_out_are_listed_for_the_officer(
    signed_in, officer, approver, clock
):
    from pressoffice.services import releases

    waiting = create_release(state="in_review", author=officer, title="Road safety figures")
    releases.approve_release(waiting.id, actor=approver, now=clock.instant)
    create_release(state="in_review", author=officer, title="Still in review")
    home = signed_in(officer).get("/staff")
    heading = home.find("h2", string="Approved, waiting to be published or scheduled")
    listed = heading.find_next("ul").get_text(" ", strip=True)
    assert "Road safety figures" in listed and "Still in review" not in listed
    assert f"approved by {approver.name}" in listed
    link = heading.find_next("ul").find("a")["href"]
    assert link == f"/releases/{waiting.id}"
