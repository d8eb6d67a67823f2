"""The staff statement pages (lines to take), as an officer and an approver use them."""

from __future__ import annotations

from datetime import UTC, datetime

from pressoffice.services import statements

from ..conftest import login
from ..statement_factories import make_approved_statement, make_statement


def _form(**overrides):
    data = {
        "title": "Hospital waiting times",
        "topics": "Waiting times, NHS",
        "lines": "Waiting lists are falling\nWe have opened two new clinics",
        "qa-0-question": "When will waits end?",
        "qa-0-answer": "We expect progress by spring.",
        "qa-1-question": "",
        "qa-1-answer": "",
        "statement": "We are cutting waiting times.",
        "spokesperson": "Alex Minister",
        "spokesperson_role": "Minister for Health",
        "background": "Not for quotation.",
        "review_by": "2016-12-31",
    }
    data.update(overrides)
    return data


def test_the_staff_menu_links_to_statements(signed_in, officer):
    soup = signed_in(officer).get("/statements")
    assert soup.find("a", string="Statements")["href"] == "/statements"


def test_an_officer_writes_a_statement_and_sees_it_as_a_draft(signed_in, officer):
    page = signed_in(officer)
    soup = page.post("/statements/new", data=_form())
    assert soup.h1.text == "Hospital waiting times"
    assert soup.find(id="statement-status").strong.text == "Draft"
    lines = [li.text for li in soup.find(id="statement-content").ol.find_all("li")]
    assert lines == ["Waiting lists are falling", "We have opened two new clinics"]
    assert "Submit for approval" in soup.find(id="statement-actions").text


def test_a_bad_form_shows_the_error_summary_and_keeps_what_was_typed(signed_in, officer):
    soup = signed_in(officer).post(
        "/statements/new",
        data=_form(title="", review_by="31 December", **{"qa-0-answer": ""}),
    )
    summary = soup.find(class_="error-summary")
    links = {a["href"]: a.text for a in summary.find_all("a")}
    assert links == {
        "#title": "Enter a title",
        "#qa-0-answer": "Enter the answer to this question",
        "#review_by": "Give the review-by date as year-month-day, such as 2027-01-31",
    }
    assert soup.find(id="topics")["value"] == "Waiting times, NHS"
    assert soup.find(id="review_by")["value"] == "31 December"
    assert soup.find(id="title").find_parent(class_="form-group--error")
    assert statements.list_statements() == []


def test_the_author_is_told_why_they_cannot_approve_and_an_approver_approves(
    client, page, admin, approver
):
    record = make_statement(admin)
    statements.submit_statement(record.id, actor=admin)
    login(client, admin)
    soup = page.post(f"/statements/{record.id}/approve", data={"version": "1"})
    assert "Approve version 1" not in soup.find(id="statement-actions").text
    assert soup.find(string=lambda s: s and "You wrote this statement; someone else" in s)

    client.post("/sign-out")
    login(client, approver)
    soup = page.get(f"/statements/{record.id}")
    assert soup.find(id="statement-actions").find("button", string="Approve version 1")
    soup = page.post(f"/statements/{record.id}/approve", data={"version": "1"})
    assert soup.find(id="statement-status").strong.text == "Approved"
    timeline = [p.text for p in soup.find(id="timeline").find_all(class_="timeline__title")]
    assert timeline[-1].startswith("Approved: in review to approved")


def test_an_edit_after_approval_says_the_approval_is_void(signed_in, officer, approver):
    record = make_approved_statement(officer, approver)
    page = signed_in(officer)
    soup = page.get(f"/statements/{record.id}/edit")
    assert "voids its approval" in soup.find(class_="notification").text
    soup = page.post(
        f"/statements/{record.id}/edit",
        data=_form(version="1", statement="We are cutting waiting times faster."),
    )
    assert soup.find(id="statement-status").strong.text == "Draft"
    assert "approval is void" in soup.find(class_="notification--warning").text


