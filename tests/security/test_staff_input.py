"""Whatever a member of staff puts in an address or a form, the staff pages answer with a page
or a refusal naming what is wrong, never a server error."""

from __future__ import annotations

import pytest

from ..factories import create_release

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (f"old=1&new={HUGE}", f"This release has no revision {HUGE}"),
        (f"old={HUGE}&new=1", f"This release has no revision {HUGE}"),
    ],
)
def test_comparing_revisions_by_a_number_too_big_says_there_is_no_such_revision(
    signed_in, officer, client, query, message
):
    release = create_release(author=officer)
    signed_in(officer)

    response = client.get(f"/releases/{release.id}/compare?{query}")

    assert response.status_code == 404
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        f"/releases?page={HUGE}",
        "/releases?page=nonsense",
        f"/enquiries?page={HUGE}",
        "/enquiries?page=nonsense",
        f"/enquiries?assignee={HUGE}",
        f"/releases/{{release}}/files/{HUGE}",
        f"/news/{{slug}}/files/{HUGE}",
    ],
)
def test_an_absurd_number_in_a_staff_address_is_refused_not_an_error(
    signed_in, officer, client, url
):
    release = create_release(author=officer, state="published")
    signed_in(officer)

    response = client.get(url.format(release=release.id, slug=release.slug))

    assert 400 <= response.status_code < 500 or response.status_code == 200


def test_removing_a_file_by_a_number_too_big_is_not_found(signed_in, officer, client):
    release = create_release(author=officer)
    signed_in(officer)

    response = client.post(f"/releases/{release.id}/files/{HUGE}/remove")

    assert response.status_code == 404


def test_the_release_form_refuses_a_headline_with_a_right_to_left_override(
    signed_in, officer, app_ctx
):
    from pressoffice.extensions import db
    from pressoffice.models import Release

    page = signed_in(officer)

    shown = page.post("/releases/new", {"title": "Figures\u202efdp.exe", "summary": "S"})

    assert "Headline contains a hidden character" in shown.text
    assert shown.select_one("input[name=title]")["value"] == "Figures\u202efdp.exe"
    assert db.session.query(Release).count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("figures.csv", b"<!DOCTYPE html><html><script>alert(1)</script>", "not really a CSV"),
        ("r" * 1_000 + ".pdf", b"%PDF-1.7\n%%EOF\n", "The file name must be 255 characters"),
    ],
)
def test_a_refused_upload_answers_400_with_the_reason_next_to_the_file_field(
    signed_in, officer, filename, content, message
):
    import io

    from pressoffice.services import attachments

    release = create_release(author=officer)
    page = signed_in(officer)

    shown = page.post(
        f"/releases/{release.id}/files",
        {"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        _expected_status=400,
    )

    assert message in shown.select_one("#file-error").text
    assert "must be a PDF" not in shown.select_one("#file-error").text
    assert attachments.current_attachments(release.id) == []
