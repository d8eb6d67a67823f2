"""Before its embargo instant, nothing of a release can be reached without a login.

Every public route in the URL map is visited, whatever its name, with the release's slug, its
file's number and a made-up link token, while a release waits for its embargo: no answer may
carry a byte of it (headline, slug, body, quotes, links, notes, file name or bytes), and the
routes that name a release answer exactly as for one that never existed.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.domain import links
from pressoffice.services import attachments, previews, releases

from ..factories import create_release, release_content
from ..services.test_attachments import pdf_bytes

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
SECRET = release_content(
    title="Zebra crossing secret",
    summary="Standfirst of the quagga plan.",
    body="The okapi paragraph.\n\n[Wombat report](https://example.org/wombat-in-body)",
    quotes=[{"speaker": "Narwhal Speaker", "role": "Tapir Minister", "text": "Axolotl words."}],
    links=[{"label": "Get the pangolin report", "url": "https://example.org/pangolin.pdf"}],
    notes=["The capybara note."],
)
FILENAME = "platypus-findings.pdf"
MARKERS = [
    "Zebra",
    "zebra-crossing-secret",
    "quagga",
    "okapi",
    "wombat",
    "Narwhal",
    "Tapir",
    "Axolotl",
    "pangolin",
    "capybara",
    "platypus",
]
# The file's bytes are unique to it, so they cannot turn up by chance.
FILE_BYTES = pdf_bytes().replace(b"%%EOF", b"% aardvark-bytes\n%%EOF")


@pytest.fixture
def embargoed(officer, approver, clock):
    clock.set(EMBARGO - timedelta(hours=3))
    release = create_release(author=officer, **SECRET)
    file = attachments.add_attachment(
        release.id, actor=officer, filename=FILENAME, stream=io.BytesIO(FILE_BYTES)
    )
    releases.submit_release(release.id, actor=officer)
    releases.approve_release(release.id, actor=approver)
    releases.schedule_release(release.id, actor=officer, embargo_until=EMBARGO)
    release = releases.get_release(release.id)
    assert release.slug == "zebra-crossing-secret"
    clock.set(EMBARGO - timedelta(seconds=1))
    return release, file


def _public_get_urls(app, slug: str, file_id: int, token: str) -> list[str]:
    values = {"slug": slug, "attachment_id": str(file_id), "token": token}
    urls = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "access", None) != "public" and rule.endpoint != "static":
            continue
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule
        for converter in re.findall(r"<([^>]+)>", url):
            name = converter.rpartition(":")[2]
            url = url.replace(f"<{converter}>", values.get(name, "1"))
        urls.append(url)
    return urls


def _leaks(response) -> list[str]:
    blob = response.get_data() + str(dict(response.headers)).encode()
    found = [m for m in MARKERS if m.lower().encode() in blob.lower()]
    if b"aardvark-bytes" in blob:
        found.append("file bytes")
    return found


def test_no_public_page_feed_or_api_shows_any_part_of_an_embargoed_release(app, client, embargoed):
    release, file = embargoed
    token = links.new_token()
    for url in _public_get_urls(app, release.slug, file.id, token):
        for query in ("", "?page=1&per_page=100&q=zebra&status=scheduled&at="):
            response = client.get(url + query)
            assert _leaks(response) == [], f"GET {url}{query} shows {_leaks(response)}"


def _headers(response) -> dict[str, str]:
    # The date and the count of requests left in the address's allowance move on by themselves.
    return {
        k: v for k, v in response.headers.items() if k != "Date" and not k.startswith("X-RateLimit")
    }


def test_routes_that_name_an_embargoed_release_answer_exactly_as_for_one_that_never_existed(
    app, client, embargoed
):
    release, file = embargoed
    token = links.new_token()
    real = _public_get_urls(app, release.slug, file.id, token)
    made_up = _public_get_urls(app, "no-such-release-at-all", 987_654, token)
    for url, other in zip(real, made_up, strict=True):
        if url == other:
            continue
        one, two = client.get(url), client.get(other)
        assert one.status_code == two.status_code == 404, url
        assert one.get_data() == two.get_data(), url
        assert _headers(one) == _headers(two), url


def test_the_public_enquiry_form_and_api_never_offer_or_confirm_an_embargoed_release(
    client, embargoed
):
    release, _file = embargoed
    form = client.get("/contact/enquiry")
    assert _leaks(form) == []
    answers = [
        client.post(
            "/api/v1/enquiries",
            json={"journalist_name": "Jo", "email": "jo@example.com", "release_id": rid},
        )
        for rid in (release.id, 987_654)
    ]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].get_json() == answers[1].get_json()


def test_the_embargoed_release_appears_everywhere_at_its_instant_and_not_a_second_before(
    client, clock, embargoed
):
    release, file = embargoed
    assert client.get(f"/news/{release.slug}").status_code == 404
    assert client.get(f"/news/{release.slug}/files/{file.id}").status_code == 404
    clock.set(EMBARGO)
    assert client.get(f"/news/{release.slug}").status_code == 200
    assert client.get(f"/news/{release.slug}/files/{file.id}").data == FILE_BYTES


# --- embargoed copies behind a journalist's link -------------------------------------------


def _link(release, officer) -> str:
    added = previews.add_recipient(
        release.id, actor=officer, name="Jo Reporter", outlet="Daily Example", email="jo@x.org"
    )
    return f"/preview/{added.token}"


def _missing(client, path: str):
    response = client.get(path)
    return response.status_code, response.get_data()


def test_a_working_link_shows_only_the_approved_revision(client, officer, embargoed):
    release, file = embargoed
    path = _link(release, officer)
    assert client.post(f"{path}/terms").status_code == 303
    copy = client.get(path)
    assert copy.status_code == 200
    assert b"Axolotl words." in copy.data
    assert client.get(f"{path}/files/{file.id}").data == FILE_BYTES
    assert copy.headers["Cache-Control"] == "no-store"
    assert copy.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "what_happens",
    ["revoked", "all revoked", "expired", "unscheduled", "edited", "file removed"],
)
def test_a_link_that_must_show_nothing_answers_exactly_as_a_missing_page(
    client, clock, officer, embargoed, what_happens
):
    release, file = embargoed
    path = _link(release, officer)
    client.post(f"{path}/terms")
    nowhere = _missing(client, f"/preview/{links.new_token()}")
    recipient = previews.list_recipients(release.id)[0]

    if what_happens == "revoked":
        previews.revoke_recipient(release.id, recipient.id, actor=officer)
    elif what_happens == "all revoked":
        previews.revoke_all(release.id, actor=officer)
    elif what_happens == "expired":
        clock.set(recipient.expires_at)
    elif what_happens == "unscheduled":
        releases.unschedule_release(release.id, actor=officer)
    elif what_happens == "edited":
        releases.update_release(
            release.id,
            actor=officer,
            expected_version=release.version,
            **{**SECRET, "body": "A working copy nobody approved."},
        )
    else:
        attachments.remove_attachment(release.id, file.id, actor=officer)

    assert _missing(client, path) == nowhere
    assert client.get(f"{path}/files/{file.id}").status_code == 404
    assert client.post(f"{path}/terms").status_code == 404


@pytest.mark.parametrize("token", ["", "short", "A" * 42, "A" * 44, "../" * 15, "%00" * 15])
def test_malformed_link_tokens_answer_as_a_missing_page(client, token):
    assert client.get(f"/preview/{token}").status_code == 404
    assert client.get(f"/signoff/{token}").status_code == 404


# --- the public release calendar --------------------------------------------------------------

ANNOUNCED_TITLE = "Children's services inspection report"
UNANNOUNCED = "Unannounced-marmoset-visit"


def test_the_release_calendar_shows_an_announced_entry_by_its_public_title_only(
    app, client, officer, embargoed
):
    from pressoffice.services import forward_look

    release, file = embargoed
    # Planned under the release's own secret headline, then announced under a public title and
    # linked to the embargoed release; another entry never announced.
    entry = forward_look.create_entry(
        actor=officer,
        title="Zebra crossing secret (staff title)",
        owner_id=officer.id,
        day="1",
        month="12",
        year="2016",
        at="00:01",
        status="confirmed",
        announced="yes",
        public_title=ANNOUNCED_TITLE,
        notes="The okapi briefing for the capybara desk",
    )
    from pressoffice.extensions import db
    from pressoffice.models import PlannedEntry

    with db.session.begin():
        db.session.get(PlannedEntry, entry.id).release_id = release.id
    forward_look.create_entry(
        actor=officer,
        title=UNANNOUNCED,
        owner_id=officer.id,
        day="2",
        month="12",
        year="2016",
        status="confirmed",
        notes="Narwhal notes",
    )

    calendar = client.get("/calendar")
    assert ANNOUNCED_TITLE.encode() in calendar.data.replace(b"&#39;", b"'")
    assert b"Thursday 1 December 2016" in calendar.data
    # The unannounced entry is not there at all, not even as a date.
    assert b"Friday 2 December 2016" not in calendar.data
    token = links.new_token()
    for url in _public_get_urls(app, release.slug, file.id, token):
        response = client.get(url)
        assert _leaks(response) == [], f"GET {url} shows {_leaks(response)}"
        assert UNANNOUNCED.lower().encode() not in response.get_data().lower(), url
        assert b"staff title" not in response.get_data(), url
