"""The public newsroom, as a journalist without an account sees it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.services import attachments, releases

from ..factories import create_release, make_user
from ..services.test_attachments import pdf_bytes

ATOM = "{http://www.w3.org/2005/Atom}"


def _published(author, approver, now, **content):
    return create_release(state="published", author=author, approver=approver, now=now, **content)


def test_the_newsroom_lists_published_releases_newest_first(page, clock, officer, approver):
    start = datetime(2016, 11, 1, 9, 0, tzinfo=UTC)
    for day, title in enumerate(["First report", "Second report", "Third report"]):
        _published(officer, approver, start + timedelta(days=day), title=title)
    create_release(state="draft", author=officer, title="Draft nobody should see")
    create_release(state="in_review", author=officer, title="Waiting for sign-off")
    create_release(state="approved", author=officer, title="Approved not out")
    create_release(state="scheduled", author=officer, title="Under embargo")
    create_release(state="withdrawn", author=officer, approver=approver, title="Taken down")

    listing = page.get("/news")

    titles = [a.get_text(strip=True) for a in listing.select(".news-list__title a")]
    assert titles == ["Third report", "Second report", "First report"]
    assert "09:00 GMT on Thursday 3 November 2016" in listing.select(".news-list__meta")[0].text


def test_the_newsroom_is_paginated_twenty_to_a_page(page, clock, officer, approver):
    start = datetime(2016, 10, 1, 9, 0, tzinfo=UTC)
    for number in range(21):
        _published(officer, approver, start + timedelta(hours=number), title=f"Release {number}")

    first = page.get("/news")
    second = page.get("/news?page=2")

    assert len(first.select(".news-list__item")) == 20
    assert first.select_one(".news-list__title a").text == "Release 20"
    assert [a.text for a in second.select(".news-list__title a")] == ["Release 0"]
    assert first.select_one("a[rel=next]")["href"] == "/news?page=2"
    assert second.select_one("a[rel=prev]")["href"] == "/news?page=1"
    page.get("/news?page=3", _expected_status=404)
    page.get("/news?page=nonsense", _expected_status=404)


def test_a_release_page_shows_every_part_of_the_release_with_the_contact_notes(
    app, page, clock, officer, approver
):
    release = _published(
        officer,
        approver,
        datetime(2016, 12, 1, 0, 1, tzinfo=UTC),
        title="Encouraging progress in protecting children",
        summary="A follow-up inspection found real commitment.",
        body="Inspectors returned in August.\n\n## What they found\n\n<script>alert(1)</script>",
        quotes=[
            {"speaker": "Ann Lee", "role": "HM Inspector", "text": "I am pleased.\n\nMore to do."},
            {"speaker": "Sam Park", "role": "", "text": "We will keep going."},
        ],
        links=[{"label": "Get the report", "url": "https://example.org/report"}],
        notes=["The inspection took place in August.", "Forces are inspected every year."],
    )

    shown = page.get(f"/news/{release.slug}")

    article = shown.select_one("article.release")
    assert article.h1.text == "Encouraging progress in protecting children"
    assert "00:01 GMT on Thursday 1 December 2016" in article.select_one(".release__meta").text
    assert article.select_one(".release__summary").text == (
        "A follow-up inspection found real commitment."
    )
    assert article.select_one(".release__body h2").text == "What they found"
    assert article.find("script") is None
    assert "<script>alert(1)</script>" in article.select_one(".release__body").text
    intros = [f.text for f in article.select(".release__quote-intro")]
    assert intros == ["Ann Lee, HM Inspector, said:", "Sam Park said:"]
    first_quote = [p.text for p in article.select(".release__quote-text")[0].find_all("p")]
    assert first_quote == ["“I am pleased.", "“More to do.”"]
    link = article.select_one(".release__links a")
    assert (link.text, link["href"]) == ("Get the report", "https://example.org/report")
    notes = [li.text for li in article.select(".release__note-list li")]
    assert notes[:2] == [
        "The inspection took place in August.",
        "Forces are inspected every year.",
    ]
    assert len(notes) == 4
    assert (
        app.config["OFFICE_LINE"] in notes[2]
        and "08:30 to 17:00 Monday to Friday (UK time)" in notes[2]
    )
    assert app.config["OUT_OF_HOURS_LINE"] in notes[3]


def test_the_contact_notes_follow_the_settings_of_the_day_not_those_at_publication(
    app, page, clock, officer, approver
):
    release = _published(officer, approver, clock())
    app.config["OUT_OF_HOURS_LINE"] = "07700 900 123"
    try:
        notes = page.get(f"/news/{release.slug}").select(".release__note-list li")
    finally:
        app.config["OUT_OF_HOURS_LINE"] = "07836 217 729"
    assert "07700 900 123" in notes[-1].text


def test_a_withdrawn_release_keeps_its_page_with_the_reason_and_leaves_the_list_and_feed(
    page, clock, officer, approver
):
    release = create_release(
        state="withdrawn",
        author=officer,
        approver=approver,
        title="Figures that were wrong",
        withdrawal_reason="The figures for 2015 were wrong; a corrected release will follow.",
    )

    shown = page.get(f"/news/{release.slug}")
    notice = shown.select_one(".release__withdrawn")
    assert "This release was withdrawn at 10:00 GMT on Tuesday 29 November 2016" in notice.text
    assert "The figures for 2015 were wrong" in notice.text
    assert "Figures that were wrong" not in page.get("/news").text
    assert "Figures that were wrong" not in page.client.get("/news.atom").text


def test_the_public_sees_an_approved_correction_with_its_note_and_not_a_pending_one(
    page, clock, officer, approver
):
    release = _published(officer, approver, clock(), body="There were 12 cases.")
    releases.update_release(
        release.id,
        actor=officer,
        expected_version=release.version,
        change_note="Corrected the number of cases",
        **{**_content_of(release), "body": "There were 21 cases."},
    )
    assert "There were 12 cases." in page.get(f"/news/{release.slug}").text

    clock.advance(hours=1)
    releases.approve_release(release.id, actor=approver)
    shown = page.get(f"/news/{release.slug}")
    assert "There were 21 cases." in shown.text
    corrections = shown.select_one(".release__corrections").text
    assert "11:00 GMT on Tuesday 29 November 2016: Corrected the number of cases" in corrections


def _content_of(release):
    return {
        "title": release.title,
        "summary": release.summary,
        "body": release.body,
        "quotes": release.quotes,
        "links": release.links,
        "notes": release.notes,
    }


def test_the_atom_feed_is_valid_atom_with_only_published_releases(client, clock, officer, approver):
    older = _published(officer, approver, datetime(2016, 7, 14, 9, 0, tzinfo=UTC), title="Older")
    newer = _published(officer, approver, datetime(2016, 11, 2, 9, 0, tzinfo=UTC), title="Newer")
    create_release(state="scheduled", author=officer, title="Embargoed news")
    create_release(state="draft", author=officer, title="Draft news")

    response = client.get("/news.atom")

    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 - our own output
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/news.atom"
    assert feed.findtext(f"{ATOM}updated") == "2016-11-02T09:00:00Z"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Newer", "Older"]
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == f"http://localhost/news/{newer.slug}"
    assert first.find(f"{ATOM}link").get("href") == f"http://localhost/news/{newer.slug}"
    assert entries[1].findtext(f"{ATOM}published") == "2016-07-14T09:00:00Z"
    assert first.find(f"{ATOM}content").get("type") == "html"
    assert "<p>" in first.findtext(f"{ATOM}content")
    assert older.slug in entries[1].findtext(f"{ATOM}id")
    assert b"Embargoed news" not in response.data and b"Draft news" not in response.data


def test_a_file_of_a_published_release_downloads_with_its_name_and_type(
    client, clock, officer, approver
):
    release = create_release(author=officer)
    file = attachments.add_attachment(
        release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    releases.publish_release(release.id, actor=officer)

    response = client.get(f"/news/{release.slug}/files/{file.id}")

    assert response.status_code == 200
    assert response.data == pdf_bytes()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "report.pdf" in response.headers["Content-Disposition"]
    page_links = client.get(f"/news/{release.slug}").text
    assert f"/news/{release.slug}/files/{file.id}" in page_links


def test_a_file_not_in_the_published_revision_is_not_served(client, clock, officer, approver):
    release = _published(officer, approver, clock())
    other = create_release(author=officer)
    stray = attachments.add_attachment(
        other.id, actor=officer, filename="draft.pdf", stream=io.BytesIO(pdf_bytes())
    )
    nowhere = client.get("/news/no-such-release/files/999999")

    for url in (
        f"/news/{release.slug}/files/{stray.id}",
        f"/news/{other.slug}/files/{stray.id}",
    ):
        response = client.get(url)
        assert (response.status_code, response.data) == (404, nowhere.data), url


# --- embargo: every public route, to the second -----------------------------------------------

EMBARGOES = {
    "GMT": datetime(2016, 12, 1, 0, 1, tzinfo=UTC),  # 00:01 GMT
    "BST": datetime(2016, 7, 13, 23, 1, tzinfo=UTC),  # 00:01 BST on 14 July
}

NEWS_ROUTES = {
    "public.news_index",
    "public.news_release",
    "public.news_atom",
    "public.news_attachment",
    "public.news_statement",
    "api.public_releases",
    "api.public_release",
}


def _snapshot(client, slug: str, file_id: int) -> dict[str, tuple[int, bytes]]:
    urls = {
        "list": "/news",
        "page": f"/news/{slug}",
        "feed": "/news.atom",
        "file": f"/news/{slug}/files/{file_id}",
        "api list": "/api/v1/public/releases",
        "api release": f"/api/v1/public/releases/{slug}",
    }
    answers = {}
    for name, url in urls.items():
        response = client.get(url)
        answers[name] = (response.status_code, response.data)
    return answers


def test_every_public_route_about_releases_is_in_the_embargo_test(app):
    """A new public route that can show a release must join the embargo test below."""
    public_rules = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None) == "public"
        and ("news" in rule.rule or "release" in rule.rule or "sitemap" in rule.rule)
    }
    assert public_rules <= NEWS_ROUTES


@pytest.mark.parametrize("zone", ["GMT", "BST"])
def test_before_its_embargo_a_release_is_invisible_on_every_public_route_and_visible_from_it(
    client, clock, officer, approver, zone
):
    embargo = EMBARGOES[zone]
    clock.set(embargo - timedelta(days=1))
    _published(officer, approver, embargo - timedelta(days=2), title="Already out")

    clock.set(embargo - timedelta(seconds=1))
    nothing = _snapshot(client, "no-such-release", 999_999)

    clock.set(embargo - timedelta(hours=2))
    release = create_release(author=officer, title="Secret until the embargo")
    file = attachments.add_attachment(
        release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    releases.schedule_release(release.id, actor=officer, embargo_until=embargo)
    assert release.slug == "secret-until-the-embargo"

    clock.set(embargo - timedelta(seconds=1))
    before = _snapshot(client, release.slug, file.id)
    for name in nothing:
        assert before[name] == nothing[name], f"{name} differs one second before the embargo"
    assert before["page"][0] == 404 and before["file"][0] == 404

    for moment in (embargo, embargo + timedelta(seconds=1)):
        clock.set(moment)
        after = _snapshot(client, release.slug, file.id)
        assert b"Secret until the embargo" in after["list"][1]
        assert b"Secret until the embargo" in after["page"][1]
        assert b"Secret until the embargo" in after["feed"][1]
        assert after["file"] == (200, pdf_bytes())
        assert b"Secret until the embargo" in after["api list"][1]
        assert after["api release"][0] == 200

    page_text = after["page"][1].decode()
    assert f"00:01 {zone} on" in page_text


# --- constant queries ---------------------------------------------------------------------------


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *_args, **_kwargs):
        self.count += 1

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def _queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    with QueryCounter(engine) as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def test_the_newsroom_and_a_release_page_take_the_same_number_of_queries_however_many_releases(
    app, client, clock, officer, approver
):
    start = datetime(2016, 10, 1, 9, 0, tzinfo=UTC)
    first = _published(officer, approver, start)
    small = {
        "list": _queries(app, client, "/news"),
        "page": _queries(app, client, f"/news/{first.slug}"),
        "feed": _queries(app, client, "/news.atom"),
    }
    for number in range(1, 25):
        author = make_user(role="officer")
        _published(author, approver, start + timedelta(hours=number), title=f"R {number}")
    large = {
        "list": _queries(app, client, "/news"),
        "page": _queries(app, client, f"/news/{first.slug}"),
        "feed": _queries(app, client, "/news.atom"),
    }
    assert large == small, (small, large)
    # Each counts the public-change token too, read first to find a kept page; the feed also
    # reads the published statements.
    assert small["list"] <= 4 and small["page"] <= 4 and small["feed"] <= 4
