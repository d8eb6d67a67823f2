"""The API answers exactly as recorded: status and JSON body of every /api/v1 route, for good
requests and for each kind of refusal (malformed, unknown field, wrong type, missing field,
stale version, 404, 409, 422 naming the field, 429).

The scenario runs on a frozen clock with fixed users, so nearly every answer is the same on
every run and both databases: the tables start empty with their ids restarted, so ids,
slugs, instants and enquiry references are kept as they are and compared too. Only what is
random by design is normalised: the secret token inside a preview link.

A change to the API's answers shows here as a diff against ``recorded_answers.json``. When
the change is meant, record the answers again and review the diff of the file:

    PRESSOFFICE_RECORD_ANSWERS=1 .venv/bin/pytest tests/api/test_recorded_answers.py
"""

from __future__ import annotations

import difflib
import json
import os
import re
from datetime import timedelta
from pathlib import Path

from pressoffice.extensions import limiter
from tests.conftest import DEFAULT_NOW
from tests.factories import release_content

RECORDING = Path(__file__).with_name("recorded_answers.json")
RECORD = os.environ.get("PRESSOFFICE_RECORD_ANSWERS") == "1"

# A preview link carries a random secret: /preview/<token>.
_PREVIEW_TOKEN = re.compile(r"(/preview/)[^/?#\"]+")


class Normaliser:
    """Replaces what is random by design: a preview link's secret, and the random key each new
    quote is given (as "quote key 1", "quote key 2"... in order of first appearance, so that
    a quote keeping its key through edits and revisions still shows)."""

    def __init__(self):
        self.quote_keys: dict[str, str] = {}

    def __call__(self, value):
        if isinstance(value, str):
            return _PREVIEW_TOKEN.sub(r"\1<token>", value)
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, dict):
            value = {key: self(item) for key, item in value.items()}
            if "speaker" in value and isinstance(value.get("key"), str) and value["key"]:
                label = f"quote key {len(self.quote_keys) + 1}"
                value["key"] = self.quote_keys.setdefault(value["key"], label)
            return value
        return value


class Recorder:
    def __init__(self, client, headers: dict[str, dict[str, str]]):
        self.client = client
        self.headers = headers
        self.answers: dict[str, dict] = {}
        self.normalised = Normaliser()

    def __call__(self, label, method, url, who=None, *, json=None, data=None, **kwargs):
        assert label not in self.answers, f"two requests are recorded as {label!r}"
        headers = dict(self.headers[who]) if who else {}
        headers.update(kwargs.pop("headers", {}))
        if data is not None:
            kwargs.setdefault("content_type", "application/json")
        response = self.client.open(
            url, method=method, json=json, data=data, headers=headers, **kwargs
        )
        body = response.get_json(silent=True)
        self.answers[label] = {
            "request": f"{method} {url}" + (f" as {who}" if who else ""),
            "status": response.status_code,
            "content_type": response.content_type,
            "body": self.normalised(body) if body is not None else response.get_data(as_text=True),
        }
        return body


def _meta_and_routing(call):
    call("openapi", "GET", "/api/v1/openapi.json")
    call("me", "GET", "/api/v1/me", "officer")
    call("me without a token", "GET", "/api/v1/me")
    call("me with a bad token", "GET", "/api/v1/me", "bad")
    call("routing now", "GET", "/api/v1/routing")
    call("routing evening", "GET", "/api/v1/routing?at=2016-11-29T18:00:00%2B00:00")
    call("routing unencoded plus", "GET", "/api/v1/routing?at=2016-11-29T10:00:00 01:00")
    call("routing bank holiday", "GET", "/api/v1/routing?at=2016-12-26T10:00:00Z")
    call("routing without an offset", "GET", "/api/v1/routing?at=2016-11-29T10:00:00")
    call("routing not an instant", "GET", "/api/v1/routing?at=soon")


JOURNALIST = {
    "journalist_name": "Jo Reporter",
    "outlet": "The Daily Example",
    "email": "jo@example.com",
    "subject": "Waiting times",
    "details": "How many cases are waiting?",
}


