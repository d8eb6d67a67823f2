"""Quote sign-off over HTTP: the officer asks, the speaker answers, the officer decides."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from pressoffice.domain import links
from pressoffice.services import quote_signoffs, releases

from ..conftest import login
from ..factories import create_release

QUOTES = [
    {"speaker": "Ann Lee", "role": "Chief Inspector", "text": "I am pleased with the progress."},
    {"speaker": "Bo Chan", "role": "Chief Constable", "text": "We will keep improving."},
]
BODY = "Inspectors returned in August.\n\nThey found most cases were handled well."


@pytest.fixture
def speaker(app, clock):
    """The browser of the person quoted, who has no account."""
    return app.test_client()


def request_through_the_page(page, release, quote_index=1, email="bo@example.org") -> str:
    quotes_page = page.get(f"/releases/{release.id}/quotes")
    section = quotes_page.find_all("section", class_="links-panel")[quote_index]
    form_page = page.get(section.find("a", class_="button")["href"])
    assert form_page.find(id="name")["value"] == QUOTES[quote_index]["speaker"]
    done = page.post(
        f"/releases/{release.id}/quotes/{release.quotes[quote_index]['key']}/signoff",
        {"name": QUOTES[quote_index]["speaker"], "email": email},
        _expected_status=201,
    )
    link = done.find("input", id="signoff-link")
    assert link.has_attr("readonly")
    return urlsplit(link["value"]).path


def test_a_speakers_change_accepted_by_the_officer_voids_the_approval_and_needs_sign_off_again(
    signed_in, officer, approver, speaker, client
):
    release = create_release(
        state="approved", author=officer, approver=approver, quotes=QUOTES, body=BODY
    )
    page = signed_in(officer)
    path = request_through_the_page(page, release)

    # The speaker sees their quote in context, not the whole release.
    shown = BeautifulSoup(speaker.get(path).data, "html.parser")
    text = shown.get_text(" ", strip=True)
    assert release.title in text
    assert "Bo Chan, Chief Constable, said:" in text
    assert "We will keep improving." in shown.find(id="your-quote").get_text()
    assert "I am pleased with the progress." in text  # the paragraph before it
    assert "Inspectors returned in August." not in text  # not the whole body
    assert "Get the report" not in text
    assert "The inspection took place in August." not in text

    response = speaker.post(
        path,
        data={
            "decision": "propose",
            "proposed_text": "We will keep improving, and quickly.",
            "comment": "A little stronger, please",
        },
    )
    assert response.status_code == 303
    after = speaker.get(path).get_data(as_text=True)
    assert "Your suggested change is with the press office" in after

    # It has not touched the release.
    assert releases.get_release(release.id).state == "approved"

    quotes_page = page.get(f"/releases/{release.id}/quotes")
    bo = quotes_page.find_all("section", class_="links-panel")[1]
    assert "We will keep improving, and quickly." in bo.get_text()
    assert "A little stronger, please" in bo.get_text()
    accept = bo.find("button", string="Accept their wording").find_parent("form")["action"]
    page.post(accept)

    release_page = page.get(f"/releases/{release.id}")
    assert "approval is void" in release_page.get_text()
    current = releases.get_release(release.id)
    assert current.state == "draft"
    assert current.approved_hash is None
    assert current.quotes[1]["text"] == "We will keep improving, and quickly."

    # Back through sign-off: submitted, then approved by an approver.
    releases.submit_release(current.id, actor=officer)
    client.post("/sign-out")
    login(client, approver)
    client.post(f"/releases/{release.id}/approve", data={"version": current.version})
    assert releases.get_release(release.id).state == "approved"


def test_approving_is_refused_while_a_quote_waits_naming_it_and_an_approver_may_override(
    client, officer, approver
):
    release = create_release(state="in_review", author=officer, quotes=QUOTES, body=BODY)
    quote_signoffs.request_signoff(
        release.id, release.quotes[1]["key"], actor=officer, name="Bo Chan", email="bo@example.org"
    )
    login(client, approver)
    refused = client.post(
        f"/releases/{release.id}/approve", data={"version": release.version, "comment": ""}
    )
    assert "The quote by Bo Chan (“We will keep improving.”)" in refused.get_data(as_text=True)
    assert releases.get_release(release.id).state == "in_review"

    quotes_page = BeautifulSoup(client.get(f"/releases/{release.id}/quotes").data, "html.parser")
    assert quotes_page.find(id="override") is not None
    empty = client.post(f"/releases/{release.id}/approve-without-signoff", data={"reason": ""})
    assert empty.status_code == 400
    assert releases.get_release(release.id).state == "in_review"
    done = client.post(
        f"/releases/{release.id}/approve-without-signoff",
        data={"reason": "Bo Chan cleared the words by phone"},
        follow_redirects=True,
    )
    assert releases.get_release(release.id).state == "approved"
    assert "Bo Chan cleared the words by phone" in done.get_data(as_text=True)


def test_an_officer_cannot_override_a_waiting_quote(signed_in, officer, approver):
    release = create_release(state="in_review", author=approver, quotes=QUOTES)
    quote_signoffs.request_signoff(
        release.id, release.quotes[1]["key"], actor=officer, name="Bo Chan", email="bo@example.org"
    )
    page = signed_in(officer)
    response = page.client.post(
        f"/releases/{release.id}/approve-without-signoff", data={"reason": "No time"}
    )
    assert response.status_code == 403


def test_the_speaker_approves_and_the_quote_shows_as_signed_off(signed_in, officer, speaker):
    release = create_release(state="draft", author=officer, quotes=QUOTES)
    path = request_through_the_page(signed_in(officer), release, quote_index=0)
    assert speaker.post(path, data={"decision": "approve"}).status_code == 303
    assert "You approved this quote" in speaker.get(path).get_data(as_text=True)
    statuses = quote_signoffs.quote_statuses(releases.get_release(release.id))
    assert statuses[0].label == "Signed off"


def test_a_proposal_without_new_wording_is_refused_next_to_the_field(signed_in, officer, speaker):
    release = create_release(state="draft", author=officer, quotes=QUOTES)
    path = request_through_the_page(signed_in(officer), release)
    response = speaker.post(path, data={"decision": "propose", "proposed_text": "  "})
    assert response.status_code == 400
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.find(class_="error-summary").find("a")["href"] == "#proposed_text"
    assert soup.find(id="proposed_text-error")


def test_a_malformed_speaker_email_is_refused_with_the_field_named(signed_in, officer):
    release = create_release(state="draft", author=officer, quotes=QUOTES)
    page = signed_in(officer)
    soup = page.post(
        f"/releases/{release.id}/quotes/{release.quotes[0]['key']}/signoff",
        {"name": "Ann Lee", "email": "ann@"},
        _expected_status=400,
    )
    assert soup.find(class_="error-summary").find("a")["href"] == "#email"


def test_speaker_links_that_do_not_work_answer_exactly_like_a_missing_page(officer, speaker):
    release = create_release(state="draft", author=officer, quotes=QUOTES)
    requested = quote_signoffs.request_signoff(
        release.id, release.quotes[0]["key"], actor=officer, name="Ann Lee", email="a@example.org"
    )
    quote_signoffs.revoke_signoff(release.id, requested.signoff.id, actor=officer)
    missing = speaker.get("/news/there-is-no-such-release")
    for token in (requested.token, links.new_token(), "not-a-token"):
        for response in (
            speaker.get(f"/signoff/{token}"),
            speaker.post(f"/signoff/{token}", data={"decision": "approve"}),
        ):
            assert (response.status_code, response.data) == (404, missing.data)


def test_the_speaker_page_is_private_uncached_and_unindexed(officer, speaker):
    release = create_release(state="draft", author=officer, quotes=QUOTES)
    requested = quote_signoffs.request_signoff(
        release.id, release.quotes[0]["key"], actor=officer, name="Ann Lee", email="a@example.org"
    )
    response = speaker.get(urlsplit(requested.url).path)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
