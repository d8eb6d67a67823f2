"""The staff door: a reload of a kept staff page by the same browser is answered before the app,
and never once the app would answer differently: a sign-in ended elsewhere, a person
deactivated, the sign-in's time limit reached to the second, another browser with the cookie,
any write shown on the page.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import request_started

from pressoffice.extensions import db
from pressoffice.models import UserSession
from pressoffice.services import accounts

from ..conftest import login
from ..factories import make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, 30, tzinfo=UTC)  # Tuesday 10:00:30 GMT


@contextmanager
def requests_reaching_the_app(app):
    """The paths of the requests the app itself handled while inside the block."""
    seen: list[str] = []

    def note(sender, **_extra):
        from flask import request

        seen.append(request.path)

    request_started.connect(note, app)
    try:
        yield seen
    finally:
        request_started.disconnect(note, app)


def sign_in(client, user) -> str:
    """Sign in and open a first page; answers the sign-in's key."""
    login(client, user)
    assert client.get("/dashboard").status_code == 200
    with client.session_transaction() as session:
        return session["_user_id"].partition(":")[2]


@pytest.fixture
def enquiry(officer, clock):
    clock.set(NOW)
    # 12:00:40: its words count down at 40 seconds past each minute, apart from the instants
    # the tests move the clock to.
    deadline = NOW + timedelta(hours=2, seconds=10)
    return make_enquiry(received_at=NOW, deadline=deadline, subject="Floods")


def test_a_reload_of_a_kept_page_is_answered_before_the_app(app, client, officer, enquiry):
    sign_in(client, officer)
    first = client.get("/enquiries")

    with requests_reaching_the_app(app) as seen:
        again = client.get("/enquiries")

    assert seen == []
    assert again.status_code == 200
    assert again.data == first.data
    for header in ("Content-Security-Policy", "X-Frame-Options", "Cache-Control", "Vary"):
        assert again.headers.get(header) == first.headers.get(header)


def test_a_sign_in_ended_elsewhere_is_sent_to_sign_in_again(client, officer, enquiry, clock):
    key = sign_in(client, officer)
    client.get("/enquiries")
    client.get("/enquiries")

    accounts.end_session(key, clock())  # signed out on another device

    answer = client.get("/enquiries")
    assert answer.status_code == 302
    assert "/sign-in" in answer.headers["Location"]


def test_a_person_deactivated_gets_no_kept_page(client, officer, admin, enquiry, clock):
    sign_in(client, officer)
    client.get("/dashboard")
    client.get("/dashboard")

    accounts.deactivate_user(officer, clock(), actor=admin)

    assert client.get("/dashboard").status_code == 302


def test_a_sign_in_reaching_its_time_limit_ends_at_its_second(
    app, client, officer, enquiry, clock, monkeypatch
):
    clock.set(NOW)
    sign_in(client, officer)
    ends = NOW + timedelta(hours=1)  # 11:00:30, inside the minute a page is kept for
    monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_TIMEOUT", ends - NOW)
    clock.set(ends - timedelta(seconds=25))
    assert client.get("/enquiries").status_code == 200
    clock.set(ends - timedelta(microseconds=1))
    with requests_reaching_the_app(app) as seen:
        assert client.get("/enquiries").status_code == 200
    assert seen == []  # the kept page

    clock.set(ends)

    answer = client.get("/enquiries")
    assert answer.status_code == 302
    assert "/sign-in" in answer.headers["Location"]


def test_a_sign_in_reloading_kept_pages_has_its_use_recorded(app, client, officer, enquiry, clock):
    clock.set(NOW)  # 10:00:30: the sign-in's use is recorded now, and next from 10:01:30
    sign_in(client, officer)
    clock.set(NOW + timedelta(seconds=35))  # 10:01:05: a page kept until 10:02:00
    client.get("/enquiries")
    clock.set(NOW + timedelta(seconds=59))
    with requests_reaching_the_app(app) as before:
        client.get("/enquiries")
    assert before == []

    clock.set(NOW + timedelta(seconds=60))
    with requests_reaching_the_app(app) as due:
        assert client.get("/enquiries").status_code == 200

    assert due == ["/enquiries"]
    last_seen = db.session.scalar(
        sa.select(sa.func.max(UserSession.last_seen_at)).where(UserSession.user_id == officer.id)
    )
    assert last_seen == NOW + timedelta(seconds=60)


def test_the_same_cookie_from_another_browser_goes_to_the_app(app, client, officer, enquiry):
    sign_in(client, officer)
    client.get("/enquiries")

    with requests_reaching_the_app(app) as seen:
        answer = client.get("/enquiries", headers={"User-Agent": "Another browser"})

    assert seen == ["/enquiries"]
    assert answer.status_code == 200


def test_each_sign_in_is_answered_its_own_page(app, officer, approver, enquiry):
    first, second = app.test_client(), app.test_client()
    sign_in(first, officer)
    sign_in(second, approver)
    first.get("/enquiries")
    second.get("/enquiries")

    mine, theirs = first.get("/enquiries").data, second.get("/enquiries").data

    assert officer.name.encode() in mine.split(b"<main")[0]
    assert approver.name.encode() in theirs.split(b"<main")[0]
    assert officer.name.encode() not in theirs.split(b"<main")[0]


def test_a_write_by_anyone_shows_on_the_next_reload(app, client, officer, enquiry):
    sign_in(client, officer)
    client.get("/enquiries")
    client.get("/enquiries")

    make_enquiry(received_at=NOW, deadline=NOW + timedelta(hours=1), subject="School closures")

    assert b"School closures" in client.get("/enquiries").data


def test_with_staff_page_cache_off_the_door_steps_aside(app, client, officer, enquiry, monkeypatch):
    sign_in(client, officer)
    client.get("/enquiries")
    monkeypatch.setitem(app.config, "STAFF_PAGE_CACHE", "off")

    with requests_reaching_the_app(app) as seen:
        client.get("/enquiries")

    assert seen == ["/enquiries"]


def _door(app):
    from pressoffice.web.staff_door import StaffDoor

    layer = app.wsgi_app
    while not isinstance(layer, StaffDoor):
        layer = layer.wsgi_app
    return layer


def test_a_person_made_inactive_in_the_database_gets_no_kept_page(app, client, officer, enquiry):
    """Whether the person is active is read with the sign-in, not only trusted to the token:
    an operator's UPDATE outside the app still ends their pages."""
    sign_in(client, officer)
    client.get("/enquiries")
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE users SET active = :no WHERE id = :id"), {"no": False, "id": officer.id}
        )

    assert client.get("/enquiries").status_code == 302


def test_a_role_changed_in_the_database_gets_no_kept_page(app, client, approver, enquiry):
    sign_in(client, approver)
    client.get("/enquiries")
    with db.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE users SET role = 'officer' WHERE id = :id"), {"id": approver.id}
        )

    with requests_reaching_the_app(app) as seen:
        client.get("/enquiries")

    assert seen == ["/enquiries"]


def test_a_kept_page_no_longer_right_is_forgotten_at_once(app, client, officer, enquiry, clock):
    key = sign_in(client, officer)
    client.get("/enquiries")
    door = _door(app)
    kept = [a for a in door._answers.values() if a.kept.key_hash == accounts.hash_token(key)]
    assert kept, "the page was kept"

    accounts.end_session(key, clock())
    client.get("/enquiries")

    assert not [a for a in door._answers.values() if a.kept.key_hash == accounts.hash_token(key)]
