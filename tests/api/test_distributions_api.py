"""Sending a release to media lists through the API, and reading its progress."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ..conftest import DEFAULT_NOW
from ..factories import create_release
from ..services.test_distributions import make_list

EMBARGO = DEFAULT_NOW + timedelta(hours=1)


@pytest.fixture
def media_list(app_ctx):
    return make_list(
        "Crime reporters",
        [("Amy Archer", "amy@echo.example", False), ("Cat Cole", "cat@echo.example", True)],
    )


@pytest.fixture
def scheduled(officer):
    return create_release(state="scheduled", author=officer, embargo_until=EMBARGO)


def test_a_release_sent_when_it_goes_public_answers_201_with_its_instant_and_recipients(
    client, scheduled, media_list, officer, api_token
):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/distributions",
        json={"list_ids": [media_list], "kind": "on_publication"},
        headers=api_token(officer),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "on_publication"
    assert body["status"] == "scheduled"
    assert body["send_at"] == "2016-11-29T11:00:00Z"
    assert (body["recipients"], body["skipped_do_not_contact"]) == (1, 1)

    progress = client.get(
        f"/api/v1/releases/{scheduled.id}/distributions/{body['id']}",
        headers=api_token(officer),
    ).get_json()
    assert {k: progress[k] for k in ("status", "waiting", "queued", "sent", "failed")} == {
        "status": "scheduled",
        "waiting": 1,
        "queued": 0,
        "sent": 0,
        "failed": 0,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "on_publication"}, "list_ids"),
        ({"list_ids": "1", "kind": "on_publication"}, "list_ids"),
        ({"list_ids": [], "kind": "on_publication"}, "list_ids"),
        ({"list_ids": [424242], "kind": "on_publication"}, "list_ids"),
        ({"list_ids": [1], "kind": "fax"}, "kind"),
        ({"list_ids": [1], "kind": "on_publication", "when": "now"}, "when"),
    ],
)
def test_bad_input_answers_with_the_field_named_and_sends_nothing(
    client, scheduled, media_list, officer, api_token, body, field
):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/distributions", json=body, headers=api_token(officer)
    )
    assert response.status_code in (400, 422)
    assert field in response.get_json()["error"]["fields"]


def test_a_draft_answers_409_and_an_unknown_release_or_distribution_404(
    client, media_list, officer, api_token, scheduled
):
    draft = create_release(state="draft", author=officer)
    response = client.post(
        f"/api/v1/releases/{draft.id}/distributions",
        json={"list_ids": [media_list], "kind": "on_publication"},
        headers=api_token(officer),
    )
    assert response.status_code == 409
    assert "scheduled" in response.get_json()["error"]["message"]
    assert (
        client.get(
            f"/api/v1/releases/{scheduled.id}/distributions/999", headers=api_token(officer)
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/releases/999/distributions",
            json={"list_ids": [media_list], "kind": "on_publication"},
            headers=api_token(officer),
        ).status_code
        == 404
    )


def test_without_a_token_nothing_is_sent(client, scheduled, media_list):
    response = client.post(
        f"/api/v1/releases/{scheduled.id}/distributions",
        json={"list_ids": [media_list], "kind": "on_publication"},
    )
    assert response.status_code == 401
