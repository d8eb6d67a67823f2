"""The two-person rule: what goes out is exactly what an approver other than its author saw and
signed off, whichever page or endpoint the approval comes through."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup

from pressoffice.services import attachments, previews, quote_signoffs, releases
from pressoffice.services.errors import NotAllowed

from ..conftest import login
from ..factories import create_release, make_user, release_content
from ..services.test_attachments import pdf_bytes

QUOTES = [
    {"speaker": "Ann Lee", "role": "Chief Inspector", "text": "I am pleased with the progress."},
    {"speaker": "Bo Chan", "role": "Chief Constable", "text": "We will keep improving."},
]


def _waiting_for_a_speaker(author):
    release = create_release(state="in_review", author=author, quotes=QUOTES)
    quote_signoffs.request_signoff(
        release.id, release.quotes[1]["key"], actor=author, name="Bo Chan", email="bo@example.org"
    )
    return releases.get_release(release.id)


def test_approving_without_a_speakers_sign_off_covers_only_the_version_the_approver_saw(
    client, officer, approver
):
    release = _waiting_for_a_speaker(officer)
    login(client, approver)
    seen = BeautifulSoup(client.get(f"/releases/{release.id}/quotes").data, "html.parser")
    form = seen.find(id="override").find_next("form")
    version = form.find("input", attrs={"name": "version"})
    assert version is not None, "the override form must say which version it approves"
    assert version["value"] == str(release.version)

    # Meanwhile the author rewrites the release and sends it straight back for sign-off.
    releases.update_release(
        release.id,
        actor=officer,
        expected_version=release.version,
        **release_content(quotes=QUOTES, body="Something the approver never read."),
    )
    releases.submit_release(release.id, actor=officer)

    response = client.post(
        f"/releases/{release.id}/approve-without-signoff",
        data={"version": version["value"], "reason": "Bo Chan cleared the words by phone"},
    )

    assert response.status_code == 409
    after = releases.get_release(release.id)
    assert after.state == "in_review"
    assert after.approved_hash is None


def test_an_approver_who_wrote_the_release_cannot_approve_it_without_a_speakers_sign_off(
    client, approver
):
    release = _waiting_for_a_speaker(approver)
    login(client, approver)

    response = client.post(
        f"/releases/{release.id}/approve-without-signoff",
        data={"version": release.version, "reason": "I cleared it myself"},
    )

    assert response.status_code == 409
    assert releases.get_release(release.id).state == "in_review"


@pytest.mark.parametrize("path", ["web", "api"])
def test_an_approver_cannot_approve_a_release_they_wrote(client, approver, api_token, path):
    release = create_release(state="in_review", author=approver)
    if path == "web":
        login(client, approver)
        client.post(f"/releases/{release.id}/approve", data={"version": release.version})
    else:
        response = client.post(
            f"/api/v1/releases/{release.id}/approve", json={}, headers=api_token(approver)
        )
        assert response.status_code == 403
    assert releases.get_release(release.id).state == "in_review"


def test_the_person_who_wrote_a_correction_cannot_approve_it(client, officer, approver, api_token):
    release = create_release(state="published", author=officer)
    releases.update_release(
        release.id,
        actor=approver,
        expected_version=release.version,
        change_note="Corrected the date",
        **release_content(body="The corrected body."),
    )

    response = client.post(
        f"/api/v1/releases/{release.id}/approve", json={}, headers=api_token(approver)
    )

    assert response.status_code == 403
    public = client.get(f"/api/v1/public/releases/{release.slug}").get_json()
    assert "The corrected body." not in public["body"]


def test_whoever_adds_a_file_to_a_published_release_cannot_approve_it(officer, approver):
    release = create_release(state="published", author=officer)
    attachments.add_attachment(
        release.id, actor=approver, filename="report.pdf", stream=io.BytesIO(pdf_bytes())
    )

    with pytest.raises(NotAllowed):
        releases.approve_release(release.id, actor=approver)
    assert releases.load_public_release(release.slug).content.attachments == ()


def test_the_officer_who_accepts_a_speakers_wording_cannot_approve_it(officer, approver):
    other = make_user(role="approver")
    release = create_release(state="in_review", author=officer, quotes=QUOTES)
    requested = quote_signoffs.request_signoff(
        release.id, release.quotes[1]["key"], actor=officer, name="Bo Chan", email="bo@x.org"
    )
    quote_signoffs.answer_signoff(
        requested.token, decision="propose", proposed_text="We will keep on improving."
    )
    quote_signoffs.accept_suggestion(release.id, requested.signoff.id, actor=other)
    releases.submit_release(release.id, actor=officer)

    with pytest.raises(NotAllowed):
        releases.approve_release(release.id, actor=other)
    releases.approve_release(release.id, actor=approver)
    assert releases.get_release(release.id).state == "approved"


def test_publishing_early_after_a_broken_embargo_shows_only_the_approved_content(
    client, officer, approver
):
    release = create_release(state="scheduled", author=officer, approver=approver)
    approved_body = release.body

    previews.break_embargo(release.id, actor=approver, reason="The story ran early")

    public = client.get(f"/api/v1/public/releases/{release.slug}").get_json()
    assert public["body"] == approved_body
