"""GET /api/v1/routing and `pressoffice route` answer the same thing."""

import json
from datetime import UTC, datetime

import pytest

from pressoffice.cli_enquiries import route_command


def test_the_christmas_substitute_day_is_out_of_hours_naming_the_bank_holiday(client):
    answer = client.get("/api/v1/routing?at=2016-12-27T10:00:00Z").get_json()

    assert answer == {
        "at": "2016-12-27T10:00:00Z",
        "local": "2016-12-27T10:00:00+00:00",
        "zone": "GMT",
        "route": "out_of_hours",
        "line": "07836 217 729",
        "reason": "Bank holiday: Christmas Day (substitute day)",
    }


def test_a_quarter_to_eight_utc_in_july_is_office_hours_at_0845_bst(client):
    answer = client.get("/api/v1/routing?at=2016-07-01T07:45:00Z").get_json()

    assert (answer["route"], answer["local"], answer["zone"]) == (
        "office_hours",
        "2016-07-01T08:45:00+01:00",
        "BST",
    )
    assert answer["line"] == "020 3513 0600"
    assert answer["reason"] == "Office hours (Friday 08:30 to 17:00)"


def test_without_an_instant_the_answer_is_for_now(client, clock):
    clock.set(datetime(2016, 11, 29, 17, 0, tzinfo=UTC))

    answer = client.get("/api/v1/routing").get_json()

    assert answer["at"] == "2016-11-29T17:00:00Z"
    assert answer["reason"] == "After 17:00 on a Tuesday"


def test_an_offset_sent_with_an_unencoded_plus_still_counts(client):
    answer = client.get("/api/v1/routing?at=2016-07-01T08:45:00+01:00").get_json()

    assert answer["at"] == "2016-07-01T07:45:00Z"


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("2016-10-30T01:30:00", "needs a time-zone offset"),
        ("tomorrow", "Not an ISO 8601 instant"),
    ],
)
def test_an_instant_without_an_offset_or_unreadable_is_refused_with_the_field_named(
    client, at, message
):
    response = client.get("/api/v1/routing", query_string={"at": at})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"]["at"]


@pytest.mark.parametrize(
    "at", ["2016-12-27T10:00:00Z", "2016-07-01T07:45:00Z", "2023-06-05T06:00:00+14:00"]
)
def test_the_command_line_answers_exactly_as_the_api(app, client, at):
    from_api = client.get("/api/v1/routing", query_string={"at": at}).get_json()

    result = app.test_cli_runner().invoke(route_command, [at])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == from_api


def test_the_command_line_refuses_an_instant_without_an_offset(app):
    result = app.test_cli_runner().invoke(route_command, ["2016-10-30T01:30:00"])

    assert result.exit_code == 1
    assert "needs a time-zone offset" in result.output
