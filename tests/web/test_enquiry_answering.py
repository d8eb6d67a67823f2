"""Answering an enquiry: reply and close in one step from a full-width box, link it to a release
at any time after it was logged, and the journalist's confirmation names the deadline they gave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressoffice.extensions import db
from pressoffice.models import Enquiry
from pressoffice.services import enquiries
from pressoffice.services.errors import ValidationFailed

from ..factories import create_release, make_enquiry

NOW = datetime(2016, 11, 29, 10, 0, tzinfo=UTC)


def _actions(reference: str) -> list[str]:
    return [event.action for event in enquiries.timeline(enquiries.get_enquiry(reference))]


def test_reply_and_close_answers_and_closes_in_one_step_and_the_timeline_keeps_both(
    signed_in, officer, clock
):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    browser = signed_in(officer)

    page = browser.get(f"/enquiries/{enquiry.reference}")
    reply = page.select_one("section#reply form")
    assert reply.select_one("textarea#response") is not None
    assert reply.find_parent(class_="column-one-third") is None  # the full width of the page
    buttons = [b.get_text(strip=True) for b in reply.select("button")]
    assert buttons == ["Reply and close", "Save response"]

    done = browser.post(
        f"/enquiries/{enquiry.reference}/reply-and-close",
        data={
            "response": "No comment at this stage.",
        },
    )

    assert "Response recorded and enquiry closed." in done.get_text()
    saved = enquiries.get_enquiry(enquiry.reference)
    assert (saved.status, saved.response, saved.answered_at, saved.closed_at) == (
        "closed",
        "No comment at this stage.",
        NOW,
        NOW,
    )
    assert _actions(enquiry.reference)[-2:] == ["answered", "closed"]


def test_save_response_alone_leaves_the_enquiry_open(signed_in, officer, clock):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    browser = signed_in(officer)
    page = browser.get(f"/enquiries/{enquiry.reference}")
    save = page.find("button", string="Save response")
    assert save["formaction"] == f"/enquiries/{enquiry.reference}/respond"

    browser.post(save["formaction"], data={"response": "Sent the figures."})

    assert enquiries.get_enquiry(enquiry.reference).status == "answered"


def test_reply_and_close_refused_changes_nothing(signed_in, officer, clock):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    before = _actions(enquiry.reference)

    page = signed_in(officer).post(
        f"/enquiries/{enquiry.reference}/reply-and-close",
        data={"response": "   "},
        _expected_status=422,
    )

    assert page.select_one("#response-error") is not None
    saved = enquiries.get_enquiry(enquiry.reference)
    assert (saved.status, saved.response, saved.closed_at) == ("new", None, None)
    assert _actions(enquiry.reference) == before


def test_when_the_close_is_refused_the_answer_is_not_kept_either(app_ctx, officer, clock):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))

    with pytest.raises(ValidationFailed) as refused:
        enquiries.respond_and_close(
            enquiry.reference, "The answer.", actor=officer, now=NOW, comment="x" * 5001
        )

    assert "comment" in refused.value.fields
    db.session.rollback()
    saved = db.session.get(Enquiry, enquiry.id)
    assert (saved.status, saved.response) == ("new", None)


def test_an_enquiry_is_linked_to_a_release_after_it_was_logged_and_unlinked(
    signed_in, officer, clock
):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    # Staff may link any release, an embargoed one too.
    release = create_release(state="scheduled", title="Knife crime figures", now=NOW)
    browser = signed_in(officer)
    page = browser.get(f"/enquiries/{enquiry.reference}")
    options = [o.get_text() for o in page.select("#release_id option")]
    assert "Knife crime figures" in options

    linked = browser.post(
        f"/enquiries/{enquiry.reference}/release", data={"release_id": release.id}
    )

    assert "Release link saved." in linked.get_text()
    assert enquiries.get_enquiry(enquiry.reference).release_id == release.id
    assert linked.select_one("#release_id option[selected]")["value"] == str(release.id)
    events = enquiries.timeline(enquiries.get_enquiry(enquiry.reference))
    assert (events[-1].action, events[-1].comment) == (
        "linked",
        "About the release: Knife crime figures",
    )
    # The release page lists the enquiries about it.
    assert [e.reference for e in enquiries.enquiries_about_release(release.id)] == [
        enquiry.reference
    ]

    browser.post(f"/enquiries/{enquiry.reference}/release", data={"release_id": ""})
    assert enquiries.get_enquiry(enquiry.reference).release_id is None
    assert _actions(enquiry.reference)[-1] == "linked"


def test_the_release_list_writes_a_title_as_text_and_marks_the_linked_release(
    signed_in, officer, clock
):
    # The release lists are written by a lean option writer: a title is still text, never HTML.
    title = 'Figures "A&B" <script>alert(1)</script>'
    release = create_release(title=title, now=NOW)
    other = create_release(title="Another release", now=NOW + timedelta(minutes=1))
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    browser = signed_in(officer)
    browser.post(f"/enquiries/{enquiry.reference}/release", data={"release_id": release.id})

    page = browser.get(f"/enquiries/{enquiry.reference}")
    form = browser.get("/enquiries/new")

    options = page.select("#release_id option")
    assert [(o["value"], o.get_text()) for o in options[1:3]] == [
        (str(other.id), "Another release"),
        (str(release.id), title),
    ]
    assert [o["value"] for o in options if o.has_attr("selected")] == [str(release.id)]
    assert not page.select("#release_id script") and not form.select("#release_id script")
    assert title in [o.get_text() for o in form.select("#release_id option")]


@pytest.mark.parametrize("value", ["999999", "abc", "-1", "9" * 40])
def test_an_unknown_release_is_refused_next_to_the_field(signed_in, officer, clock, value):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    before = _actions(enquiry.reference)

    page = signed_in(officer).post(
        f"/enquiries/{enquiry.reference}/release", data={"release_id": value}, _expected_status=422
    )

    assert "Choose a release from the list" in page.select_one("#release_id-error").get_text()
    assert _actions(enquiry.reference) == before


def test_a_closed_enquiry_can_still_be_linked(app_ctx, officer, clock):
    enquiry = make_enquiry(received_at=NOW - timedelta(hours=1))
    enquiries.close(enquiry.reference, actor=officer, now=NOW)
    release = create_release(state="published", now=NOW)

    enquiries.link_release(enquiry.reference, release.id, actor=officer, now=NOW)

    assert enquiries.get_enquiry(enquiry.reference).release_id == release.id


@pytest.mark.parametrize(
    ("day", "at", "shown"),
    [
        ("2016-11-29", "16:00", "16:00 GMT on Tuesday 29 November 2016"),
        # In summer the deadline is given and shown in BST.
        ("2017-06-01", "09:30", "09:30 BST on Thursday 1 June 2017"),
    ],
)
def test_the_journalists_confirmation_names_the_deadline_they_gave_in_uk_time(
    client, page, clock, day, at, shown
):
    form = page.get("/contact/enquiry")
    clock.set(NOW + timedelta(minutes=5))
    data = {
        "started": form.select_one("input[name=started]")["value"],
        "journalist_name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "jo@example.com",
        "subject": "Flood defences",
        "details": "How much was spent?",
        "deadline_day": day,
        "deadline_time": at,
    }

    sent = page.post("/contact/enquiry", data=data)

    assert sent.select_one("#your-deadline").get_text(" ", strip=True) == (
        f"You asked for an answer by {shown} (UK time)."
    )


def test_without_a_deadline_the_confirmation_says_nothing_of_one(client, page, clock):
    form = page.get("/contact/enquiry")
    clock.set(NOW + timedelta(minutes=5))
    sent = page.post(
        "/contact/enquiry",
        data={
            "started": form.select_one("input[name=started]")["value"],
            "journalist_name": "Jo Reporter",
            "email": "jo@example.com",
            "subject": "Flood defences",
            "details": "How much was spent?",
        },
    )
    assert "Enquiry sent" in sent.get_text()
    assert sent.select_one("#your-deadline") is None
