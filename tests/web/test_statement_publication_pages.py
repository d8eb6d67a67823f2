"""The statement page's newsroom actions and links, and the issue's whole journey through the
staff pages: drafted by one officer, approved by another, given to a journalist, and shown on
the enquiry, the statement and the journalist's page; an edit voids the approval; past its
review-by date it cannot be chosen."""

from __future__ import annotations

from datetime import UTC, datetime

from pressoffice.services import statements

from ..conftest import login
from ..factories import create_release, make_enquiry, make_user
from ..statement_factories import make_approved_statement


def _form(**overrides):
    data = {
        "version": "",
        "title": "Hospital waiting times",
        "topics": "Waiting times, NHS",
        "lines": "Waiting lists are falling",
        "qa-0-question": "When will waits end?",
        "qa-0-answer": "We expect progress by spring.",
        "statement": "We are cutting waiting times.",
        "spokesperson": "Alex Minister",
        "spokesperson_role": "Minister for Health",
        "background": "Internal figures: not for quotation.",
        "review_by": "2016-12-31",
    }
    data.update(overrides)
    return data


def test_the_issues_journey_from_draft_to_who_was_told_what(client, page, clock, approver):
    officer = make_user(role="officer", email="owen@example.org", name="Owen Officer")
    colleague = make_user(role="officer", email="cara@example.org", name="Cara Colleague")
    release = create_release(author=officer, title="Clinic openings")

    # Drafted by one officer, linked to the release it serves.
    login(client, officer)
    soup = page.post("/statements/new", data={**_form(), "release_ids": [str(release.id)]})
    record_id = int(soup.find(class_="caption").text.split()[1])
    assert "Clinic openings" in soup.find(id="linked-releases").text
    page.post(f"/statements/{record_id}/submit", data={"version": "1"})

    # The author cannot approve; another officer has no right to; an approver does.
    soup = page.get(f"/statements/{record_id}")
    assert soup.find("button", string="Approve version 1") is None
    client.post("/sign-out")
    login(client, colleague)
    soup = page.post(f"/statements/{record_id}/approve", data={"version": "1"})
    assert soup.find(id="statement-status").strong.text == "In review"
    client.post("/sign-out")
    login(client, approver)
    soup = page.post(f"/statements/{record_id}/approve", data={"version": "1"})
    assert soup.find(id="statement-status").strong.text == "Approved"

    # Another officer answers an enquiry about the release from it.
    client.post("/sign-out")
    login(client, colleague)
    enquiry = make_enquiry(
        subject="A question", email="jo@example.com", logged_by=colleague, release_id=release.id
    )
    soup = page.get(f"/enquiries/{enquiry.reference}")
    first = soup.find(id="statement-choices").li
    assert "Hospital waiting times" in first.text and "Matches this enquiry" in first.text
    soup = page.post(
        f"/enquiries/{enquiry.reference}/respond",
        data={"statement_id": str(record_id), "response": "We are cutting waiting times."},
    )
    assert "version 1" in soup.find(id="answered-from").text

    # The statement page and the journalist's page show who was told what.
    soup = page.get(f"/statements/{record_id}")
    cells = [td.text.strip() for td in soup.find(id="answered-enquiries").tbody.tr("td")]
    assert cells[0] == enquiry.reference and cells[-1] == "1"
    assert "1 enquiry" in soup.find(id="linked-enquiries").text
    soup = page.get("/journalists/jo@example.com")
    given = [td.text.strip() for td in soup.find(id="statements-given").tbody.tr("td")]
    assert given[:3] == ["Hospital waiting times", "1", enquiry.reference]

    # An edit voids the approval: it cannot be given until approved again.
    soup = page.post(
        f"/statements/{record_id}/edit",
        data={**_form(version="1", statement="New words."), "release_ids": [str(release.id)]},
    )
    assert soup.find(id="statement-status").strong.text == "Draft"
    second = make_enquiry(subject="Waiting times", logged_by=colleague)
    soup = page.post(
        f"/enquiries/{second.reference}/respond",
        data={"statement_id": str(record_id), "response": "New words."},
        _expected_status=422,
    )
    assert "Only an approved statement can be used" in soup.find(id="statement_id-error").text

    # Approved again, it can be used until its review-by date has passed, and not after.
    page.post(f"/statements/{record_id}/submit", data={"version": "2"})
    client.post("/sign-out")
    login(client, approver)
    page.post(f"/statements/{record_id}/approve", data={"version": "2"})
    assert statements.statement_status(statements.get_statement(record_id)) == "approved"
    clock.set(datetime(2017, 1, 1, 0, 0, tzinfo=UTC))
    login(client, approver)  # the sign-in has idled out meanwhile
    soup = page.post(
        f"/enquiries/{second.reference}/respond",
        data={"statement_id": str(record_id), "response": "New words."},
        _expected_status=422,
    )
    assert "past its review-by date" in soup.find(id="statement_id-error").text
    assert [a.reference for a in statements.answered_from(record_id)] == [enquiry.reference]