def _public_enquiries(call):
    call("public enquiry", "POST", "/api/v1/enquiries", json=JOURNALIST)
    call(
        "public urgent enquiry",
        "POST",
        "/api/v1/enquiries",
        json={**JOURNALIST, "urgent": True, "deadline": "2016-11-29T11:00:00+00:00"},
    )
    call("public enquiry malformed", "POST", "/api/v1/enquiries", data="[1]")
    call(
        "public enquiry not json", "POST", "/api/v1/enquiries", data="{", content_type="text/plain"
    )
    call(
        "public enquiry unknown, server and staff fields",
        "POST",
        "/api/v1/enquiries",
        json={**JOURNALIST, "surprise": 1, "reference": "ENQ-1", "received_at": "2016-01-01Z"},
    )
    limiter.reset()
    call(
        "public enquiry wrong types",
        "POST",
        "/api/v1/enquiries",
        json={**JOURNALIST, "journalist_name": 5, "urgent": "yes", "deadline": 5, "phone": []},
    )
    call(
        "public enquiry missing fields",
        "POST",
        "/api/v1/enquiries",
        json={"journalist_name": "Jo", "details": "x"},
    )
    call(
        "public enquiry deadline without an offset",
        "POST",
        "/api/v1/enquiries",
        json={**JOURNALIST, "deadline": "2016-11-29T15:00:00"},
    )
    call("public enquiry with a bad token", "POST", "/api/v1/enquiries", "bad", json=JOURNALIST)
    call("public enquiry fifth", "POST", "/api/v1/enquiries", json=JOURNALIST)
    call("public enquiry too many", "POST", "/api/v1/enquiries", json=JOURNALIST)
    limiter.reset()


def _staff_enquiries(call, release_id):
    staff = {
        **JOURNALIST,
        "received_at": "2016-11-28T19:30:00+00:00",
        "channel": "phone",
        "assignee": "amir@example.org",
        "release_id": release_id,
    }
    logged = call("staff enquiry", "POST", "/api/v1/enquiries", "officer", json=staff)
    reference = logged["reference"]
    call(
        "staff enquiry wrong types",
        "POST",
        "/api/v1/enquiries",
        "officer",
        json={**staff, "release_id": "1", "channel": 5, "assignee": True, "received_at": 7},
    )
    call(
        "staff enquiry unknown assignee and unknown field",
        "POST",
        "/api/v1/enquiries",
        "officer",
        json={**staff, "assignee": "nobody@example.org", "status": "closed", "extra": 1},
    )
    call(
        "staff enquiry received in the future",
        "POST",
        "/api/v1/enquiries",
        "officer",
        json={**staff, "received_at": "2016-11-30T10:00:00+00:00"},
    )
    call(
        "staff enquiry nulls",
        "POST",
        "/api/v1/enquiries",
        "officer",
        json={**staff, "journalist_name": None, "urgent": None, "release_id": None, "outlet": None},
    )
    call(
        "staff enquiry release number true and fraction",
        "POST",
        "/api/v1/enquiries",
        "officer",
        json={**staff, "release_id": True, "phone": 12345678, "details": 1.5},
    )
    call("enquiries list", "GET", "/api/v1/enquiries", "officer")
    call("enquiries list without a token", "GET", "/api/v1/enquiries")
    call("enquiries out of hours", "GET", "/api/v1/enquiries?route=out_of_hours", "officer")
    call("enquiries search", "GET", "/api/v1/enquiries?q=Waiting&per_page=1&page=2", "officer")
    call("enquiries bad page", "GET", "/api/v1/enquiries?page=0&per_page=x", "officer")
    call(
        "enquiries bad filters",
        "GET",
        "/api/v1/enquiries?status=bogus&route=x&from=yesterday&assignee=x",
        "officer",
    )
    call("enquiry", "GET", f"/api/v1/enquiries/{reference}", "officer")
    call("enquiry unknown", "GET", "/api/v1/enquiries/ENQ-20161129-9999", "officer")

    assign = f"/api/v1/enquiries/{reference}/assign"
    call("assign malformed", "POST", assign, "officer", data="[1]")
    call("assign unknown field", "POST", assign, "officer", json={"assignee": 1, "to": 2})
    call("assign missing", "POST", assign, "officer", json={})
    call("assign blank", "POST", assign, "officer", json={"assignee": ""})
    call("assign nobody", "POST", assign, "officer", json={"assignee": "x@example.org"})
    call("assign unknown enquiry", "POST", "/api/v1/enquiries/ENQ-1/assign", "officer", json={})
    call("assign", "POST", assign, "officer", json={"assignee": "olivia@example.org"})

    respond = f"/api/v1/enquiries/{reference}/respond"
    call("respond unknown field", "POST", respond, "officer", json={"response": "x", "cc": 1})
    call("respond wrong type", "POST", respond, "officer", json={"response": 5})
    call("respond missing", "POST", respond, "officer", json={})
    call("respond null", "POST", respond, "officer", json={"response": None})
    call("respond", "POST", respond, "officer", json={"response": "About 400 cases."})

    close = f"/api/v1/enquiries/{reference}/close"
    call("close malformed", "POST", close, "officer", data="[1]")
    call("close wrong type", "POST", close, "officer", json={"comment": 5})
    call("close unknown field", "POST", close, "officer", json={"why": "done"})
    call("close", "POST", close, "officer", json={"comment": None})
    call("close again", "POST", close, "officer")
    call("close unknown enquiry", "POST", "/api/v1/enquiries/ENQ-1/close", "officer")


