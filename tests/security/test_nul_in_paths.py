"""A NUL character (which PostgreSQL cannot store or compare) in any part of an address, or in
the name of an uploaded file, is refused before it reaches the database: never a server error.

The walk covers every route of the URL map, for a visitor, a signed-in admin and an admin's API
token, so a new route is covered the day it is added.
"""

from __future__ import annotations

import io
import re

import pytest

from pressoffice.extensions import db
from pressoffice.models import Attachment, Contact

from ..conftest import login
from ..factories import create_release, make_user

METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def _urls_with_a_nul(app) -> list[tuple[str, str, str]]:
    """(method, url, rule) for every route with a text argument, each text argument in turn
    holding a NUL (alone, and inside other text)."""
    found = []
    for rule in app.url_map.iter_rules():
        arguments = re.findall(r"<([^>]+)>", rule.rule)
        text_arguments = [a for a in arguments if a.rpartition(":")[0] in ("", "string", "path")]
        for method in METHODS:
            if method not in (rule.methods or ()):
                continue
            for target in text_arguments:
                for nul in ("%00", "a%00b"):
                    url = rule.rule
                    for argument in arguments:
                        kind = argument.rpartition(":")[0]
                        if kind == "int":
                            value = "1"
                        elif argument == target:
                            value = nul
                        else:
                            value = "x"
                        url = url.replace(f"<{argument}>", value, 1)
                    found.append((method, url, rule.rule))
    return found


def _assert_refused_as_not_found(client, app, headers=None):
    urls = _urls_with_a_nul(app)
    assert len(urls) > 50, "the walk should reach the routes with text in their address"
    for method, url, rule in urls:
        response = client.open(url, method=method, headers=headers or {})
        assert response.status_code == 404, f"{method} {url} ({rule}): {response.status_code}"
        if url.startswith("/api/"):
            assert response.get_json()["error"]["code"] == "not_found", url


@pytest.mark.parametrize(
    "url",
    [
        "/news/%00",
        "/news/a%00b",
        "/news/statements/%00",
        "/news/%00/files/1",
        "/api/v1/public/releases/%00",
    ],
)
def test_a_nul_in_a_public_address_is_not_found(client, app_ctx, url):
    create_release(state="published")

    response = client.get(url)

    assert response.status_code == 404


def test_a_nul_in_any_address_is_not_found_for_a_visitor(app, client, app_ctx):
    _assert_refused_as_not_found(client, app)


def test_a_nul_in_any_address_is_not_found_for_signed_in_staff(app, client, app_ctx):
    login(client, make_user(role="admin"))
    _assert_refused_as_not_found(client, app)


def test_a_nul_in_any_api_address_is_not_found_with_a_token(app, client, app_ctx, api_token):
    _assert_refused_as_not_found(client, app, headers=api_token(make_user(role="admin")))


def test_an_upload_whose_name_holds_a_nul_is_refused_and_nothing_is_imported(
    signed_in, officer, client
):
    signed_in(officer)
    upload = (io.BytesIO(b"name,email\nAnn,ann@example.org\n"), "a\x00b.csv")

    response = client.post("/contacts/import", data={"file": upload})

    assert response.status_code == 400
    assert db.session.query(Contact).count() == 0


def test_a_release_file_whose_name_holds_a_nul_is_refused_and_nothing_is_attached(
    signed_in, officer, client
):
    release = create_release(author=officer)
    signed_in(officer)
    upload = (io.BytesIO(b"%PDF-1.4 report"), "rep\x00ort.pdf")

    response = client.post(f"/releases/{release.id}/files", data={"file": upload})

    assert response.status_code == 400
    assert db.session.query(Attachment).count() == 0