def test_publishing_from_the_statement_page_and_withdrawing_with_a_reason(
    signed_in, client, officer, approver
):
    record = make_approved_statement(officer, approver)
    page = signed_in(officer)
    soup = page.get(f"/statements/{record.id}")
    assert " ".join(soup.find(id="publication").text.split()) == "Newsroom Not published"
    soup = page.post(f"/statements/{record.id}/publish", data={"version": "1"})
    assert "Published in the newsroom" in soup.text
    listed = page.get("/statements").find("a", string="Hospital waiting times").find_parent("tr")
    assert "In the newsroom" in listed.text
    public_link = soup.find(id="publication").a["href"]
    assert public_link == "/news/statements/hospital-waiting-times"
    assert soup.find("button", string="Withdraw from the newsroom") is None  # officer

    soup = page.post(
        f"/statements/{record.id}/edit", data=_form(version="1", statement="Changed words.")
    )
    assert "Version 2 reaches it once approved" in soup.find(id="publication").text
    assert "We are cutting waiting times" in client.get(public_link).get_data(as_text=True)

    client.post("/sign-out")
    login(client, approver)
    soup = page.post(
        f"/statements/{record.id}/withdraw",
        data={"version": "2", "reason": ""},
        _expected_status=422,
    )
    assert soup.find(class_="error-summary").a["href"] == "#withdraw-reason"
    soup = page.post(
        f"/statements/{record.id}/withdraw", data={"version": "2", "reason": "Out of date"}
    )
    assert "Withdrawn from the newsroom" in soup.find(id="publication").text
    assert "Out of date" in client.get(public_link).get_data(as_text=True)


def test_an_officer_cannot_withdraw_and_is_told_why(signed_in, officer, approver):
    record = make_approved_statement(officer, approver)
    statements.publish_statement(record.id, actor=officer)
    page = signed_in(officer)
    soup = page.post(f"/statements/{record.id}/withdraw", data={"version": "1", "reason": "Gone"})
    assert "Only an approver or an admin can withdraw a statement" in soup.text
    assert statements.get_statement(record.id).publication == "published"


def test_the_editor_links_any_number_of_releases_and_refuses_one_that_is_not_there(
    signed_in, officer
):
    first = create_release(author=officer, title="First release")
    second = create_release(author=officer, title="Second release")
    page = signed_in(officer)
    soup = page.post(
        "/statements/new", data={**_form(), "release_ids": [str(second.id), str(first.id)]}
    )
    linked = [a.text for a in soup.find(id="linked-releases").find_all("a")]
    assert linked == ["Second release", "First release"]

    soup = page.post("/statements/new", data={**_form(), "release_ids": ["987654"]})
    assert soup.find(class_="error-summary").a["href"] == "#release_ids"
    assert "There is no release number 987654" in soup.find(id="release_ids-error").text
    record_id = statements.list_statements()[0].id
    soup = page.get(f"/statements/{record_id}/edit")
    boxes = {b["value"]: b.has_attr("checked") for b in soup.select("input[name=release_ids]")}
    assert boxes == {str(first.id): True, str(second.id): True}