def _drafting(call):
    content = release_content()
    created = call("create release", "POST", "/api/v1/releases", "officer", json=content)
    release_id = created["id"]
    url = f"/api/v1/releases/{release_id}"
    call("create release without a token", "POST", "/api/v1/releases", json=content)
    call("create release malformed", "POST", "/api/v1/releases", "officer", data="[1]")
    call("create release empty body", "POST", "/api/v1/releases", "officer", data="")
    call(
        "create release unknown fields",
        "POST",
        "/api/v1/releases",
        "officer",
        json={**content, "status": "published", "colour": "red"},
    )
    call(
        "create release unknown fields in quotes and links",
        "POST",
        "/api/v1/releases",
        "officer",
        json={
            **content,
            "quotes": [{"speaker": "A", "text": "B", "title": "Dr"}, {"speaker": "C", "text": "D"}],
            "links": [{"label": "L", "url": "https://example.org", "rel": "x", "alt": "y"}],
        },
    )
    call(
        "create release wrong types",
        "POST",
        "/api/v1/releases",
        "officer",
        json={"title": 5, "summary": [], "body": {}, "quotes": "x", "notes": 3, "links": 1},
    )
    call("create release missing title", "POST", "/api/v1/releases", "officer", json={})
    call(
        "create release invalid content",
        "POST",
        "/api/v1/releases",
        "officer",
        json={
            "title": "x" * 201,
            "quotes": [{"speaker": "", "text": "Said"}],
            "links": [{"label": "Report", "url": "ftp://example.org"}],
            "notes": ["ok", None, 5],
        },
    )
    call("releases list", "GET", "/api/v1/releases", "officer")
    call("releases search", "GET", "/api/v1/releases?q=Inspectors&status=draft", "officer")
    call("releases bad page", "GET", "/api/v1/releases?page=0", "officer")
    call("releases bad status", "GET", "/api/v1/releases?status=lost&per_page=1000", "officer")
    call("release", "GET", url, "officer")
    call("release unknown", "GET", "/api/v1/releases/999", "officer")
    call("release id too big", "GET", "/api/v1/releases/99999999999999999999", "officer")

    edit = {"title": "Inspectors find real progress in child protection", "version": 1}
    call("edit", "PATCH", url, "officer", json=edit)
    call("edit stale", "PATCH", url, "officer", json={**edit, "title": "Other"})
    call("edit missing version", "PATCH", url, "officer", json={"title": "T"})
    call("edit version as text", "PATCH", url, "officer", json={"title": "T", "version": "2"})
    call("edit version true", "PATCH", url, "officer", json={"title": "T", "version": True})
    call("edit version fraction", "PATCH", url, "officer", json={"title": "T", "version": 1.5})
    call("edit unknown field", "PATCH", url, "officer", json={"version": 2, "colour": "red"})
    call(
        "edit unknown field in a quote",
        "PATCH",
        url,
        "officer",
        json={"version": 2, "quotes": [{"speaker": "A", "text": "B", "mood": "glad"}]},
    )
    call(
        "edit read-only field changed",
        "PATCH",
        url,
        "officer",
        json={"version": 2, "status": "published", "slug": "new"},
    )
    current = call("release after edit", "GET", url, "officer")
    call("edit sending the release back", "PATCH", url, "officer", json=current)
    call("edit unknown release", "PATCH", "/api/v1/releases/999", "officer", json={"version": 1})
    call(
        "edit unknown release bad version",
        "PATCH",
        "/api/v1/releases/999",
        "officer",
        json={"version": "x"},
    )
    call("edit malformed", "PATCH", url, "officer", data="[1]")
    call(
        "edit read-only field changed and version as text",
        "PATCH",
        url,
        "officer",
        json={"version": "2", "status": "published"},
    )
    call(
        "edit rows that are not objects",
        "PATCH",
        url,
        "officer",
        json={"version": 2, "quotes": ["said", None], "links": {"label": "x"}},
    )
    call("edit version null", "PATCH", url, "officer", json={"version": None, "notes": ["N"]})
    return release_id


