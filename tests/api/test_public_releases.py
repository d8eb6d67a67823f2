"""The public release API: only what is published, and nothing of an embargoed release."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from pressoffice.extensions import db
from pressoffice.services import releases
from tests.factories import create_release, make_user, release_content

LONDON = ZoneInfo("Europe/London")
MISSING = "/api/v1/public/releases/no-such-release"


def public_urls(slug: str) -> list[str]:
    """Every public API address that could show something of the release with ``slug``."""
    return [f"/api/v1/public/releases/{slug}"]


@pytest.mark.parametrize("state", ["draft", "in_review", "approved", "scheduled"])
def test_an_unpublished_release_answers_exactly_as_one_that_never_existed(
    client, officer, approver, state
):
    release = create_release(state=state, author=officer, approver=approver)
    nothing = client.get(MISSING)
    assert nothing.status_code == 404
    for url in public_urls(release.slug):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.data == nothing.data, url
        assert response.headers["Content-Type"] == nothing.headers["Content-Type"]
    listing = client.get("/api/v1/public/releases")
    assert release.slug.encode() not in listing.data
    assert release.title.encode() not in listing.data


@pytest.mark.parametrize(
    "embargo",
    [datetime(2016, 12, 1, 0, 1, tzinfo=LONDON), datetime(2017, 6, 1, 9, 30, tzinfo=LONDON)],
    ids=["GMT", "BST"],
)
def test_the_public_api_shows_a_scheduled_release_from_its_embargo_instant(
    client, officer, approver, clock, embargo
):
    release = create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=embargo
    )
    url = f"/api/v1/public/releases/{release.slug}"

    clock.set(embargo - timedelta(seconds=1))
    assert client.get(url).data == client.get(MISSING).data
    assert client.get("/api/v1/public/releases").get_json()["total"] == 0

    clock.set(embargo)
    assert client.get(url).status_code == 200
    assert client.get("/api/v1/public/releases").get_json()["total"] == 1

    clock.set(embargo + timedelta(seconds=1))
    listed = client.get("/api/v1/public/releases").get_json()["releases"]
    assert [r["slug"] for r in listed] == [release.slug]
    assert listed[0]["published_at"] == embargo.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_published_release_answers_its_content_with_safe_html_and_the_contact_notes(
    client, officer, approver
):
    release = create_release(
        state="published",
        author=officer,
        approver=approver,
        body="Findings.\n\n<script>alert(1)</script>",
    )
    body = client.get(f"/api/v1/public/releases/{release.slug}").get_json()
    assert body["status"] == "published"
    assert body["published_at"] == "2016-11-29T10:00:00Z"
    assert BeautifulSoup(body["body_html"], "html.parser").find("script") is None
    assert body["quotes"] == [
        {
            "speaker": "Ann Lee",
            "role": "Chief Inspector",
            "text": "I am pleased with the progress the force has made.",
        }
    ]
    assert body["links"] == [{"label": "Get the report", "url": "https://example.org/report.pdf"}]
    assert body["notes"] == ["The inspection took place in August."]
    assert body["contact_notes"][0].startswith("For further information")
    assert "020 3513 0600" in body["contact_notes"][0]


def test_the_public_keeps_seeing_the_approved_content_while_a_correction_waits(
    client, officer, approver, clock
):
    release = create_release(state="published", author=officer, approver=approver)
    corrector = make_user(role="officer")
    releases.update_release(
        release.id,
        actor=corrector,
        expected_version=1,
        change_note="Corrected the month of the inspection",
        **release_content(body="Inspectors returned in September."),
    )
    url = f"/api/v1/public/releases/{release.slug}"
    assert client.get(url).get_json()["body"] != "Inspectors returned in September."

    clock.advance(hours=2)
    releases.approve_release(release.id, actor=approver)
    body = client.get(url).get_json()
    assert body["body"] == "Inspectors returned in September."
    assert body["change_note"] == "Corrected the month of the inspection"
    assert body["updated_at"] == "2016-11-29T12:00:00Z"


def test_a_withdrawn_release_keeps_its_address_with_the_reason_but_leaves_the_list(
    client, officer, approver
):
    release = create_release(
        state="withdrawn", author=officer, approver=approver, withdrawal_reason="Wrong figures"
    )
    body = client.get(f"/api/v1/public/releases/{release.slug}").get_json()
    assert body["status"] == "withdrawn"
    assert body["withdrawal_reason"] == "Wrong figures"
    assert client.get("/api/v1/public/releases").get_json()["releases"] == []


def test_the_public_list_is_newest_first_and_paginated(client, officer, approver, clock):
    slugs = []
    for n in range(3):
        slugs.append(
            create_release(
                state="published", author=officer, approver=approver, title=f"Release {n}"
            ).slug
        )
        clock.advance(minutes=1)
    first = client.get("/api/v1/public/releases?per_page=2").get_json()
    second = client.get("/api/v1/public/releases?per_page=2&page=2").get_json()
    assert [r["slug"] for r in first["releases"]] == [slugs[2], slugs[1]]
    assert [r["slug"] for r in second["releases"]] == [slugs[0]]
    assert first["total"] == 3
    bad = client.get("/api/v1/public/releases?page=0")
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"page"}


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def count_queries(client, url: str) -> int:
    counter = QueryCounter()
    sa.event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", counter)
    return counter.count


def test_the_public_list_takes_the_same_number_of_queries_for_one_release_or_many(
    client, officer, approver
):
    create_release(state="published", author=officer, approver=approver)
    with_one = count_queries(client, "/api/v1/public/releases")
    for _ in range(9):
        create_release(state="published", author=officer, approver=approver)
    with_ten = count_queries(client, "/api/v1/public/releases")
    assert client.get("/api/v1/public/releases").get_json()["total"] == 10
    assert with_one == with_ten


def test_a_public_release_takes_the_same_number_of_queries_with_more_releases_around(
    client, officer, approver
):
    release = create_release(state="published", author=officer, approver=approver)
    alone = count_queries(client, f"/api/v1/public/releases/{release.slug}")
    for _ in range(5):
        create_release(state="published", author=officer, approver=approver)
    crowded = count_queries(client, f"/api/v1/public/releases/{release.slug}")
    assert alone == crowded
