"""A cache in front of the newsroom: it may keep public answers briefly, never past an embargo.

The newsroom pages, the Atom feed and the public API carry an ETag (a repeat request with
If-None-Match gets 304 and no body) and ``Cache-Control: public, max-age=N``: N is at most
``PUBLIC_CACHE_MAX_AGE`` and never reaches past the next embargo instant. A missing page, an
error, a form and anything a signed-in person sees are ``no-store``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.services import releases

from ..conftest import login
from ..factories import create_release
from .conftest import EMBARGO

PUBLIC_URLS = ["/news", "/news.atom", "/api/v1/public/releases"]


def _max_age(response) -> int | None:
    assert response.headers["Cache-Control"].startswith("public, max-age="), response.headers
    return response.cache_control.max_age


@pytest.mark.parametrize("url", ["/news", "/news.atom", "/api/v1/public/releases", "/"])
def test_public_answers_may_be_kept_for_the_configured_minute_and_carry_an_etag(
    client, published, url
):
    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["ETag"]


def test_a_release_page_and_its_api_answer_carry_an_etag_and_a_short_lifetime(client, published):
    for url in (f"/news/{published.slug}", f"/api/v1/public/releases/{published.slug}"):
        response = client.get(url)
        assert response.status_code == 200
        assert _max_age(response) == 60
        assert response.headers["ETag"]


@pytest.mark.parametrize("path", ["/news", "/news.atom", "/api/v1/public/releases", "/news/{slug}"])
def test_a_repeat_request_with_the_same_etag_is_answered_not_modified(client, published, path):
    url = path.format(slug=published.slug)
    first = client.get(url)

    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=60"


def test_a_withdrawal_changes_the_etag_so_a_revalidating_cache_gets_the_notice(
    client, published, approver
):
    url = f"/news/{published.slug}"
    before = client.get(url)

    releases.withdraw_release(published.id, actor=approver, reason="The figures were wrong.")
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"The figures were wrong." in after.data


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_the_lifetime_never_reaches_past_the_next_embargo(client, scheduled, url):
    response = client.get(url)

    assert response.status_code == 200
    assert _max_age(response) == 20
    assert b"Embargoed inspection findings" not in response.data


def test_at_the_embargo_instant_the_release_is_shown_and_the_full_lifetime_returns(
    client, scheduled, clock
):
    clock.set(EMBARGO)

    for url in PUBLIC_URLS:
        response = client.get(url)
        assert b"Embargoed inspection findings" in response.data, url
        assert _max_age(response) == 60


def test_less_than_a_second_before_an_embargo_nothing_may_be_kept(client, scheduled, clock):
    clock.set(EMBARGO - timedelta(milliseconds=400))

    for url in PUBLIC_URLS:
        assert _max_age(client.get(url)) == 0, url


def test_the_soonest_of_several_embargoes_bounds_the_lifetime(
    client, scheduled, officer, approver, clock
):
    now = clock()
    create_release(
        state="scheduled",
        author=officer,
        approver=approver,
        title="Another embargoed release",
        embargo_until=now + timedelta(seconds=7),
        now=now,
    )

    assert _max_age(client.get("/news")) == 7


def test_the_cap_is_a_setting(app, client, published):
    app.config["PUBLIC_CACHE_MAX_AGE"] = 15
    try:
        assert _max_age(client.get("/news")) == 15
    finally:
        app.config["PUBLIC_CACHE_MAX_AGE"] = 60


class SharedCache:
    """A cache in front of the app as RFC 9111 describes it: it serves a stored answer while
    its age is below max-age, then revalidates it with If-None-Match."""

    def __init__(self, client, clock):
        self.client = client
        self.clock = clock
        self.stored: dict[str, tuple[datetime, int, str, bytes]] = {}

    def get(self, url: str) -> bytes:
        now = self.clock()
        if url in self.stored:
            stored_at, max_age, etag, body = self.stored[url]
            if (now - stored_at).total_seconds() < max_age:
                return body
            response = self.client.get(url, headers={"If-None-Match": etag})
            if response.status_code == 304:
                self.stored[url] = (now, response.cache_control.max_age, etag, body)
                return body
        else:
            response = self.client.get(url)
        if response.headers.get("Cache-Control", "").startswith("public"):
            self.stored[url] = (
                now,
                response.cache_control.max_age,
                response.headers["ETag"],
                response.data,
            )
        return response.data


def test_a_cache_in_front_of_the_newsroom_never_holds_a_release_back_past_its_embargo(
    client, scheduled, clock
):
    cache = SharedCache(client, clock)
    clock.set(EMBARGO - timedelta(seconds=95))
    while clock() < EMBARGO + timedelta(seconds=30):
        lifted = clock() >= EMBARGO
        for url in PUBLIC_URLS:
            shown = b"Embargoed inspection findings" in cache.get(url)
            assert shown == lifted, f"{url} at {clock().isoformat()}"
        clock.advance(milliseconds=700)


def test_a_cache_stops_serving_a_withdrawn_release_within_the_lifetime(
    client, published, approver, clock
):
    cache = SharedCache(client, clock)
    url = f"/news/{published.slug}"
    assert b"The figures were wrong." not in cache.get(url)
    withdrawn_at = clock()
    releases.withdraw_release(published.id, actor=approver, reason="The figures were wrong.")

    clock.set(withdrawn_at + timedelta(seconds=60))

    assert b"The figures were wrong." in cache.get(url)
    assert b"Waiting times fall" not in cache.get("/news")


@pytest.mark.parametrize(
    ("now", "lifetime"),
    [
        (datetime(2016, 11, 29, 10, 0, 0, tzinfo=UTC), 60),
        (datetime(2016, 11, 29, 10, 0, 15, tzinfo=UTC), 45),
        # The page says "It is 16:59 GMT now" and which line answers: both change at 17:00.
        (datetime(2016, 11, 29, 16, 59, 40, tzinfo=UTC), 20),
    ],
)
def test_the_contact_page_is_kept_no_longer_than_the_minute_it_shows(client, clock, now, lifetime):
    clock.set(now)

    assert _max_age(client.get("/contact")) == lifetime


def test_a_missing_or_embargoed_release_is_never_cached(client, scheduled):
    for url in (
        f"/news/{scheduled.slug}",
        f"/api/v1/public/releases/{scheduled.slug}",
        "/news/never-existed",
        "/api/v1/public/releases/never-existed",
        "/news?page=99",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url


def test_a_refused_request_to_the_public_api_is_never_cached(client, clock):
    response = client.get("/api/v1/public/releases?page=nonsense")

    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "no-store"


def test_the_enquiry_form_and_its_confirmation_are_never_cached(client, clock):
    assert client.get("/contact/enquiry").headers["Cache-Control"] == "no-store"
    assert client.get("/contact/enquiry/sent").headers["Cache-Control"] == "no-store"


def test_a_signed_in_member_of_staff_sees_public_pages_uncached(client, officer, published):
    login(client, officer)

    for url in ("/news", f"/news/{published.slug}", "/contact", "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url


def test_public_pages_tell_caches_that_a_session_cookie_makes_a_different_page(client, published):
    assert "Cookie" in client.get("/news").vary