def _workflow(call, release_id):
    url = f"/api/v1/releases/{release_id}"
    call("submit malformed", "POST", f"{url}/submit", "officer", data="[1]")
    call("submit unknown field", "POST", f"{url}/submit", "officer", json={"embargo_until": 1})
    call("submit comment wrong type", "POST", f"{url}/submit", "officer", json={"comment": 5})
    call("submit version wrong type", "POST", f"{url}/submit", "officer", json={"version": "3"})
    call(
        "submit comment and version wrong types",
        "POST",
        f"{url}/submit",
        "officer",
        json={"comment": [], "version": 1.0},
    )
    call("submit stale", "POST", f"{url}/submit", "officer", json={"version": 1})
    call("submit", "POST", f"{url}/submit", "officer", json={"comment": "Ready"})
    call("submit again", "POST", f"{url}/submit", "officer")
    call("submit unknown release", "POST", "/api/v1/releases/999/submit", "officer")
    call("approve own release", "POST", f"{url}/approve", "officer", json={"version": 2})
    call("approve without a version", "POST", f"{url}/approve", "approver", json={})
    call("approve stale", "POST", f"{url}/approve", "approver", json={"version": 1})
    call(
        "approve override wrong type",
        "POST",
        f"{url}/approve",
        "approver",
        json={"version": 2, "signoff_override": 1},
    )
    call(
        "approve",
        "POST",
        f"{url}/approve",
        "approver",
        json={"version": 2, "comment": None, "signoff_override": None},
    )
    schedule = f"{url}/schedule"
    call("schedule missing embargo", "POST", schedule, "officer", json={})
    call("schedule blank embargo", "POST", schedule, "officer", json={"embargo_until": " "})
    call(
        "schedule without an offset",
        "POST",
        schedule,
        "officer",
        json={"embargo_until": "2016-11-30T09:30:00"},
    )
    call(
        "schedule in the past",
        "POST",
        schedule,
        "officer",
        json={"embargo_until": "2016-01-01T00:00:00Z"},
    )
    call(
        "schedule",
        "POST",
        schedule,
        "officer",
        json={"embargo_until": "2016-11-30T09:30:00+00:00"},
    )
    call("public releases under embargo", "GET", "/api/v1/public/releases")
    _recipients(call, release_id)
    call("unschedule", "POST", f"{url}/unschedule", "officer")
    call("publish", "POST", f"{url}/publish", "officer")
    call("publish again", "POST", f"{url}/publish", "officer")
    call(
        "correction",
        "PATCH",
        url,
        "officer",
        json={"version": 2, "summary": "A corrected summary.", "change_note": "Fixed the date"},
    )
    call("history", "GET", f"{url}/history", "officer")
    call("compare", "GET", f"{url}/compare?old=1&new=2", "officer")
    call("compare bad numbers", "GET", f"{url}/compare?old=x&new=9", "officer")
    call("compare missing", "GET", f"{url}/compare", "officer")
    call("history unknown release", "GET", "/api/v1/releases/999/history", "officer")


def _recipients(call, release_id):
    url = f"/api/v1/releases/{release_id}/recipients"
    recipient = {"name": "Jo Reporter", "outlet": "The Daily Example", "email": "jo@example.com"}
    added = call("add recipient", "POST", url, "officer", json=recipient)
    call("add recipient unknown field", "POST", url, "officer", json={**recipient, "phone": "1"})
    call("add recipient missing", "POST", url, "officer", json={"name": "Jo"})
    call("add recipient wrong types", "POST", url, "officer", json={**recipient, "email": 5})
    call("add recipient malformed", "POST", url, "officer", data="[1]")
    call(
        "add recipient unknown release",
        "POST",
        "/api/v1/releases/999/recipients",
        "officer",
        json=recipient,
    )
    call("recipients", "GET", url, "officer")
    call("revoke recipient", "DELETE", f"{url}/{added['id']}", "officer")
    call("revoke unknown recipient", "DELETE", f"{url}/999", "officer")
    call("recipients unknown release", "GET", "/api/v1/releases/999/recipients", "officer")


def _sign_off_refusals_and_withdrawal(call, release_id):
    content = release_content(title="Second release", quotes=[], links=[], notes=[])
    second = call("create second release", "POST", "/api/v1/releases", "officer", json=content)
    url = f"/api/v1/releases/{second['id']}"
    call("submit second", "POST", f"{url}/submit", "officer")
    call("request changes without comment", "POST", f"{url}/request-changes", "approver")
    call(
        "request changes",
        "POST",
        f"{url}/request-changes",
        "approver",
        json={"comment": "Add a quote"},
    )
    published = f"/api/v1/releases/{release_id}"
    call("withdraw by officer", "POST", f"{published}/withdraw", "officer", json={"reason": "x"})
    call(
        "withdraw unknown field",
        "POST",
        f"{published}/withdraw",
        "approver",
        json={"reason": "Wrong figures", "comment": "x"},
    )
    call(
        "withdraw reason wrong type",
        "POST",
        f"{published}/withdraw",
        "approver",
        json={"reason": 5},
    )
    call("withdraw missing reason", "POST", f"{published}/withdraw", "approver")
    call(
        "withdraw",
        "POST",
        f"{published}/withdraw",
        "approver",
        json={"reason": "The figures were wrong."},
    )


