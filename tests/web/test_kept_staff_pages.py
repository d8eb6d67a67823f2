"""Staff pages kept for the sign-in that asked: the enquiry log, the dashboard and the release
editor answer a reload without rendering again while nothing they show has changed, and never
once it has: a write by anyone, a deadline passing to the second, the minute turning, a message
to show, a sign-in ended elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.services import accounts, enquiries

from ..conftest import login
from ..factories import create_release, make_enquiry, make_user

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)  # Tuesday 10:00 GMT
DEADLINE = NOW + timedelta(minutes=30, seconds=15)


def _retitle_behind_the_apps_back(reference: str, subject: str) -> None:
    """Change an enquiry straight in the database, as no use case would: a page still showing
    the old subject afterwards was kept, not rendered again."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE enquiries SET subject = :subject WHERE reference = :reference"),
            {"subject": subject, "reference": reference},
        )


def sign_in(client, user) -> None:
    """Sign in and open a first page: the first form's key is then made and kept in the session,
    and a page whose rendering changed the session is not kept."""
    login(client, user)
    assert client.get("/dashboard").status_code == 200


@pytest.fixture
def enquiry(officer, clock):
    clock.set(NOW)
    return make_enquiry(received_at=NOW, deadline=DEADLINE, subject="Flood defences")


def test_the_log_asked_for_again_is_the_kept_page(client, officer, enquiry):
    sign_in(client, officer)
    first = client.get("/enquiries")
    _retitle_behind_the_apps_back(enquiry.reference, "Words no use case wrote")

    again = client.get("/enquiries")

    assert again.status_code == 200
    assert again.data == first.data
    assert b"Flood defences" in again.data


def test_an_enquiry_logged_by_anyone_shows_on_the_next_reload(client, officer, enquiry, clock):
    sign_in(client, officer)
    client.get("/enquiries")
    client.get("/enquiries")

    make_enquiry(received_at=NOW, deadline=DEADLINE, subject="School closures")

    assert b"School closures" in client.get("/enquiries").data


def test_each_sign_in_gets_its_own_page(app, officer, approver, enquiry):
    first, second = app.test_client(), app.test_client()
    sign_in(first, officer)
    sign_in(second, approver)

    assert officer.name.encode() in first.get("/enquiries").data
    page = second.get("/enquiries").data

    assert approver.name.encode() in page
    assert officer.name.encode() not in page.split(b"<main")[0]


def test_a_sign_in_ended_elsewhere_gets_no_kept_page(client, officer, enquiry, clock):
    sign_in(client, officer)
    client.get("/enquiries")
    client.get("/enquiries")

    # Signed out from another device: only the sign-in's own row changes.
    with client.session_transaction() as session:
        key = session["_user_id"].partition(":")[2]
    accounts.end_session(key, clock())

    answer = client.get("/enquiries")
    assert answer.status_code == 302
    assert "/sign-in" in answer.headers["Location"]


def test_a_deadline_passing_shows_at_its_second(client, officer, enquiry, clock):
    sign_in(client, officer)
    clock.set(DEADLINE - timedelta(seconds=40))
    assert b"less than a minute left" in client.get("/enquiries").data
    clock.set(DEADLINE)
    assert b"less than a minute left" in client.get("/enquiries").data

    clock.set(DEADLINE + timedelta(microseconds=1))

    assert b"Overdue by less than a minute" in client.get("/enquiries").data


def test_the_words_counting_down_change_at_each_whole_minute_of_the_deadline(
    client, officer, enquiry, clock
):
    sign_in(client, officer)
    clock.set(DEADLINE - timedelta(minutes=5))
    assert b"5 minutes left" in client.get("/enquiries").data

    clock.set(DEADLINE - timedelta(minutes=4, seconds=59))  # same wall-clock minute

    assert b"4 minutes left" in client.get("/enquiries").data


def test_an_enquiry_not_shown_becoming_overdue_appears_in_the_overdue_filter_at_its_second(
    client, officer, enquiry, clock
):
    sign_in(client, officer)
    clock.set(DEADLINE - timedelta(seconds=5))
    assert b"Flood defences" not in client.get("/enquiries?overdue=1").data
    assert b"Flood defences" not in client.get("/enquiries?overdue=1").data

    clock.set(DEADLINE + timedelta(microseconds=1))

    assert b"Flood defences" in client.get("/enquiries?overdue=1").data


def test_the_dashboard_counts_an_enquiry_overdue_from_the_second_after_its_deadline(
    client, officer, enquiry, clock
):
    sign_in(client, officer)
    clock.set(DEADLINE - timedelta(seconds=5))
    before = client.get("/dashboard").data
    assert client.get("/dashboard").data == before

    clock.set(DEADLINE + timedelta(microseconds=1))

    after = client.get("/dashboard").data
    assert after != before
    assert _overdue_figure(after) == _overdue_figure(before) + 1


def _overdue_figure(page: bytes) -> int:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for figure in soup.select(".dashboard-figure"):
        if "overdue" in figure.get_text(" ").lower():
            return int(figure.select_one(".dashboard-figure__number").get_text(strip=True))
    raise AssertionError("no overdue figure on the dashboard")


def test_the_dashboard_says_the_new_minute_as_it_turns(client, officer, enquiry, clock):
    sign_in(client, officer)
    clock.set(NOW + timedelta(seconds=10))
    assert b"10:00" in client.get("/dashboard").data

    clock.set(NOW + timedelta(minutes=1))

    assert b"10:01" in client.get("/dashboard").data


def test_a_message_after_an_action_is_shown_once_over_a_kept_page(client, officer, enquiry):
    sign_in(client, officer)
    client.get("/enquiries")
    client.get("/enquiries")

    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Enquiry closed.")]

    assert b"Enquiry closed." in client.get("/enquiries").data
    assert b"Enquiry closed." not in client.get("/enquiries").data


def test_the_release_editor_shows_an_edit_saved_by_someone_else(app, officer, approver, clock):
    release = create_release(state="draft", author=officer, title="Bus lanes")
    other = make_user(role="officer", email="omar@example.org", name="Omar Officer")
    first, second = app.test_client(), app.test_client()
    sign_in(first, officer)
    sign_in(second, other)
    assert b"Bus lanes" in first.get(f"/releases/{release.id}/edit").data
    assert b"Bus lanes" in first.get(f"/releases/{release.id}/edit").data

    from pressoffice.services import releases

    releases.update_release(
        release.id,
        actor=other,
        expected_version=release.version,
        change_note="Retitled",
        now=clock(),
        title="Bus lanes extended",
        body="Three new bus lanes open on Monday.",
    )

    assert b"Bus lanes extended" in first.get(f"/releases/{release.id}/edit").data


def test_an_enquiry_answered_is_not_shown_as_counting_down(client, officer, enquiry, clock):
    sign_in(client, officer)
    clock.set(DEADLINE - timedelta(minutes=10))
    assert b"10 minutes left" in client.get(f"/enquiries?q={enquiry.reference}").data

    enquiries.respond(enquiry.reference, "Spent 2 million", actor=officer, now=clock())

    assert b"10 minutes left" not in client.get(f"/enquiries?q={enquiry.reference}").data


def test_with_staff_page_cache_off_every_reload_is_rendered(
    app, client, officer, enquiry, monkeypatch
):
    monkeypatch.setitem(app.config, "STAFF_PAGE_CACHE", "off")
    sign_in(client, officer)
    client.get("/enquiries")
    _retitle_behind_the_apps_back(enquiry.reference, "Words no use case wrote")

    assert b"Words no use case wrote" in client.get("/enquiries").data
