"""No byte of a statement that is not published reaches anyone without a login, and of a
published one only its title, on-the-record words and spokesperson: never its lines, Q&A or
background, never an edit not yet approved again, never a release it serves that is not public.

Every public route in the URL map is walked, whatever its name, as for an embargoed release.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain import links
from pressoffice.services import statements

from ..factories import create_release
from ..statement_factories import WHEN, statement_content

LATER = WHEN + timedelta(hours=1)
SECRET = statement_content(
    title="Gorilla position",
    topics=["Ibex topic"],
    lines=["The jackal line"],
    qa=[{"question": "Kudu question?", "answer": "Lemur answer."}],
    statement="The marmoset words on the record.",
    spokesperson="Ocelot Spokesperson",
    spokesperson_role="Puffin Minister",
    background="The quokka background, never for quotation.",
)
ON_THE_RECORD = ["Gorilla", "gorilla-position", "marmoset", "Ocelot", "Puffin"]
NEVER = ["Ibex", "jackal", "Kudu", "Lemur", "quokka"]


def _public_urls(app, slug: str) -> list[str]:
    values = {"slug": slug, "token": links.new_token(), "attachment_id": "1"}
    urls = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) != "public" or "GET" not in rule.methods:
            continue
        url = rule.rule
        for converter in re.findall(r"<([^>]+)>", url):
            name = converter.rpartition(":")[2]
            url = url.replace(f"<{converter}>", values.get(name, "1"))
        urls.append(url)
    assert "/news/statements/" + slug in urls
    return urls


def _shown(response, markers) -> list[str]:
    blob = (response.get_data() + str(dict(response.headers)).encode()).lower()
    return [m for m in markers if m.lower().encode() in blob]


def _walk(app, client, slug, markers) -> dict[str, list[str]]:
    found = {}
    for url in _public_urls(app, slug):
        for query in ("", "?page=1&per_page=100&q=gorilla&topic=Ibex"):
            shown = _shown(client.get(url + query), markers)
            if shown:
                found[url + query] = shown
    return found


def _draft(officer):
    return statements.create_statement(actor=officer, now=WHEN, **SECRET)


def _approved(officer, approver):
    record = _draft(officer)
    statements.submit_statement(record.id, actor=officer, now=WHEN)
    return statements.approve_statement(record.id, actor=approver, expected_version=1, now=WHEN)


@pytest.mark.parametrize("state", ["draft", "in_review", "approved", "retired"])
def test_a_statement_never_published_is_on_no_public_route(
    app, client, clock, officer, approver, state
):
    clock.set(LATER)
    if state == "draft":
        record = _draft(officer)
    else:
        record = _approved(officer, approver)
        if state == "in_review":
            statements.update_statement(
                record.id, actor=officer, expected_version=1, title="Gorilla position", lines=[]
            )
            statements.submit_statement(record.id, actor=officer, now=LATER)
        if state == "retired":
            statements.retire_statement(record.id, actor=officer, reason="Old", now=LATER)
    assert _walk(app, client, "gorilla-position", ON_THE_RECORD + NEVER) == {}


def test_a_statement_never_published_answers_exactly_as_an_address_that_never_was(
    client, clock, officer, approver
):
    clock.set(LATER)
    _approved(officer, approver)
    one = client.get("/news/statements/gorilla-position")
    two = client.get("/news/statements/no-such-statement-at-all")
    assert one.status_code == two.status_code == 404
    assert one.get_data() == two.get_data()
    skip = ("Date",)
    assert {k: v for k, v in one.headers.items() if k not in skip} == {
        k: v for k, v in two.headers.items() if k not in skip
    }


def test_a_published_statement_shows_its_words_and_never_its_lines_qa_or_background(
    app, client, clock, officer, approver
):
    record = _approved(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    clock.set(LATER)
    assert _walk(app, client, "gorilla-position", NEVER) == {}
    for url in ("/news/statements/gorilla-position", "/news", "/news.atom"):
        assert _shown(client.get(url), ["Gorilla"]) == ["Gorilla"], url
    page = client.get("/news/statements/gorilla-position").get_data(as_text=True)
    assert "The marmoset words on the record." in page
    assert "Ocelot Spokesperson, Puffin Minister, said:" in page


def test_an_edit_after_publication_is_on_no_public_route_until_approved_again(
    app, client, clock, officer, approver
):
    record = _approved(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    clock.set(LATER)
    statements.update_statement(
        record.id,
        actor=officer,
        expected_version=1,
        title="Gorilla position revised with a narwhal",
        statement="The wombat correction.",
    )
    statements.submit_statement(record.id, actor=officer)
    assert _walk(app, client, "gorilla-position", ["narwhal", "wombat"] + NEVER) == {}
    assert "marmoset" in client.get("/news/statements/gorilla-position").get_data(as_text=True)

    statements.approve_statement(record.id, actor=approver, expected_version=2)
    page = client.get("/news/statements/gorilla-position").get_data(as_text=True)
    assert "The wombat correction." in page and "marmoset" not in page
    assert "narwhal" in client.get("/news.atom").get_data(as_text=True)


def test_a_release_a_published_statement_serves_is_named_only_once_it_is_public(
    client, clock, officer, approver
):
    embargo = LATER + timedelta(days=1)
    release = create_release(
        state="scheduled",
        author=officer,
        approver=approver,
        now=WHEN,
        embargo_until=embargo,
        title="Secret aardvark release",
    )
    record = _draft(officer)
    statements.update_statement(
        record.id, actor=officer, expected_version=1, release_ids=[release.id], now=WHEN
    )
    statements.submit_statement(record.id, actor=officer, now=WHEN)
    statements.approve_statement(record.id, actor=approver, expected_version=2, now=WHEN)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    clock.set(embargo - timedelta(seconds=1))
    for url in ("/news/statements/gorilla-position", "/news", "/news.atom"):
        response = client.get(url)
        assert _shown(response, ["aardvark", release.slug]) == [], url
    clock.set(embargo)
    page = client.get("/news/statements/gorilla-position").get_data(as_text=True)
    assert "Secret aardvark release" in page and f"/news/{release.slug}" in page


def test_a_withdrawn_statement_keeps_its_page_with_the_notice_out_of_lists_and_feeds(
    client, clock, officer, approver
):
    record = _approved(officer, approver)
    statements.publish_statement(record.id, actor=officer, now=LATER)
    statements.withdraw_statement(
        record.id, actor=approver, reason="Superseded by the figures of 1 December", now=LATER
    )
    clock.set(LATER)
    page = client.get("/news/statements/gorilla-position")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "This statement was withdrawn at" in text
    assert "Superseded by the figures of 1 December" in text
    for url in ("/news", "/news.atom"):
        assert _shown(client.get(url), ["Gorilla", "gorilla-position"]) == [], url


def test_the_public_pages_change_with_each_publication_edit_and_withdrawal(
    client, clock, officer, approver
):
    """Whatever keeps public pages (a cache in front of the app, or the app itself), the
    statement's page, the newsroom and the feed are never served from before a change."""
    clock.set(LATER)
    record = _approved(officer, approver)
    urls = ("/news", "/news.atom", "/news/statements/gorilla-position")

    def answers():
        return {url: client.get(url) for url in urls}

    before = answers()
    assert before["/news/statements/gorilla-position"].status_code == 404
    statements.publish_statement(record.id, actor=officer)
    published = answers()
    for url in urls:
        assert published[url].status_code == 200
        assert "Gorilla" in published[url].get_data(as_text=True), url
        again = client.get(url, headers={"If-None-Match": published[url].headers["ETag"]})
        assert again.status_code == 304, url

    statements.update_statement(
        record.id, actor=officer, expected_version=1, statement="The okapi correction."
    )
    statements.submit_statement(record.id, actor=officer)
    statements.approve_statement(record.id, actor=approver, expected_version=2)
    corrected = answers()
    # The newsroom list shows the title and spokesperson only, which did not change.
    for url in ("/news.atom", "/news/statements/gorilla-position"):
        assert corrected[url].headers["ETag"] != published[url].headers["ETag"], url
        stale = client.get(url, headers={"If-None-Match": published[url].headers["ETag"]})
        assert stale.status_code == 200, url
    assert corrected["/news"].get_data() == published["/news"].get_data()
    assert "okapi" in corrected["/news/statements/gorilla-position"].get_data(as_text=True)

    statements.withdraw_statement(record.id, actor=approver, reason="Superseded")
    withdrawn = answers()
    for url in urls:
        assert withdrawn[url].headers["ETag"] != corrected[url].headers["ETag"], url
    assert "Gorilla" not in withdrawn["/news"].get_data(as_text=True)
    assert "Superseded" in withdrawn["/news/statements/gorilla-position"].get_data(as_text=True)


def test_every_public_route_that_can_show_a_statement_is_walked_here(app):
    statement_routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None) == "public"
        and "statement" in rule.rule
    }
    assert statement_routes == {"public.news_statement"}


def test_the_instant_on_a_statement_page_is_uk_time_with_its_zone(client, clock, officer, approver):
    record = _approved(officer, approver)
    statements.publish_statement(
        record.id, actor=officer, now=datetime(2016, 7, 1, 11, 0, tzinfo=UTC)
    )
    clock.set(datetime(2016, 7, 2, tzinfo=UTC))
    text = client.get("/news/statements/gorilla-position").get_data(as_text=True)
    assert "12:00" in text and "BST" in text
