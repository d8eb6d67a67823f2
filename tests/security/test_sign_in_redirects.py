"""After signing in, the ``next`` address may only lead somewhere on this site.

Browsers drop tabs and line breaks from a URL before following it, so ``/<tab>/evil.example``
arrives as ``//evil.example``: a link to another site. A phishing mail with such a sign-in link
would send a press officer, freshly signed in, to a page the attacker controls.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from pressoffice.auth import safe_next_url

from ..factories import DEFAULT_PASSWORD


def _sign_in(client, user, next_url):
    return client.post(
        "/sign-in",
        query_string={"next": next_url},
        data={"email": user.email, "password": DEFAULT_PASSWORD},
    )


HOSTILE = [
    "//evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "\t//evil.example/",
    "/\x00/evil.example/",
    "https://evil.example/",
    "https:/evil.example/",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("next_url", HOSTILE)
def test_a_sign_in_link_cannot_send_the_officer_to_another_site(client, officer, next_url):
    response = _sign_in(client, officer, next_url)

    if response.status_code == 400:
        # A NUL character is refused before sign-in is even tried: nowhere to be sent.
        assert "\x00" in next_url
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    # What a browser follows, once it has dropped tabs and line breaks.
    followed = location.replace("\t", "").replace("\n", "").replace("\r", "")
    assert followed == "/staff"
    assert not urlsplit(followed).netloc


def test_a_sign_in_link_to_a_page_on_this_site_is_followed(client, officer):
    response = _sign_in(client, officer, "/releases?status=draft")

    assert response.status_code == 302
    assert response.headers["Location"] == "/releases?status=draft"


@pytest.mark.parametrize("next_url", HOSTILE)
def test_no_hostile_next_address_is_ever_accepted(next_url):
    assert safe_next_url(next_url) is None
