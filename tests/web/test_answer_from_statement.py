"""Answering an enquiry from a statement on the enquiry page, and the record of who was told
what on the statement page."""

from __future__ import annotations

from datetime import UTC, datetime

from pressoffice.services import enquiries, previews, statements

from ..factories import create_release, make_enquiry
from ..statement_factories import make_approved_statement, make_statement


def test_an_approved_statement_answers_an_enquiry_and_both_pages_show_it(
    signed_in, officer, approver
):
    record = make_approved_statement(officer, approver)
    other = make_statement(officer, title="School meals", topics=["Education"])
    enquiry = make_enquiry(subject="Waiting times in the north", outlet="The Northern Echo")
    page = signed_in(officer)

    soup = page.get(f"/enquiries/{enquiry.reference}")
    choices = soup.find(id="statement-choices").find_all("li")
    assert choices[0].a.text == "Use “Hospital waiting times”"
    assert "Matches this enquiry" in choices[0].text
    assert other.title not in soup.find(id="statement-choices").text  # a draft, not matching

    soup = page.get(f"/enquiries/{enquiry.reference}?statement={record.id}")
    box = soup.find("textarea", attrs={"name": "response"})
    assert box.text.strip().startswith("We are cutting waiting times")
    assert soup.find("input", attrs={"name": "statement_id"})["value"] == str(record.id)

    soup = page.post(
        f"/enquiries/{enquiry.reference}/respond",
        data={"statement_id": str(record.id), "response": "We are cutting waiting times fast."},
    )
    assert soup.find_all(class_="enquiry-text")[-1].text == "We are cutting waiting times fast."
    assert "version 1" in soup.find(id="answered-from").text

    soup = page.get(f"/statements/{record.id}")
    row = soup.find(id="answered-enquiries").tbody.tr
    cells = [td.text.strip() for td in row.find_all("td")]
    assert cells[0] == enquiry.reference
    assert cells[1:3] == ["Jo Reporter", "The Northern Echo"]
    assert cells[4] == "1"


def test_a_statement_past_its_review_by_date_cannot_be_chosen(signed_in, clock, officer, approver):
    record = make_approved_statement(officer, approver)
    enquiry = make_enquiry(subject="Waiting times")
    clock.set(datetime(2017, 1, 1, 0, 0, tzinfo=UTC))
    page = signed_in(officer)
    soup = page.get(f"/enquiries/{enquiry.reference}")
    choice = soup.find(id="statement-choices").li
    assert choice.a is None
    assert "Needs review" in choice.text

    soup = page.post(
        f"/enquiries/{enquiry.reference}/respond",
        data={"statement_id": str(record.id), "response": "Anything"},
        _expected_status=422,
    )
    summary = soup.find(class_="error-summary")
    assert summary.a["href"] == "#statement_id"
    assert "needs review" in summary.a.text
    assert soup.find(id="answered-from") is None
    assert statements.answered_from(record.id) == []


def test_an_edited_statement_cannot_be_chosen_until_approved_again(signed_in, officer, approver):
    record = make_approved_statement(officer, approver)
    statements.update_statement(record.id, actor=officer, expected_version=1, statement="New words")
    enquiry = make_enquiry(subject="Waiting times")
    page = signed_in(officer)
    soup = page.get(f"/enquiries/{enquiry.reference}?statement={record.id}")
    assert "Only an approved statement can be used" in soup.find(id="statement_id-error").text
    assert soup.find("input", attrs={"name": "statement_id"}) is None


def test_the_journalists_page_shows_the_statements_they_were_given(signed_in, officer, approver):
    record = make_approved_statement(officer, approver)
    enquiry = make_enquiry(subject="Waiting times", email="Jo@Example.com")
    statements_given = make_enquiry(subject="Other", email="someone@example.com")
    release = create_release(state="scheduled", author=officer, approver=approver)
    previews.add_recipient(
        release.id,
        actor=officer,
        name="Jo Reporter",
        outlet="The Daily Example",
        email="jo@example.com",
    )
    enquiries.respond(
        enquiry.reference, "", actor=officer, now=enquiry.received_at, statement_id=record.id
    )
    page = signed_in(officer)
    soup = page.get(f"/enquiries/{enquiry.reference}")
    journalist_url = soup.find(id="journalist-link")["href"]
    soup = page.get(journalist_url)
    assert soup.h1.text == "Jo Reporter"
    given = soup.find(id="statements-given").tbody.tr.find_all("td")
    assert [td.text.strip() for td in given[:3]] == [
        "Hospital waiting times",
        "1",
        enquiry.reference,
    ]
    listed = [a.text for a in soup.find(id="their-enquiries").select("tbody a")]
    assert listed == [enquiry.reference]
    assert statements_given.reference not in soup.text
    copies = soup.find(id="embargoed-copies").tbody.find_all("tr")
    assert [tr.a.text for tr in copies] == [release.title]

    soup = page.get(f"/statements/{record.id}")
    link = soup.find(id="answered-enquiries").find("a", string="Jo Reporter")
    assert link["href"] == journalist_url


def test_a_journalist_the_office_knows_nothing_of_is_a_missing_page(signed_in, officer):
    signed_in(officer).get("/journalists/nobody@example.com", _expected_status=404)
