"""The rendered public pages the app keeps: a visitor asking again gets the same page without
it being rendered again, and never a page that is no longer right.

A kept page is used only under the public-change token it was rendered under (it changes in the
same transaction as any save of anything public), only before the next instant at which the
page changes by the clock alone (an embargo lifting, the office opening or closing), and only
while it is younger than the max-age it was sent with (a change made straight in the database
leaves the token alone).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.services import office_calendar, releases

from ..factories import create_release
from .conftest import EMBARGO

KEPT_URLS = ["/news", "/news.atom", "/news/{slug}"]


def _rename_behind_the_apps_back(release_id: int, title: str) -> None:
    """Change what the public revision says straight in the database, as no use case would:
    a page still showing the old words afterwards was kept, not rendered again."""
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE release_revisions SET title = :title WHERE id = "
                "(SELECT public_revision_id FROM releases WHERE id = :id)"
            ),
            {"title": title, "id": release_id},
        )


@pytest.mark.parametrize("url", KEPT_URLS)
def test_a_public_page_asked_for_again_is_the_kept_one(client, published, url):
    url = url.format(slug=published.slug)
    first = client.get(url)

    _rename_behind_the_apps_back(published.id, "Words no use case wrote")
    again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert b"Words no use case wrote" not in again.data


@pytest.mark.parametrize("url", ["/news", "/news.atom"])
def test_a_release_published_since_shows_at_once_on_kept_pages(
    client, published, officer, approver, url
):
    assert b"Waiting times fall" in client.get(url).data

    create_release(state="published", author=officer, approver=approver, title="Beds reopen")

    assert b"Beds reopen" in client.get(url).data


def test_a_withdrawal_shows_at_once_on_the_kept_release_page_and_newsroom(
    client, published, approver
):
    assert b"Waiting times fall" in client.get("/news").data
    assert b"withdrawn" not in client.get(f"/news/{published.slug}").data.lower()

    releases.withdraw_release(published.id, actor=approver, reason="The figures were wrong.")

    assert b"Waiting times fall" not in client.get("/news").data
    assert b"Waiting times fall" not in client.get("/news.atom").data
    page = client.get(f"/news/{published.slug}")
    assert b"The figures were wrong." in page.data


@pytest.mark.parametrize("url", KEPT_URLS)
def test_a_kept_page_is_not_served_at_the_embargo_second_and_the_release_shows(
    client, scheduled, clock, url
):
    url = url.format(slug=scheduled.slug)
    clock.set(EMBARGO - timedelta(microseconds=1))
    before = client.get(url)
    assert b"Embargoed inspection findings" not in before.data
    # Asked again in the last instant: still not shown (404 for the release page itself).
    assert b"Embargoed inspection findings" not in client.get(url).data

    clock.set(EMBARGO)
    at = client.get(url)

    assert at.status_code == 200
    assert b"Embargoed inspection findings" in at.data


def test_a_page_kept_after_an_embargo_is_not_served_at_an_instant_before_it(
    client, scheduled, clock
):
    clock.set(EMBARGO + timedelta(seconds=5))
    assert b"Embargoed inspection findings" in client.get("/news").data

    clock.set(EMBARGO - timedelta(seconds=1))

    assert b"Embargoed inspection findings" not in client.get("/news").data


def test_a_visitor_with_a_session_gets_a_page_rendered_for_them(client, published):
    client.get("/news")
    _rename_behind_the_apps_back(published.id, "Words no use case wrote")
    client.set_cookie("session", "anything", domain="localhost")

    assert b"Words no use case wrote" in client.get("/news").data


def test_a_query_argument_the_page_does_not_read_gets_a_fresh_page(client, published):
    client.get("/news?page=1")
    _rename_behind_the_apps_back(published.id, "Words no use case wrote")

    assert b"Words no use case wrote" in client.get("/news?utm_source=x").data
    assert b"Words no use case wrote" not in client.get("/news?page=1").data


def test_the_routing_answer_follows_the_clock_to_the_second(client, clock):
    clock.set(datetime(2016, 12, 1, 16, 59, 59, 999999, tzinfo=UTC))  # a Thursday, GMT
    before = client.get("/api/v1/routing").get_json()
    clock.set(datetime(2016, 12, 1, 17, 0, 0, tzinfo=UTC))
    at = client.get("/api/v1/routing").get_json()

    assert (before["route"], before["at"]) == ("office_hours", "2016-12-01T16:59:59Z")
    assert (at["route"], at["at"]) == ("out_of_hours", "2016-12-01T17:00:00Z")
    assert client.get("/api/v1/routing").headers["Cache-Control"] == "no-store"


def test_a_closure_entered_by_an_admin_reroutes_the_kept_routing_and_contact_page_at_once(
    client, admin, clock
):
    clock.set(datetime(2016, 12, 1, 10, 0, tzinfo=UTC))
    assert client.get("/api/v1/routing").get_json()["route"] == "office_hours"
    client.get("/contact")

    office_calendar.add_exception(
        day=date(2016, 12, 1),
        kind="closed",
        reason="Office move",
        starts=None,
        ends=None,
        actor=admin,
        now=clock(),
    )

    answer = client.get("/api/v1/routing").get_json()
    assert answer["route"] == "out_of_hours"
    assert "Office move" in answer["reason"]
    assert b"Office move" in client.get("/contact").data


def test_the_contact_page_changes_at_the_closing_second(client, app, clock):
    clock.set(datetime(2016, 12, 1, 16, 59, 59, tzinfo=UTC))
    open_page = client.get("/contact").data.decode()
    clock.set(datetime(2016, 12, 1, 17, 0, tzinfo=UTC))
    closed_page = client.get("/contact").data.decode()

    assert open_page != closed_page
    assert app.config["OUT_OF_HOURS_LINE"] in closed_page


def test_an_office_hours_setting_is_part_of_the_kept_page(client, app, clock, monkeypatch):
    clock.set(datetime(2016, 12, 1, 10, 0, tzinfo=UTC))
    assert client.get("/api/v1/routing").get_json()["route"] == "office_hours"

    monkeypatch.setitem(app.config, "OFFICE_HOURS_START", time(11, 0))

    assert client.get("/api/v1/routing").get_json()["route"] == "out_of_hours"


def test_the_office_calendar_kept_by_year_follows_closures_added_and_removed(client, admin, clock):
    asked = "/api/v1/routing?at=2016-12-27T10:00:00Z"  # a Tuesday, a bank holiday in 2016
    other_day = "/api/v1/routing?at=2016-12-14T10:00:00Z"
    assert client.get(other_day).get_json()["route"] == "office_hours"

    closure = office_calendar.add_exception(
        day=date(2016, 12, 14),
        kind="closed",
        reason="Staff training",
        starts=None,
        ends=None,
        actor=admin,
        now=clock(),
    )
    assert client.get(other_day).get_json()["route"] == "out_of_hours"
    assert client.get(asked).get_json()["route"] == "out_of_hours"

    office_calendar.remove_exception(closure.id)
    assert client.get(other_day).get_json()["route"] == "office_hours"


# --- changes made outside the app ---------------------------------------------------------------
#
# A change made straight in the database (an emergency takedown by SQL, a restored backup) does not
# renew the public-change token, so the token cannot tell a kept page it is wrong: such a change
# must still reach visitors within the max-age the page was sent with, as it reaches a cache in
# front of the app.

TAKEN_DOWN_URLS = ["/news/{slug}", "/news", "/news.atom"]


def _take_down_behind_the_apps_back(release_id: int) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE releases SET state = 'draft', public_revision_id = NULL WHERE id = :id"
            ),
            {"id": release_id},
        )


def _shows(response, release) -> bool:
    return response.status_code == 200 and release.title.encode() in response.data


@pytest.mark.parametrize("url", TAKEN_DOWN_URLS)
def test_a_release_taken_down_in_the_database_is_gone_once_the_max_age_has_passed(
    app, client, published, clock, url
):
    url = url.format(slug=published.slug)
    max_age = timedelta(seconds=app.config["PUBLIC_CACHE_MAX_AGE"])
    sent_at = clock()
    first = client.get(url)
    assert _shows(first, published)
    assert first.headers["Cache-Control"] == f"public, max-age={max_age.seconds}"
    assert _shows(client.get(url), published)  # kept, and answered before the app

    _take_down_behind_the_apps_back(published.id)
    clock.set(sent_at + max_age - timedelta(microseconds=1))
    assert _shows(client.get(url), published)  # still within the max-age it was sent with

    clock.set(sent_at + max_age)
    gone = client.get(url)

    assert not _shows(gone, published)
    assert not _shows(client.get(url, headers={"If-None-Match": first.headers["ETag"]}), published)
    if url.startswith("/news/"):
        assert gone.status_code == 404


def test_a_kept_page_tells_a_cache_in_front_only_what_is_left_of_its_max_age(
    app, client, published, clock
):
    url = f"/news/{published.slug}"
    max_age = app.config["PUBLIC_CACHE_MAX_AGE"]
    sent_at = clock()
    client.get(url)

    clock.set(sent_at + timedelta(seconds=max_age - 20, microseconds=1))

    assert client.get(url).headers["Cache-Control"] == "public, max-age=19"


def test_a_revalidation_after_the_max_age_is_answered_from_the_data_as_it_is_now(
    app, client, published, clock
):
    url = f"/news/{published.slug}"
    sent_at = clock()
    etag = client.get(url).headers["ETag"]
    _take_down_behind_the_apps_back(published.id)
    clock.set(sent_at + timedelta(seconds=1))
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304

    clock.set(sent_at + timedelta(seconds=app.config["PUBLIC_CACHE_MAX_AGE"]))

    assert client.get(url, headers={"If-None-Match": etag}).status_code == 404


@pytest.fixture
def restarted(app, clock):
    """``restarted()`` builds a new app over the same database and instance folder, with the
    page cache as shipped, as a server restart does; each one is closed after the test."""
    from config import Config
    from pressoffice import create_app
    from pressoffice.clock import set_clock

    built = []

    def build():
        other = create_app(
            "testing",
            {
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "ATTACHMENT_DIR": app.config["ATTACHMENT_DIR"],
                "SERVER_NAME": app.config["SERVER_NAME"],
                "PUBLIC_PAGE_CACHE": Config.PUBLIC_PAGE_CACHE,
            },
        )
        other.test_client_class = app.test_client_class
        set_clock(other, clock)
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("url", TAKEN_DOWN_URLS)
def test_a_release_taken_down_in_the_database_is_gone_after_a_restart(
    restarted, published, clock, url
):
    url = url.format(slug=published.slug)
    before = restarted().test_client()
    assert _shows(before.get(url), published)
    assert _shows(before.get(url), published)

    _take_down_behind_the_apps_back(published.id)
    clock.advance(seconds=1)
    after = restarted().test_client()

    assert not _shows(after.get(url), published)


def test_no_kept_page_holds_the_database_password_or_the_secret_key(
    app, restarted, published, clock
):
    other = restarted()
    # As an office's DATABASE_URL would be; the engine was made already, so it is only shown.
    other.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://press:hunter2-db-pass@db.internal/press"
    client = other.test_client()
    for url in ("/", "/news", "/news.atom", f"/news/{published.slug}", "/contact"):
        assert client.get(url).status_code == 200
        assert client.get(url).status_code == 200

    secrets = (b"hunter2-db-pass", other.config["SECRET_KEY"].encode())
    for path in Path(other.instance_path).rglob("*"):
        if path.is_file() and path.stat().st_size < 10_000_000:
            held = path.read_bytes()
            assert not any(secret in held for secret in secrets), path

    from pressoffice.public.caching import page_store

    with other.app_context():
        keys = page_store().keys()
    assert keys
    assert not any(secret.decode() in key for key in keys for secret in secrets)


def test_the_old_setting_keeping_pages_in_files_is_refused_with_what_to_do(app):
    from config import ConfigError
    from pressoffice import create_app

    with pytest.raises(ConfigError, match="instance/page-cache"):
        create_app(
            "testing",
            {
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "PUBLIC_PAGE_CACHE": "shared",
            },
        )


def test_a_closure_entered_in_the_database_reroutes_within_the_max_age(
    app, client, published, clock
):
    clock.set(datetime(2016, 12, 1, 10, 0, tzinfo=UTC))  # a Thursday, in office hours
    read_at = clock()
    assert client.get("/api/v1/routing").get_json()["route"] == "office_hours"
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO office_exceptions (day, kind, reason, created_at) "
                "VALUES (:day, 'closed', 'Burst pipe', :at)"
            ),
            {"day": date(2016, 12, 1), "at": read_at.replace(tzinfo=None)},
        )
    max_age = timedelta(seconds=app.config["PUBLIC_CACHE_MAX_AGE"])
    clock.set(read_at + max_age - timedelta(microseconds=1))
    assert client.get("/api/v1/routing").get_json()["route"] == "office_hours"

    clock.set(read_at + max_age)

    assert client.get("/api/v1/routing").get_json()["route"] == "out_of_hours"
    assert b"Burst pipe" in client.get("/contact").data
