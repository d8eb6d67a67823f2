"""The rendered public pages the app keeps: a visitor asking again gets the same page without
it being rendered again, and never a page that is no longer right.

A kept page is used only under the public-change token it was rendered under (it changes in the
same transaction as any save of anything public) and only before the next instant at which the
page changes by the clock alone: an embargo lifting, the office opening or closing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.public.page_store import PageStore, StoredPage
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


# --- the store shared by the workers ------------------------------------------------------------


def _page(token="t1", valid_until=None, body=b"<p>page</p>"):  # noqa: S107 - no password
    return StoredPage(
        key="k",
        token=token,
        valid_from=datetime(2016, 12, 1, tzinfo=UTC),
        valid_until=valid_until,
        body=body,
        mimetype="text/html",
        etag="e1",
    )


def test_a_page_kept_by_one_worker_is_found_by_another_through_the_folder(tmp_path):
    one, other = PageStore(tmp_path), PageStore(tmp_path)
    at = datetime(2016, 12, 1, 9, tzinfo=UTC)
    until = datetime(2016, 12, 1, 10, tzinfo=UTC)

    one.put(_page(valid_until=until))

    found = other.get("k", "t1", at)
    assert found is not None and found.body == b"<p>page</p>" and found.valid_until == until
    assert other.get("k", "t2", at) is None  # saved since: another token
    assert other.get("k", "t1", until) is None  # the instant it changes by itself
    assert other.get("k", "t1", datetime(2016, 11, 30, tzinfo=UTC)) is None  # before it was made


def test_a_newer_page_from_another_worker_replaces_the_one_in_memory(tmp_path):
    one, other = PageStore(tmp_path), PageStore(tmp_path)
    at = datetime(2016, 12, 1, 9, tzinfo=UTC)
    one.put(_page())
    assert other.get("k", "t1", at) is not None

    one.put(_page(token="t2", body=b"<p>new</p>"))

    assert other.get("k", "t2", at).body == b"<p>new</p>"


def test_a_folder_that_cannot_be_written_only_loses_the_sharing(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    store = PageStore(blocked / "pages")

    store.put(_page())

    assert store.get("k", "t1", datetime(2016, 12, 1, 9, tzinfo=UTC)) is not None


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
