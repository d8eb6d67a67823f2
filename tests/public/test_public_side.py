"""The public side: the feed carries each release whole (quotes and notes to editors), release
pages describe themselves to search engines and link previews (never an embargoed one), the
home page shows the latest releases and who to call now, quotes are attributed one way, and
times of day are written one way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own feed in a test

import pytest
from bs4 import BeautifulSoup

from pressoffice.services import previews

from ..factories import create_release, make_user

ATOM = "{http://www.w3.org/2005/Atom}"
TUESDAY_10 = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)
CLOSING = datetime(2016, 11, 29, 17, 0, tzinfo=UTC)  # 17:00 GMT: the office closes
CHIEF = {
    "speaker": "Tom Achebe",
    "role": "Chief Constable of Northshire",
    "text": "Officers answered <b>nine in ten</b> calls.\n\nWe will do better.",
}


@pytest.fixture(autouse=True)
def _database(app_ctx):
    """Every test here reads and writes the database."""


def _published(clock, **content):
    return create_release(state="published", now=clock(), **content)


def test_the_feed_carries_each_releases_quotes_and_notes_to_editors(page, clock, app):
    _published(clock, quotes=[CHIEF], notes=["Figures are for October.", "<i>Not</i> HTML."])

    feed = ET.fromstring(page.client.get("/news.atom").data)  # noqa: S314
    content = feed.find(f"{ATOM}entry/{ATOM}content")
    html = BeautifulSoup(content.text, "html.parser")

    assert content.get("type") == "html"
    assert html.find("strong").text == "Tom Achebe, Chief Constable of Northshire, said:"
    said = [p.text for p in html.find("blockquote").find_all("p")]
    assert said == [
        "\u201cOfficers answered <b>nine in ten</b> calls.",
        "\u201cWe will do better.\u201d",
    ]
    assert html.find("b") is None  # what was typed is text, never markup
    assert html.find("h2").text == "Notes to editors"
    notes = [li.text for li in html.find("ol").find_all("li")]
    assert notes[:2] == ["Figures are for October.", "<i>Not</i> HTML."]
    assert app.config["OFFICE_LINE"] in notes[2] and app.config["OUT_OF_HOURS_LINE"] in notes[3]


def test_a_release_page_has_a_description_and_open_graph_tags(page, clock):
    release = _published(clock, title="Calls answered faster", summary="Nine in ten in October.")

    soup = page.get(f"/news/{release.slug}")

    def meta(**attrs):
        return soup.find("meta", attrs=attrs)["content"]

    assert meta(name="description") == "Nine in ten in October."
    assert meta(property="og:title") == "Calls answered faster"
    assert meta(property="og:description") == "Nine in ten in October."
    assert meta(property="og:type") == "article"
    assert urlsplit(meta(property="og:url")).path == f"/news/{release.slug}"
    assert meta(property="article:published_time") == "2016-11-29T10:00:00Z"


def test_an_embargoed_copy_has_no_description_or_open_graph_tags(app, clock):
    officer = make_user(role="officer")
    release = create_release(
        state="scheduled", author=officer, now=clock(), embargo_until=clock() + timedelta(days=1)
    )
    added = previews.add_recipient(
        release.id, actor=officer, name="Jo", outlet="Daily", email="jo@example.com"
    )
    journalist = app.test_client()
    path = urlsplit(added.url).path
    journalist.get(path)
    journalist.post(f"{path}/terms")
    copy = journalist.get(path)
    assert copy.status_code == 200 and release.title.encode() in copy.data

    soup = BeautifulSoup(copy.data, "html.parser")
    assert soup.find("meta", attrs={"name": "description"}) is None
    assert soup.find("meta", attrs={"property": re.compile("^(og|article):")}) is None
    # Nor does the public page exist before the embargo.
    assert journalist.get(f"/news/{release.slug}").status_code == 404


def test_the_home_page_lists_the_latest_releases_and_who_to_call_in_office_hours(page, clock, app):
    for hours in range(7):
        clock.set(TUESDAY_10 - timedelta(hours=7 - hours))
        _published(clock, title=f"Release number {hours}")
    clock.set(TUESDAY_10)
    create_release(
        state="scheduled", title="Not yet out", embargo_until=TUESDAY_10 + timedelta(hours=1)
    )

    home = page.get("/")

    titles = [a.text for a in home.select(".home-release h3 a")]
    assert titles == [f"Release number {n}" for n in (6, 5, 4, 3, 2)]
    assert "Not yet out" not in home.get_text()
    panel = home.select_one(".home-call-now")
    assert panel.select_one(".contact-line").get_text(strip=True) == app.config["OFFICE_LINE"]
    assert "open until 17:00 GMT on Tuesday 29 November 2016" in panel.get_text(" ", strip=True)
    assert "08:30 to 17:00" in panel.get_text()


@pytest.mark.parametrize(
    ("at", "line"),
    [
        (CLOSING - timedelta(seconds=1), "OFFICE_LINE"),
        (CLOSING, "OUT_OF_HOURS_LINE"),
    ],
    ids=["16:59:59", "17:00:00"],
)
def test_the_call_now_panel_follows_the_clock_to_the_second(page, clock, app, at, line):
    clock.set(at)
    panel = page.get("/").select_one(".home-call-now")
    assert panel.select_one(".contact-line").get_text(strip=True) == app.config[line]


def test_the_home_page_is_kept_no_longer_than_until_the_office_closes(page, clock, app):
    clock.set(CLOSING - timedelta(seconds=20))
    before = page.client.get("/")
    age = int(re.search(r"max-age=(\d+)", before.headers["Cache-Control"]).group(1))
    assert 0 < age <= 20

    clock.set(CLOSING)
    after = page.client.get("/")
    assert app.config["OUT_OF_HOURS_LINE"].encode() in after.data
    assert before.headers["ETag"] != after.headers["ETag"]


def test_quotes_are_attributed_name_first_with_the_role_between_commas(page, clock):
    release = _published(clock, quotes=[CHIEF, {"speaker": "Sam Park", "role": "", "text": "Hi."}])

    intros = [f.text for f in page.get(f"/news/{release.slug}").select(".release__quote-intro")]

    assert intros == ["Tom Achebe, Chief Constable of Northshire, said:", "Sam Park said:"]


def test_times_of_day_are_written_one_way_on_every_page(page, clock, signed_in, admin):
    release = _published(clock)
    public_pages = ["/", "/contact", f"/news/{release.slug}", "/contact/enquiry"]
    texts = [page.get(path).get_text(" ", strip=True) for path in public_pages]
    texts.append(signed_in(admin).get("/admin/calendar").get_text(" ", strip=True))

    for text in texts:
        assert "08:30 to 17:00" in text
        assert not re.search(r"\d(am|pm)\b", text)
        assert not re.search(r"\d\d:\d\d\s*[\u2013-]\s*\d\d:\d\d", text)
