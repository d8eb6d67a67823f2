"""The small words a user reads: a speaker is "Tom Achebe, Chief Constable of Northshire"
everywhere (name first, role after a comma); the public form asks the visitor for "your name";
and the outbox says a message is not sent when no mail server is set, not "Queued" for ever."""

from __future__ import annotations

from pressoffice.services import outbox
from pressoffice.services.unit_of_work import unit_of_work

from ..factories import create_release
from ..statement_factories import make_statement
from .test_enquiry_contact_page import form_data

SPEAKER = {"speaker": "Tom Achebe", "role": "Chief Constable of Northshire", "text": "Thank you."}


def test_a_quote_is_named_speaker_first_with_the_role_after_a_comma_on_every_staff_page(
    signed_in, officer
):
    release = create_release(state="draft", author=officer, quotes=[SPEAKER])
    page = signed_in(officer)

    preview = page.get(f"/releases/{release.id}").get_text(" ", strip=True)
    assert "Tom Achebe, Chief Constable of Northshire, said:" in preview
    signoffs = page.get(f"/releases/{release.id}/quotes").select_one("#quotes h2")
    assert signoffs.get_text(" ", strip=True).startswith(
        "Quote 1: Tom Achebe, Chief Constable of Northshire"
    )
    assert "Chief Constable of Northshire Tom Achebe" not in page.get(
        f"/releases/{release.id}/quotes"
    ).get_text(" ", strip=True)


def test_a_statement_names_its_spokesperson_name_first(signed_in, officer):
    statement = make_statement(officer)
    page = signed_in(officer).get(f"/statements/{statement.id}")
    assert page.select_one("#on-the-record-speaker").get_text(strip=True) == (
        "Alex Minister, Minister for Health"
    )


def test_the_public_form_asks_the_visitor_for_their_name_in_their_own_words(page, clock):
    form = page.get("/contact/enquiry")
    clock.advance(seconds=30)

    refused = page.post(
        "/contact/enquiry", form_data(form, journalist_name="  "), _expected_status=400
    )

    summary = refused.select_one(".error-summary a[href='#journalist_name']")
    assert summary.get_text(strip=True) == "Enter your name"
    assert "journalist" not in refused.select_one(".error-summary").get_text()


@unit_of_work
def _email(user):
    return outbox.queue_email(
        kind="test",
        to_name=user.name,
        to_address=user.email,
        subject="Your draft",
        text="Words",
        user_id=user.id,
    )


def test_with_no_mail_server_the_outbox_says_not_sent_rather_than_queued(app, signed_in, officer):
    message = _email(officer)
    page = signed_in(officer)

    listed = page.get("/outbox").select_one("td[data-label=Status]").get_text(strip=True)
    shown = page.get(f"/outbox/{message.id}").find("dt", string="Status").find_next("dd")
    assert listed == "Not sent: no mail server is set"
    assert shown.get_text(strip=True) == "Not sent: no mail server is set"

    app.config["SMTP_HOST"] = "127.0.0.1"
    try:
        listed = page.get("/outbox").select_one("td[data-label=Status]").get_text(strip=True)
    finally:
        app.config["SMTP_HOST"] = None
    assert listed == "Queued"