def test_a_stale_edit_is_refused_with_both_versions(signed_in, officer, approver):
    record = make_statement(officer)
    statements.update_statement(record.id, actor=approver, expected_version=1, title="Newer")
    soup = signed_in(officer).post(
        f"/statements/{record.id}/edit", data=_form(version="1"), _expected_status=409
    )
    conflict = soup.find(id="conflict").text
    assert "now version 2" in conflict and "version 1" in conflict
    assert "Newer" in conflict
    assert soup.find(id="version")["value"] == "2"
    assert soup.find(id="title")["value"] == "Hospital waiting times"


def test_a_statement_past_its_review_by_date_shows_needs_review(
    signed_in, clock, officer, approver
):
    record = make_approved_statement(officer, approver)
    clock.set(datetime(2017, 1, 1, 0, 0, tzinfo=UTC))
    page = signed_in(officer)
    soup = page.get(f"/statements/{record.id}")
    assert soup.find(id="statement-status").strong.text == "Needs review"
    soup = page.get("/statements")
    assert soup.find("td", attrs={"data-label": "Status"}).text.strip() == "Needs review"


def test_search_by_words_and_topic(signed_in, officer):
    make_statement(officer)
    make_statement(officer, title="School meals", topics=["Education"], lines=["Free meals"])
    page = signed_in(officer)
    soup = page.get("/statements?q=clinics")
    assert [a.text for a in soup.select("td.table__lead a")] == ["Hospital waiting times"]
    soup = page.get("/statements?topic=Education")
    assert [a.text for a in soup.select("td.table__lead a")] == ["School meals"]


def test_revisions_are_compared_side_by_side(signed_in, officer):
    record = make_statement(officer)
    statements.update_statement(record.id, actor=officer, expected_version=1, title="Newer")
    page = signed_in(officer)
    soup = page.get(f"/statements/{record.id}/compare?old=1&new=2")
    assert soup.find("caption", string="Title")
    assert "Hospital waiting times" in soup.find(class_="diff").text
    soup = page.get(f"/statements/{record.id}/compare?old=1&new=x", _expected_status=422)
    assert soup.find(class_="error-summary").a.text == "Choose a revision number"


def test_retiring_needs_a_reason_named_on_the_field(signed_in, officer):
    record = make_statement(officer)
    page = signed_in(officer)
    soup = page.post(
        f"/statements/{record.id}/retire", data={"version": "1", "reason": ""}, _expected_status=422
    )
    assert soup.find(class_="error-summary").a["href"] == "#retire-reason"
    soup = page.post(f"/statements/{record.id}/retire", data={"version": "1", "reason": "Old"})
    assert soup.find(id="statement-status").strong.text == "Retired"


def test_a_missing_statement_is_a_missing_page(signed_in, officer):
    signed_in(officer).get("/statements/999", _expected_status=404)


def test_the_staff_home_lists_statements_going_stale_this_week(signed_in, clock, officer, approver):
    make_approved_statement(officer, approver, title="Soon stale", review_by="2016-12-05")
    make_approved_statement(officer, approver, title="Good for weeks", review_by="2016-12-31")
    make_approved_statement(officer, approver, title="Already stale", review_by="2016-12-01")
    clock.set(datetime(2016, 12, 2, 10, 0, tzinfo=UTC))
    soup = signed_in(officer).get("/staff")
    items = [
        li.text.split(":")[0].strip() for li in soup.find(id="stale-statements").find_all("li")
    ]
    assert items == ["Already stale", "Soon stale"]
    text = soup.find(id="stale-statements").text
    assert "needs review since 1 December 2016" in text
    assert "review by 5 December 2016" in text


def test_submitting_a_draft_without_its_words_says_what_to_add(signed_in, officer):
    record = make_statement(officer, statement="", lines=[], review_by="")
    soup = signed_in(officer).post(f"/statements/{record.id}/submit", data={"version": "1"})
    assert soup.find(string=lambda s: s and "Add an on-the-record statement or some lines" in s)
    assert soup.find(id="statement-status").strong.text == "Draft"
