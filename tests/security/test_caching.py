"""No cache keeps anything but the public newsroom: the whole URL map is walked.

Staff pages, every JSON API answer, embargoed previews, quote sign-off links, the sign-in page,
forms, redirects and errors answer ``Cache-Control: no-store``, whoever asks and however the
request ends. Only the views listed in SHARED may be kept by a cache, and only a 200 (or 304)
to someone who is not signed in.
"""

from __future__ import annotations

import io
import re

import pytest

from pressoffice.services import attachments, contact_lists, contacts

from ..conftest import login
from ..factories import create_release, make_enquiry, make_user
from ..services.test_attachments import pdf_bytes

# endpoint -> why a cache may keep it for a short while. Each changes only when someone saves
# something (reaching the public within PUBLIC_CACHE_MAX_AGE) or when an embargo lifts (the
# lifetime never reaches past that instant).
SHARED = {
    "public.index": "landing page: the office's name and two links",
    "public.news_index": "published releases",
    "public.news_release": "a published or withdrawn release",
    "public.news_atom": "the feed of published releases",
    "public.news_statement": "a published or withdrawn statement",
    "public.contact": "which line answers now: kept no longer than the minute it shows",
    "public.calendar": "announced entries: never past UK midnight or the next embargo",
    "public.calendar_ical": "announced entries: never past UK midnight or the next embargo",
    "api.public_releases": "published releases",
    "api.public_release": "a published or withdrawn release",
}
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def test_only_the_public_newsroom_is_marked_for_caches(app):
    marked = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "shared_cache", False)
    }
    assert marked == set(SHARED)


@pytest.fixture
def everything(officer, approver, admin, clock):
    """One of each thing a route can name, so guarded pages answer for real, not 404."""
    release = create_release(state="published", author=officer, approver=approver)
    file = attachments.add_attachment(
        release.id, actor=officer, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )
    enquiry = make_enquiry(received_at=clock())
    contact = contacts.create_contact(
        {"name": "Jo Reporter", "email": "jo@example.com"}, actor=officer, now=clock()
    )
    contact_list = contact_lists.create_list("Health", actor=officer, now=clock())
    return {
        "contact_id": str(contact.id),
        "list_id": str(contact_list.id),
        "release_id": str(release.id),
        "slug": release.slug,
        "attachment_id": str(file.id),
        "reference": enquiry.reference,
        "user_id": str(make_user(role="officer").id),
        "token": "not-a-real-link-token",
        "filename": "style.css",
        "action": "submit",
    }


def _urls(app, values):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = rule.rule
        for converter in re.findall(r"<([^>]+)>", url):
            name = converter.rpartition(":")[2]
            url = url.replace(f"<{converter}>", values.get(name, "1"))
        for method in METHODS:
            if method in rule.methods:
                yield rule.endpoint, method, url


def _walk(app, client, values, headers=None, signed_in=False):
    seen = 0
    # Reads first, then writes: a write may end the session or change what a read finds.
    urls = sorted(_urls(app, values), key=lambda item: item[1] != "GET")
    for endpoint, method, url in urls:
        if endpoint == "web.logout":
            continue
        # A visitor who is not signed in comes without cookies: a page showing a message kept
        # in the session (such as "Sign in to continue.") is rightly never shared.
        visitor = client if signed_in else app.test_client()
        response = visitor.open(url, method=method, headers=headers or {}, data={})
        seen += 1
        shared = (
            endpoint in SHARED
            and method == "GET"
            and response.status_code in (200, 304)
            and not signed_in
        )
        cache_control = response.headers.get("Cache-Control")
        where = f"{method} {url} ({endpoint}) answered {response.status_code}"
        if shared:
            assert cache_control.startswith("public, max-age="), where
            assert response.headers.get("ETag"), where
        else:
            assert cache_control == "no-store", f"{where} with Cache-Control {cache_control!r}"
    return seen


def test_every_answer_to_a_visitor_is_no_store_but_the_public_newsroom(app, client, everything):
    assert _walk(app, client, everything) > 80


def test_every_page_a_signed_in_admin_opens_is_no_store(app, client, admin, everything):
    login(client, admin)

    assert _walk(app, client, everything, signed_in=True) > 80


def test_every_api_answer_to_a_staff_token_is_no_store_but_the_public_releases(
    app, client, admin, api_token, everything
):
    assert _walk(app, client, everything, headers=api_token(admin)) > 80


def test_the_sign_in_page_and_a_sign_out_are_no_store(client, officer):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    login(client, officer)
    assert client.post("/sign-out").headers["Cache-Control"] == "no-store"


def test_a_head_request_to_a_staff_page_is_no_store(client, officer):
    login(client, officer)

    response = client.head("/staff")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
