"""Nothing doubled: a create sent again with the same Idempotency-Key answers the first result
instead of making a second enquiry or release."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Enquiry, IdempotencyKey, Release

from ..connection_faults import connection_lost_after_commit
from ..factories import make_user, release_content
from .test_enquiries_api import submission

KEY = "0b7c5a52-6f1e-4c8e-9a57-enquiry-1"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def with_key(key=KEY, **headers):
    return {"Idempotency-Key": key, **headers}


# --- enquiries --------------------------------------------------------------------------------


def test_a_journalist_sending_the_same_enquiry_twice_with_one_key_gets_one_reference(
    app_ctx, client
):
    first = client.post("/api/v1/enquiries", json=submission(), headers=with_key())
    again = client.post("/api/v1/enquiries", json=submission(), headers=with_key())

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.get_json()["reference"] == "ENQ-20161129-0001"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(Enquiry) == 1


def test_a_repeat_after_the_connection_dropped_answers_the_stored_enquiry(app_ctx, client):
    with connection_lost_after_commit(db.engine, writing="idempotency_keys"):
        lost = client.post("/api/v1/enquiries", json=submission(), headers=with_key())
    again = client.post("/api/v1/enquiries", json=submission(), headers=with_key())

    assert lost.status_code == again.status_code == 201
    assert again.get_json()["reference"] == lost.get_json()["reference"] == "ENQ-20161129-0001"
    assert count(Enquiry) == 1


def test_the_same_key_with_a_different_enquiry_is_refused_naming_the_header(app_ctx, client):
    client.post("/api/v1/enquiries", json=submission(), headers=with_key())

    other = client.post(
        "/api/v1/enquiries", json=submission(subject="Something else"), headers=with_key()
    )

    assert other.status_code == 422
    error = other.get_json()["error"]
    assert error["code"] == "idempotency_key_reused"
    assert "different request" in error["fields"]["Idempotency-Key"]
    assert count(Enquiry) == 1


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("k" * 256, "255 characters or fewer"),
        ("caf\u00e9", "printable ASCII"),
        ("tab\there", "printable ASCII"),
    ],
)
def test_a_key_that_is_not_1_to_255_printable_ascii_characters_is_refused(
    app_ctx, client, key, problem
):
    response = client.post("/api/v1/enquiries", json=submission(), headers=with_key(key))

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert problem in error["fields"]["Idempotency-Key"]
    assert count(Enquiry) == 0


def test_a_key_of_255_characters_is_accepted(app_ctx, client):
    response = client.post("/api/v1/enquiries", json=submission(), headers=with_key("k" * 255))

    assert response.status_code == 201


def test_a_refused_enquiry_keeps_no_key_so_the_corrected_one_is_logged(app_ctx, client):
    refused = client.post("/api/v1/enquiries", json=submission(email="nope"), headers=with_key())
    corrected = client.post("/api/v1/enquiries", json=submission(), headers=with_key())

    assert refused.status_code == 422
    assert corrected.status_code == 201
    assert count(Enquiry) == 1


def test_keys_belong_to_their_caller_the_public_and_each_member_of_staff(
    app_ctx, client, officer, approver, api_token
):
    public = client.post("/api/v1/enquiries", json=submission(), headers=with_key())
    olivia = client.post(
        "/api/v1/enquiries", json=submission(), headers=with_key(**api_token(officer))
    )
    amir = client.post(
        "/api/v1/enquiries", json=submission(), headers=with_key(**api_token(approver))
    )

    references = {r.get_json()["reference"] for r in (public, olivia, amir)}
    assert len(references) == 3
    assert count(Enquiry) == 3


def test_a_key_is_forgotten_after_24_hours(app_ctx, client, clock):
    first = client.post("/api/v1/enquiries", json=submission(), headers=with_key())
    clock.advance(hours=23, minutes=59)
    within = client.post("/api/v1/enquiries", json=submission(), headers=with_key())
    clock.advance(minutes=2)
    later = client.post("/api/v1/enquiries", json=submission(), headers=with_key())

    assert within.get_json()["reference"] == first.get_json()["reference"]
    assert later.status_code == 201
    assert later.get_json()["reference"] != first.get_json()["reference"]
    assert count(Enquiry) == 2
    assert count(IdempotencyKey) == 1


def test_twelve_concurrent_repeats_with_one_key_log_one_enquiry(app, app_ctx, officer, api_token):
    headers = with_key(**api_token(officer))
    # The token's first use is recorded once; the race here is the key's.
    assert app.test_client().get("/api/v1/enquiries", headers=headers).status_code == 200
    start = threading.Barrier(12)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        response = client.post("/api/v1/enquiries", json=submission(), headers=headers)
        answers.append((response.status_code, response.get_json().get("reference")))

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == [(201, "ENQ-20161129-0001")] * 12
    assert count(Enquiry) == 1


# --- releases ---------------------------------------------------------------------------------


def test_a_release_sent_twice_with_one_key_is_created_once(app_ctx, client, officer, api_token):
    headers = with_key("release-1", **api_token(officer))

    first = client.post("/api/v1/releases", json=release_content(), headers=headers)
    again = client.post("/api/v1/releases", json=release_content(), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert count(Release) == 1


def test_the_same_key_with_a_different_release_is_refused(app_ctx, client, officer, api_token):
    headers = with_key("release-1", **api_token(officer))
    client.post("/api/v1/releases", json=release_content(), headers=headers)

    other = client.post("/api/v1/releases", json=release_content(title="Other"), headers=headers)

    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["error"]["fields"]
    assert count(Release) == 1


def test_a_key_used_for_an_enquiry_cannot_create_a_release(app_ctx, client, officer, api_token):
    headers = with_key("shared", **api_token(officer))
    client.post("/api/v1/enquiries", json=submission(), headers=headers)

    release = client.post("/api/v1/releases", json=release_content(), headers=headers)

    assert release.status_code == 422
    assert count(Release) == 0


def test_a_bad_key_on_a_release_is_refused_before_anything_is_read(
    app_ctx, client, officer, api_token
):
    response = client.post(
        "/api/v1/releases", json=release_content(), headers=with_key("", **api_token(officer))
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]
    assert count(Release) == 0


def test_ten_concurrent_repeats_of_a_release_create_one(app, app_ctx, api_token):
    author = make_user(role="officer", email="writer@example.org")
    headers = with_key("release-race", **api_token(author))
    assert app.test_client().get("/api/v1/releases", headers=headers).status_code == 200
    start = threading.Barrier(10)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        response = client.post("/api/v1/releases", json=release_content(), headers=headers)
        answers.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=send) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({release_id for _, release_id in answers}) == 1
    assert [status for status, _ in answers] == [201] * 10
    assert count(Release) == 1


def test_keys_older_than_a_day_are_removed_by_the_next_create(app_ctx, client, clock):
    for number in range(3):
        client.post("/api/v1/enquiries", json=submission(), headers=with_key(f"k{number}"))
    clock.advance(hours=25)

    client.post("/api/v1/enquiries", json=submission(), headers=with_key("fresh"))

    assert db.session.scalars(sa.select(IdempotencyKey.key)).all() == ["fresh"]


def test_openapi_documents_the_header_on_both_creates(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]

    for path in ("/api/v1/enquiries", "/api/v1/releases"):
        [header] = [p for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert header["name"] == "Idempotency-Key"
        assert header["schema"]["maxLength"] == 255
