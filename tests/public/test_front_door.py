"""The front door answers a visitor's repeat request for a kept public page before the app: the
same bytes and headers the app gave, only while the page is right, and never to anyone the app
would have answered differently (a signed-in member of staff, a request with credentials, a
conditional request, another address).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from pressoffice.public.caching.front_door import FrontDoor
from pressoffice.services import releases

from ..conftest import login
from .conftest import EMBARGO

PER_ANSWER = {"Cache-Control", "Content-Length", "Date"}


@pytest.fixture
def door(app):
    found = app.wsgi_app
    while not isinstance(found, FrontDoor):
        found = found.wsgi_app  # under a proxy fix, when one is configured
    return found


@pytest.fixture
def app_closed(door, monkeypatch):
    """After this, any request that reaches the app fails: an answer came from the door."""

    def closed():
        def refuse(environ, start_response):
            raise AssertionError(f"the app was asked for {environ['PATH_INFO']}")

        monkeypatch.setattr(door, "wsgi_app", refuse)

    return closed


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in PER_ANSWER}


@pytest.mark.parametrize("url", ["/news", "/news.atom", "/news/{slug}", "/contact", "/"])
def test_a_repeat_visit_is_answered_by_the_door_exactly_as_the_app_answered(
    client, published, app_closed, url
):
    url = url.format(slug=published.slug)
    from_the_app = client.get(url)
    app_closed()

    from_the_door = client.get(url)

    assert from_the_door.status_code == from_the_app.status_code == 200
    assert from_the_door.data == from_the_app.data
    assert _headers(from_the_door) == _headers(from_the_app)
    assert from_the_door.headers["Cache-Control"] == from_the_app.headers["Cache-Control"]
    assert int(from_the_door.headers["Content-Length"]) == len(from_the_app.data)


def test_the_doors_cache_lifetime_shrinks_towards_the_embargo_second(
    client, scheduled, clock, app_closed
):
    assert client.get("/news").headers["Cache-Control"] == "public, max-age=20"
    app_closed()
    clock.advance(seconds=12)

    assert client.get("/news").headers["Cache-Control"] == "public, max-age=8"


def test_at_the_embargo_second_the_door_sends_the_visitor_to_the_app_and_the_release_shows(
    client, scheduled, clock
):
    client.get("/news")
    client.get("/news")  # the door's answer, kept until the embargo
    clock.set(EMBARGO - timedelta(microseconds=1))
    assert b"Embargoed inspection findings" not in client.get("/news").data

    clock.set(EMBARGO)

    assert b"Embargoed inspection findings" in client.get("/news").data
    assert client.get(f"/news/{scheduled.slug}").status_code == 200


def test_a_withdrawal_committed_elsewhere_is_seen_by_the_door_at_once(client, published, approver):
    url = f"/news/{published.slug}"
    client.get(url)
    assert b"withdrawn" not in client.get(url).data.lower()  # the door's answer

    releases.withdraw_release(published.id, actor=approver, reason="The figures were wrong.")

    assert b"The figures were wrong." in client.get(url).data
    assert b"Waiting times fall" not in client.get("/news").data


def test_a_signed_in_officer_never_gets_the_visitors_page(client, published, officer):
    visitor = client.get("/news").data
    assert b"Sign out" not in visitor

    login(client, officer)
    page = client.get("/news")

    assert page.status_code == 200
    assert b"Sign out" in page.data
    assert page.data != visitor


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-token"},
        {"If-None-Match": '"anything"'},
        {"Range": "bytes=0-10"},
    ],
)
def test_a_request_the_app_may_answer_differently_goes_to_the_app(
    client, published, app_closed, headers
):
    client.get("/news")
    app_closed()

    with pytest.raises(AssertionError, match="the app was asked for /news"):
        client.get("/news", headers=headers)


def test_another_query_string_or_method_is_not_the_kept_address(client, published, app_closed):
    client.get("/news")
    app_closed()

    for ask in (lambda: client.get("/news?page=1"), lambda: client.head("/news")):
        with pytest.raises(AssertionError, match="the app was asked"):
            ask()


def test_a_page_the_app_did_not_keep_is_never_answered_by_the_door(client, published, app_closed):
    client.get("/sign-in")
    client.get(f"/news/{published.slug}-not-a-release")
    app_closed()

    for url in ("/sign-in", f"/news/{published.slug}-not-a-release"):
        with pytest.raises(AssertionError, match="the app was asked"):
            client.get(url)