def _public(call, slug):
    call("public releases", "GET", "/api/v1/public/releases")
    call("public releases bad page", "GET", "/api/v1/public/releases?page=0&per_page=5")
    call("public release", "GET", f"/api/v1/public/releases/{slug}")
    call("public release unknown", "GET", "/api/v1/public/releases/no-such-release")


def _contacts(call):
    contact = {
        "name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "Jo@Example.com",
        "phone": "020 7946 0000",
        "beats": ["Health"],
        "consent_basis": "legitimate_interests",
        "consent_at": "2016-11-01",
        "do_not_contact": False,
    }
    created = call("add contact", "POST", "/api/v1/contacts", "officer", json=contact)
    url = f"/api/v1/contacts/{created['id']}"
    call("add contact same email", "POST", "/api/v1/contacts", "officer", json=contact)
    call("add contact unknown field", "POST", "/api/v1/contacts", "officer", json={"age": 1})
    call(
        "add contact bad fields",
        "POST",
        "/api/v1/contacts",
        "officer",
        json={"name": "", "phone": "12", "consent_at": "tomorrow", "do_not_contact": True},
    )
    call("add contact wrong types", "POST", "/api/v1/contacts", "officer", json={"beats": "x"})
    call("add contact malformed", "POST", "/api/v1/contacts", "officer", data="[1]")
    call("contact", "GET", url, "officer")
    call("contact unknown", "GET", "/api/v1/contacts/999", "officer")
    call(
        "contact do not contact",
        "PATCH",
        url,
        "officer",
        json={"do_not_contact": True, "do_not_contact_reason": "Asked by phone"},
    )
    call("contact read-only field", "PATCH", url, "officer", json={"may_contact": True})
    call("contacts", "GET", "/api/v1/contacts?q=jo", "officer")
    call("contacts bad page", "GET", "/api/v1/contacts?page=0", "officer")
    made = call("make list", "POST", "/api/v1/lists", "officer", json={"name": "Health"})
    call("make list same name", "POST", "/api/v1/lists", "officer", json={"name": "HEALTH"})
    members = f"/api/v1/lists/{made['id']}/members"
    call("add members", "POST", members, "officer", json={"contact_ids": [created["id"]]})
    call("add unknown members", "POST", members, "officer", json={"contact_ids": [999]})
    call("lists", "GET", "/api/v1/lists", "officer")
    call("list unknown", "GET", "/api/v1/lists/999", "officer")


def _drive_the_scenario(call, clock):
    _meta_and_routing(call)
    _public_enquiries(call)
    release_id = _drafting(call)
    _workflow(call, release_id)
    _staff_enquiries(call, release_id)
    slug = call("release for its slug", "GET", f"/api/v1/releases/{release_id}", "officer")["slug"]
    clock.set(DEFAULT_NOW + timedelta(days=1))
    _public(call, slug)
    _sign_off_refusals_and_withdrawal(call, release_id)
    call("public release withdrawn", "GET", f"/api/v1/public/releases/{slug}")
    _contacts(call)


def _difference(label, recorded, answer) -> str:
    lines = [json.dumps(x, indent=1, sort_keys=True).splitlines() for x in (recorded, answer)]
    diff = difflib.unified_diff(*lines, "recorded", "answered", lineterm="", n=2)
    return f"{answer['request']} ({label}) answers differently:\n" + "\n".join(diff)


def test_the_api_answers_exactly_as_recorded(client, clock, officer, approver, api_token):
    call = Recorder(
        client,
        {
            "officer": api_token(officer),
            "approver": api_token(approver),
            "bad": {"Authorization": "Bearer not-a-token"},
        },
    )
    limiter.reset()
    _drive_the_scenario(call, clock)

    if RECORD:
        RECORDING.write_text(json.dumps(call.answers, indent=1) + "\n")
    recorded = json.loads(RECORDING.read_text())
    for label, answer in call.answers.items():
        assert label in recorded, f"{label!r} is not recorded: record the answers again"
        assert answer == recorded[label], _difference(label, recorded[label], answer)
    assert sorted(call.answers) == sorted(recorded), "recorded answers no longer asked for"
