"""Text carrying a NUL character is refused with the field named, on every database."""

from __future__ import annotations

from pressoffice.extensions import db
from pressoffice.models import EmbargoRecipient, Enquiry

from ..factories import create_release


def test_a_public_enquiry_with_a_nul_character_is_refused_naming_the_field(client, app_ctx):
    response = client.post(
        "/api/v1/enquiries",
        json={"journalist_name": "Jo\u0000", "subject": "Figures", "email": "jo@example.org"},
    )
    assert response.status_code == 422
    assert "journalist_name" in response.get_json()["error"]["fields"]
    assert db.session.query(Enquiry).count() == 0


def test_a_recipient_with_a_nul_character_is_refused_naming_the_field(client, officer, api_token):
    release = create_release(author=officer, state="scheduled")
    response = client.post(
        f"/api/v1/releases/{release.id}/recipients",
        json={"name": "Ann", "outlet": "Daily\u0000", "email": "ann@example.org"},
        headers=api_token(officer),
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["outlet"]
    assert db.session.query(EmbargoRecipient).count() == 0


def test_a_nul_character_in_a_quote_is_named_by_its_place_in_the_list(client, officer, api_token):
    response = client.post(
        "/api/v1/releases",
        json={"title": "T", "quotes": [{"speaker": "A", "text": "ok"}, {"speaker": "B\u0000"}]},
        headers=api_token(officer),
    )
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == ["quotes-1.speaker"]


def test_a_form_or_search_with_a_nul_character_gets_the_bad_request_page(
    signed_in, officer, client
):
    signed_in(officer)
    assert client.get("/enquiries?q=a%00b").status_code == 400
    assert client.post("/enquiries/new", data={"subject": "x\u0000"}).status_code == 400
