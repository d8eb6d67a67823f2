"""Embargoed copies over HTTP: the officer's pages, the journalist's link, what strangers see."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from pressoffice.domain import links
from pressoffice.extensions import db
from pressoffice.models import EmbargoRecipient
from pressoffice.services import previews

from ..conftest import login
from ..factories import create_release

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)
BANNER = "EMBARGOED UNTIL 00:01 Thursday 1 December 2016 (UK time)"

JOURNALISTS = [
    ("Jo Reporter", "The Daily Example", "jo@example.com"),
    ("Sam Writer", "Example FM", "sam@example.com"),
    ("Kit Columnist", "Weekly Sample", "kit@example.com"),
]


@pytest.fixture
def scheduled(officer, approver):
    return create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )


@pytest.fixture
def journalist(app, clock):
    """A browser of someone without an account."""
    return app.test_client()


def missing_page(client) -> tuple[int, bytes]:
    response = client.get("/news/there-is-no-such-release")
    return response.status_code, response.data


def link_path(url: str) -> str:
    return urlsplit(url).path


def add_through_the_page(page, release, name, outlet, email) -> str:
    soup = page.post(
        f"/releases/{release.id}/recipients",
        {"name": name, "outlet": outlet, "email": email},
        _expected_status=201,
    )
    link = soup.find("input", id="preview-link")
    assert link.has_attr("readonly")
    return link_path(link["value"])


def open_copy(client, path: str) -> BeautifulSoup:
    terms = client.get(path)
    assert terms.status_code == 200
    assert b"I accept the embargo terms" in terms.data
    accepted = client.post(f"{path}/terms")
    assert accepted.status_code == 303
    copy = client.get(path)
    assert copy.status_code == 200
    return BeautifulSoup(copy.data, "html.parser")


def test_three_recipients_one_revoked_two_read_and_listed_and_all_redirect_at_the_embargo(
    signed_in, officer, scheduled, journalist, clock
):
    page = signed_in(officer)
    paths = [add_through_the_page(page, scheduled, *who) for who in JOURNALISTS]
    assert len(set(paths)) == 3

    # The third link is revoked and stops working at once.
    listing = page.get(f"/releases/{scheduled.id}/recipients")
    kit_row = listing.find("td", string="Kit Columnist").find_parent("tr")
    revoke = kit_row.find("form")["action"]
    page.post(revoke)
    assert journalist.get(paths[2]).data == missing_page(journalist)[1]
    assert journalist.get(paths[2]).status_code == 404

    # The other two read the copy, under the banner, with their own name on it.
    for path, (name, outlet, _email) in zip(paths[:2], JOURNALISTS[:2], strict=True):
        copy = open_copy(journalist, path)
        text = copy.get_text(" ", strip=True)
        assert BANNER in text
        assert scheduled.title in copy.find("h1").get_text()
        marks = copy.select(".preview-watermark__mark")
        assert marks and all(m["data-mark"] == f"{name} · {outlet}" for m in marks)
        assert f"Embargoed copy issued to {name} of {outlet}" in text
        other = JOURNALISTS[1 if name == "Jo Reporter" else 0][0]
        assert other not in text

    # Both appear in the access list with their views.
    listing = page.get(f"/releases/{scheduled.id}/recipients")
    access = listing.find("h2", id="access-list").find_next("table")
    rows = [tr.get_text(" ", strip=True) for tr in access.find("tbody").find_all("tr")]
    assert len(rows) == 2
    assert "Jo Reporter, The Daily Example" in rows[0]
    assert "Sam Writer, Example FM" in rows[1]
    assert "Kit Columnist" not in " ".join(rows)

    # One second before the embargo the copy still shows; from the instant, the public page.
    clock.set(EMBARGO - SECOND)
    assert journalist.get(paths[0]).status_code == 200
    clock.set(EMBARGO)
    for path in paths[:2]:
        response = journalist.get(path)
        assert response.status_code == 303
        assert urlsplit(response.headers["Location"]).path == f"/news/{scheduled.slug}"
    assert journalist.get(f"/news/{scheduled.slug}").status_code == 200
    clock.set(EMBARGO + SECOND)
    assert journalist.get(paths[1]).status_code == 303
    # A revoked link stays dead, after the embargo too.
    assert journalist.get(paths[2]).data == missing_page(journalist)[1]


def test_the_copy_is_served_private_uncached_and_unindexed(scheduled, officer, journalist):
    added = previews.add_recipient(
        scheduled.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    path = link_path(added.url)
    open_copy(journalist, path)
    response = journalist.get(path)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    report = soup.find("a", string="Get the report")
    assert "noreferrer" in report["rel"]


def test_the_terms_are_accepted_once_before_the_copy_opens(scheduled, officer, journalist, app):
    added = previews.add_recipient(
        scheduled.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    path = link_path(added.url)
    before = journalist.get(path)
    assert scheduled.title.encode() not in before.data
    open_copy(journalist, path)
    # A fresh browser with the same link goes straight to the copy.
    again = app.test_client().get(path)
    assert scheduled.title.encode() in again.data
    assert b"I accept the embargo terms" not in again.data


@pytest.mark.parametrize(
    "token",
    [
        "revoked",
        "unknown",
        "short",
        "a" * 42 + "!",
        "expired",
    ],
)
def test_revoked_unknown_malformed_and_expired_links_answer_exactly_like_a_missing_page(
    scheduled, officer, journalist, clock, token
):
    added = previews.add_recipient(
        scheduled.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    if token == "revoked":
        previews.revoke_recipient(scheduled.id, added.recipient.id, actor=officer)
        token = added.token
    elif token == "unknown":
        token = links.new_token()
    elif token == "expired":
        clock.set(added.recipient.expires_at)
        token = added.token
    expected_status, expected_body = missing_page(journalist)
    for path in (f"/preview/{token}", f"/preview/{token}/files/1"):
        response = journalist.get(path)
        assert (response.status_code, response.data) == (expected_status, expected_body)
    posted = journalist.post(f"/preview/{token}/terms")
    assert (posted.status_code, posted.data) == (expected_status, expected_body)


def test_an_unscheduled_release_shows_nothing_through_its_links(
    scheduled, officer, journalist, signed_in
):
    added = previews.add_recipient(
        scheduled.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    from pressoffice.services import releases

    releases.unschedule_release(scheduled.id, actor=officer)
    assert journalist.get(link_path(added.url)).data == missing_page(journalist)[1]


def test_guessing_tokens_is_rate_limited_and_then_even_a_real_link_gets_nothing(
    app, scheduled, officer, journalist
):
    added = previews.add_recipient(
        scheduled.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    saved = app.config["PREVIEW_LINK_LIMIT"]
    app.config["PREVIEW_LINK_LIMIT"] = "3 per minute"
    try:
        for _ in range(3):
            assert journalist.get(f"/preview/{links.new_token()}").status_code == 404
        refused = journalist.get(f"/preview/{links.new_token()}")
        assert refused.status_code == 429
        assert journalist.get(link_path(added.url)).status_code == 429
        assert journalist.get(f"/signoff/{links.new_token()}").status_code == 429
        assert scheduled.title.encode() not in refused.data
    finally:
        app.config["PREVIEW_LINK_LIMIT"] = saved


def test_no_public_page_feed_or_api_reveals_the_release_or_its_recipients(
    scheduled, officer, journalist
):
    for name, outlet, email in JOURNALISTS:
        previews.add_recipient(scheduled.id, actor=officer, name=name, outlet=outlet, email=email)
    missing_status, missing_body = missing_page(journalist)
    secrets = [scheduled.title, scheduled.slug] + [v for who in JOURNALISTS for v in who]

    for path in ("/", "/news", "/news.atom", "/api/v1/public/releases"):
        body = journalist.get(path).get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, f"{path} shows {secret!r}"

    page = journalist.get(f"/news/{scheduled.slug}")
    assert (page.status_code, page.data) == (missing_status, missing_body)
    api = journalist.get(f"/api/v1/public/releases/{scheduled.slug}")
    never = journalist.get("/api/v1/public/releases/there-is-no-such-release")
    assert (api.status_code, api.data) == (never.status_code, never.data)

    for path in (
        f"/api/v1/releases/{scheduled.id}/recipients",
        f"/api/v1/releases/{scheduled.id + 1000}/recipients",
    ):
        response = journalist.get(path)
        assert response.status_code == 401
        for secret in secrets:
            assert secret not in response.get_data(as_text=True)


def test_a_malformed_email_is_shown_next_to_the_field_and_nothing_is_added(
    signed_in, officer, scheduled
):
    page = signed_in(officer)
    soup = page.post(
        f"/releases/{scheduled.id}/recipients",
        {"name": "Jo Reporter", "outlet": "The Daily Example", "email": "jo at example"},
        _expected_status=400,
    )
    summary = soup.find(class_="error-summary")
    assert summary.find("a")["href"] == "#email"
    assert "correct format" in soup.find(id="email-error").get_text()
    assert soup.find(id="name")["value"] == "Jo Reporter"
    assert previews.list_recipients(scheduled.id) == []


def test_revoke_all_stops_every_link_from_the_staff_page(signed_in, officer, scheduled, journalist):
    page = signed_in(officer)
    paths = [add_through_the_page(page, scheduled, *who) for who in JOURNALISTS]
    page.post(f"/releases/{scheduled.id}/recipients/revoke-all")
    for path in paths:
        assert journalist.get(path).status_code == 404


def test_the_access_list_downloads_as_csv(signed_in, officer, scheduled, journalist):
    page = signed_in(officer)
    path = add_through_the_page(page, scheduled, *JOURNALISTS[0])
    open_copy(journalist, path)
    response = page.client.get(f"/releases/{scheduled.id}/access-list.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Name", "Outlet", "Email"]
    assert rows[1][:3] == ["Jo Reporter", "The Daily Example", "jo@example.com"]


def test_an_approver_publishes_at_once_when_the_embargo_is_broken(
    client, approver, officer, scheduled, journalist
):
    previews.add_recipient(
        scheduled.id, actor=officer, name="Jo Reporter", outlet="Daily", email="jo@example.com"
    )
    login(client, approver)
    response = client.post(
        f"/releases/{scheduled.id}/embargo-broken",
        data={"reason": "The figures were on a rival's website"},
        follow_redirects=True,
    )
    soup = BeautifulSoup(response.data, "html.parser")
    follow_up = soup.find(id="follow-up").get_text(" ", strip=True)
    assert "Jo Reporter, Daily" in follow_up
    assert "The figures were on a rival's website" in soup.find(id="embargo-broken").get_text()
    assert journalist.get(f"/news/{scheduled.slug}").status_code == 200
    timeline = client.get(f"/releases/{scheduled.id}").get_data(as_text=True)
    assert "Published early: embargo broken" in timeline


def test_an_officer_is_not_offered_and_cannot_break_an_embargo(
    signed_in, officer, scheduled, journalist
):
    page = signed_in(officer)
    listing = page.get(f"/releases/{scheduled.id}/recipients")
    assert listing.find(id="break-embargo") is None
    response = page.client.post(
        f"/releases/{scheduled.id}/embargo-broken", data={"reason": "Leaked"}
    )
    assert response.status_code == 403
    assert journalist.get(f"/news/{scheduled.slug}").status_code == 404


def test_the_release_page_summarises_embargoed_copies(signed_in, officer, scheduled):
    previews.add_recipient(
        scheduled.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    panel = signed_in(officer).get(f"/releases/{scheduled.id}").find(id="links-panel")
    assert "1 working link to embargoed copies" in panel.get_text(" ", strip=True)


def test_the_report_is_downloaded_through_the_same_link_under_the_same_rules(
    officer, approver, journalist, clock
):
    import io

    from pressoffice.services import attachments, releases

    draft = create_release(state="draft", author=officer)
    report = attachments.add_attachment(
        draft.id,
        actor=officer,
        filename="report.pdf",
        stream=io.BytesIO(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"),
    )
    releases.submit_release(draft.id, actor=officer)
    releases.approve_release(draft.id, actor=approver)
    releases.schedule_release(draft.id, actor=officer, embargo_until=EMBARGO)
    added = previews.add_recipient(
        draft.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    path = link_path(added.url)
    file_path = f"{path}/files/{report.id}"
    missing = missing_page(journalist)[1]

    assert journalist.get(file_path).data == missing  # not before the terms are accepted
    copy = open_copy(journalist, path)
    assert copy.find("a", string="report.pdf")["href"] == file_path
    download = journalist.get(file_path)
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")
    assert download.headers["Cache-Control"] == "no-store"
    assert len(previews.access_list(draft.id)) == 2  # the copy and the download

    assert journalist.get(f"{path}/files/{report.id + 1}").data == missing
    clock.set(EMBARGO)
    assert journalist.get(file_path).data == missing
    assert journalist.get(f"/news/{draft.slug}/files/{report.id}").status_code == 200


def test_the_release_page_asks_what_happens_to_the_links_when_unscheduling_and_cancels_them(
    signed_in, officer, approver, client
):
    release = create_release(state="scheduled", author=officer, approver=approver)
    page = signed_in(officer)
    page.post(
        f"/releases/{release.id}/recipients",
        {"name": "Jo Reporter", "outlet": "The Daily Example", "email": "jo@example.com"},
        _expected_status=201,
    )
    given = db.session.scalars(sa.select(EmbargoRecipient)).one()
    shown = page.get(f"/releases/{release.id}")
    assert "If this release is unscheduled or edited" in shown.find(id="links-given-out-fate").text
    legend = shown.find("legend", string=lambda s: s and "embargoed-copy link given out" in s)
    assert legend is not None

    refused = client.post(f"/releases/{release.id}/unschedule", data={"version": release.version})
    soup = BeautifulSoup(refused.data, "html.parser")
    assert "keep the 1 link given out" in soup.find(id="unschedule-links-error").text
    assert db.session.get(type(release), release.id).state == "scheduled"

    done = page.post(
        f"/releases/{release.id}/unschedule", {"version": release.version, "links": "cancel"}
    )
    assert "cancelled for good" in done.text
    assert db.session.get(EmbargoRecipient, given.id).revoked_at is not None
