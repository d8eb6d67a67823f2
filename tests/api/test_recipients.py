"""Embargoed copies through the API: add, list and revoke recipients."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from pressoffice.extensions import db

from ..factories import create_release

EMBARGO = datetime(2016, 12, 1, 0, 1, tzinfo=UTC)
JO = {"name": "Jo Reporter", "outlet": "The Daily Example", "email": "jo@example.com"}


@pytest.fixture
def scheduled(officer, approver):
    return create_release(
        state="scheduled", author=officer, approver=approver, embargo_until=EMBARGO
    )


def test_adding_a_recipient_answers_201_with_their_preview_url(
    client, scheduled, officer, api_token, app
):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/recipients", json=JO, headers=api_token(officer)
    )
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert body["name"] == "Jo Reporter"
    path = urlsplit(body["preview_url"]).path
    assert path.startswith("/preview/") and len(path) > len("/preview/") + 40
    assert app.test_client().get(path).status_code == 200


def test_a_malformed_email_answers_422_naming_the_field(client, scheduled, officer, api_token):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/recipients",
        json={**JO, "email": "jo@"},
        headers=api_token(officer),
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"email"}
    listed = client.get(
        f"/api/v1/releases/{scheduled.id}/recipients", headers=api_token(officer)
    ).get_json()
    assert listed["recipients"] == []


@pytest.mark.parametrize(
    ("body", "status"), [(["not", "an", "object"], 400), ({**JO, "phone": "0123"}, 422)]
)
def test_malformed_and_unknown_input_is_refused(
    client, scheduled, officer, api_token, body, status
):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/recipients", json=body, headers=api_token(officer)
    )
    assert response.status_code == status


def test_a_release_that_is_not_scheduled_answers_409(client, officer, api_token):
    draft = create_release(state="draft", author=officer)
    response = client.post(
        f"/api/v1/releases/{draft.id}/recipients", json=JO, headers=api_token(officer)
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "wrong_state"


def test_an_unknown_release_answers_404(client, officer, api_token):
    response = client.post("/api/v1/releases/999/recipients", json=JO, headers=api_token(officer))
    assert response.status_code == 404


def test_deleting_a_recipient_revokes_their_link_at_once(
    client, scheduled, officer, api_token, app
):
    headers = api_token(officer)
    added = client.post(
        f"/api/v1/releases/{scheduled.id}/recipients", json=JO, headers=headers
    ).get_json()
    response = client.delete(
        f"/api/v1/releases/{scheduled.id}/recipients/{added['id']}", headers=headers
    )
    assert response.status_code == 200
    assert response.get_json()["revoked_at"] == "2016-11-29T10:00:00Z"
    assert app.test_client().get(urlsplit(added["preview_url"]).path).status_code == 404
    missing = client.delete(f"/api/v1/releases/{scheduled.id}/recipients/999", headers=headers)
    assert missing.status_code == 404


def test_the_list_shows_each_recipient_with_their_views(client, scheduled, officer, api_token, app):
    headers = api_token(officer)
    added = client.post(
        f"/api/v1/releases/{scheduled.id}/recipients", json=JO, headers=headers
    ).get_json()
    reader = app.test_client()
    path = urlsplit(added["preview_url"]).path
    reader.post(f"{path}/terms")
    reader.get(path, headers={"User-Agent": "Firefox/128"})
    listed = client.get(f"/api/v1/releases/{scheduled.id}/recipients", headers=headers).get_json()
    [recipient] = listed["recipients"]
    assert recipient["terms_accepted_at"] == "2016-11-29T10:00:00Z"
    assert [v["user_agent"] for v in recipient["views"]] == ["Firefox/128"]
    assert "preview_url" not in recipient  # the link is shown once only


def test_recipients_need_a_staff_token(client, scheduled):
    assert client.get(f"/api/v1/releases/{scheduled.id}/recipients").status_code == 401
    assert client.post(f"/api/v1/releases/{scheduled.id}/recipients", json=JO).status_code == 401


def test_approving_through_the_api_is_refused_while_a_quote_waits_unless_overridden(
    client, officer, approver, api_token
):
    from pressoffice.services import quote_signoffs

    release = create_release(state="in_review", author=officer)
    quote_signoffs.request_signoff(
        release.id, release.quotes[0]["key"], actor=officer, name="Ann Lee", email="a@example.org"
    )
    headers = api_token(approver)
    refused = client.post(f"/api/v1/releases/{release.id}/approve", json={}, headers=headers)
    assert refused.status_code == 409
    assert "The quote by Ann Lee" in refused.get_json()["error"]["message"]
    approved = client.post(
        f"/api/v1/releases/{release.id}/approve",
        json={"signoff_override": "Cleared by phone", "version": release.version},
        headers=headers,
    )
    assert approved.status_code == 200
    assert approved.get_json()["status"] == "approved"
    history = client.get(f"/api/v1/releases/{release.id}/history", headers=headers).get_json()
    events = history["events"] if isinstance(history, dict) else history
    override = [e for e in events if e["action"] == "signoff_override"]
    assert "Cleared by phone" in override[0]["comment"]


def test_unscheduling_can_cancel_the_links_given_out_for_good(client, officer, api_token):
    from pressoffice.models import EmbargoRecipient

    release = create_release(author=officer, state="scheduled")
    headers = api_token(officer)
    client.post(
        f"/api/v1/releases/{release.id}/recipients",
        json={"name": "Ann", "outlet": "Daily", "email": "ann@example.org"},
        headers=headers,
    )

    wrong = client.post(
        f"/api/v1/releases/{release.id}/unschedule", json={"links": "never"}, headers=headers
    )
    done = client.post(
        f"/api/v1/releases/{release.id}/unschedule", json={"links": "cancel"}, headers=headers
    )

    assert wrong.status_code == 422
    assert list(wrong.get_json()["error"]["fields"]) == ["links"]
    assert done.status_code == 200
    assert db.session.query(EmbargoRecipient).one().revoked_at is not None
