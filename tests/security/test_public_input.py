"""Whatever a visitor without an account puts in an address, the public pages answer with a
page or a refusal, never a server error."""

from __future__ import annotations

import pytest

HUGE = "9" * 30


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"/news?page={HUGE}", 404),
        ("/news?page=-1", 404),
        ("/news?page=nonsense", 404),
        (f"/api/v1/public/releases?page={HUGE}", 422),
        (f"/api/v1/public/releases?page=1&per_page={HUGE}", 422),
        ("/api/v1/routing?at=" + "1" * 5000, 422),
        ("/news/" + "a" * 5000, 404),
        ("/preview/" + "%FF" * 43, 404),
    ],
)
def test_an_absurd_address_is_refused_not_an_error(client, url, expected):
    response = client.get(url)
    assert response.status_code == expected


def test_an_absurd_page_number_on_the_staff_list_is_refused_not_an_error(
    client, officer, api_token
):
    headers = api_token(officer)
    assert client.get(f"/api/v1/releases?page={HUGE}", headers=headers).status_code == 422
