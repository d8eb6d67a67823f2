"""The media contacts pages, as an officer uses them."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Contact, ContactImport
from pressoffice.services import contact_lists, contacts
from tests.factories import make_enquiry

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set(NOW)


def count_contacts():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contact))


def form(**overrides):
    values = {
        "name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "jo@example.com",
        "phone": "020 7946 0000",
        "beats": "Health; Education",
        "consent_basis": "legitimate_interests",
        "consent_at": "2026-03-31",
        "do_not_contact_reason": "",
    }
    values.update(overrides)
    return values


def test_adding_a_contact_shows_their_page(signed_in, officer):
    page = signed_in(officer)
    soup = page.post("/contacts/new", form())
    assert soup.h1.get_text(" ", strip=True).startswith("Jo Reporter")
    assert "020 7946 0000" in soup.get_text()
    assert "Legitimate interests, since 31 March 2026" in soup.get_text(" ", strip=True)


def test_errors_are_shown_next_to_their_fields_and_in_the_summary_and_nothing_is_stored(
    signed_in, officer
):
    page = signed_in(officer)
    soup = page.post(
        "/contacts/new",
        form(name="", phone="123", consent_at="2030-01-01", do_not_contact="y"),
        _expected_status=400,
    )
    summary = soup.find(class_="error-summary")
    links = {a["href"] for a in summary.find_all("a")}
    assert {"#name", "#phone", "#consent_at", "#do_not_contact_reason"} <= links
    assert "real phone number" in soup.find(id="phone-error").get_text()
    assert "future" in soup.find(id="consent_at-error").get_text()
    assert soup.find(id="outlet")["value"] == "The Daily Example"  # nothing typed is lost
    assert count_contacts() == 0


def test_the_contacts_list_searches_and_pages(signed_in, officer):
    for i in range(55):
        contacts.create_contact(
            {"name": f"Person {i:02}", "email": f"p{i}@example.com"}, actor=officer, now=NOW
        )
    contacts.create_contact(
        {"name": "Jo Reporter", "outlet": "Health Weekly", "email": "jo@example.com"},
        actor=officer,
        now=NOW,
    )
    page = signed_in(officer)
    soup = page.get("/contacts?q=health")
    assert [a.get_text() for a in soup.select("table a")] == ["Jo Reporter"]
    soup = page.get("/contacts?page=2")
    assert "Page 2 of 2" in soup.get_text()
    assert soup.find("a", rel="prev")
    assert page.get("/contacts?page=nonsense").find("table")


def test_an_enquiry_adds_its_journalist_in_one_click_with_the_details_filled_in(signed_in, officer):
    enquiry = make_enquiry(phone="020 7946 0000")
    page = signed_in(officer)
    soup = page.get(f"/enquiries/{enquiry.reference}")
    link = soup.find(id="media-contact").find("a")
    assert link.get_text() == "Add to media contacts"
    soup = page.get(link["href"])
    assert soup.find(id="name")["value"] == "Jo Reporter"
    assert soup.find(id="email")["value"] == "jo@example.com"
    assert soup.find(id="phone")["value"] == "020 7946 0000"
    assert count_contacts() == 0  # the page only fills the form in
    page.post("/contacts/new", form())
    soup = page.get(f"/enquiries/{enquiry.reference}")
    assert "A media contact: Jo Reporter" in soup.find(id="media-contact").get_text()


def test_the_journalists_page_shows_the_media_contact_and_their_lists_both_ways(signed_in, officer):
    make_enquiry()
    jo = contacts.create_contact(
        {"name": "Jo Reporter", "email": "jo@example.com", "beats": ["Health"]},
        actor=officer,
        now=NOW,
    )
    health = contact_lists.create_list("Health correspondents", actor=officer, now=NOW)
    contact_lists.add_members(health.id, [jo.id], actor=officer, now=NOW)
    page = signed_in(officer)
    soup = page.get(f"/contacts/{jo.id}")
    journalist_url = soup.find(id="journalist-link")["href"]
    soup = page.get(journalist_url)
    section = soup.find(id="media-contact")
    assert section.find("a", href=f"/contacts/{jo.id}")
    assert "Health correspondents" in section.get_text()


def test_an_anonymised_contact_no_longer_shows_on_the_journalists_page(signed_in, officer):
    jo = contacts.create_contact(
        {"name": "Jo Reporter", "email": "jo@example.com"}, actor=officer, now=NOW
    )
    db.session.execute(
        sa.update(Contact)
        .where(Contact.id == jo.id)
        .values(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    )
    db.session.commit()
    contacts.anonymise_unused(now=NOW)
    page = signed_in(officer)
    page.get("/journalists/jo@example.com", _expected_status=404)
    soup = page.get(f"/contacts/{jo.id}")
    assert "were removed" in soup.get_text()


def test_lists_are_made_and_contacts_added_from_their_page(signed_in, officer):
    jo = contacts.create_contact(
        {"name": "Jo Reporter", "email": "jo@example.com"}, actor=officer, now=NOW
    )
    page = signed_in(officer)
    soup = page.post("/contacts/lists", {"name": ""}, _expected_status=400)
    assert "Enter a name" in soup.find(class_="error-summary").get_text()
    soup = page.post("/contacts/lists", {"name": "Health"})
    assert soup.h1.get_text() == "Health"
    [health] = contact_lists.all_lists()
    soup = page.post(f"/contacts/{jo.id}/lists", {"list_id": str(health.list.id)})
    assert "Added to the list Health" in soup.get_text()
    soup = page.get(f"/contacts/lists/{health.list.id}")
    assert "Jo Reporter" in soup.find("table").get_text()
    page.post(f"/contacts/lists/{health.list.id}/remove", {"contact_id": str(jo.id)})
    assert contact_lists.member_ids(health.list.id) == []


CSV = (
    "name,email,phone,consent_at\n"
    "New Person,new@example.com,020 7946 0000,2026-01-31\n"
    "Bad Row,bad,123,2030-01-01\n"
)


def upload(page, text=CSV, status=200):
    return page.post(
        "/contacts/import",
        {"file": (io.BytesIO(text.encode()), "contacts.csv")},
        content_type="multipart/form-data",
        _expected_status=status,
    )


def test_the_dry_run_shows_every_error_by_row_and_column_and_writes_nothing(signed_in, officer):
    page = signed_in(officer)
    soup = upload(page)
    errors = soup.find(id="row-errors").get_text(" ", strip=True)
    assert (
        "Row 3, email:" in errors and "Row 3, phone:" in errors and "Row 3, consent_at:" in errors
    )
    assert "New contact" in soup.find(id="row-2").get_text()
    counts = soup.find(id="import-counts").get_text(" ", strip=True)
    assert "New contacts 1 Updates of existing contacts 0 No change 0" in counts
    assert "Error" in soup.find(id="row-3").get_text()
    assert count_contacts() == 0


def test_confirming_imports_the_good_rows_once(signed_in, officer):
    page = signed_in(officer)
    soup = upload(page)
    confirm = soup.find("form", action=lambda a: a and a.startswith("/contacts/import/"))
    fingerprint = confirm.find("input", {"name": "fingerprint"})["value"]
    soup = page.post(confirm["action"], {"fingerprint": fingerprint, "list_id": ""})
    assert "Imported: 1 new, 0 updated, 0 unchanged, 1 skipped" in soup.get_text()
    assert count_contacts() == 1
    soup = page.get(confirm["action"])
    assert "already been imported" in soup.get_text()
    assert db.session.scalars(sa.select(ContactImport.csv_text)).one() == ""


def test_an_altered_confirmation_is_refused_and_writes_nothing(signed_in, officer):
    page = signed_in(officer)
    soup = upload(page)
    confirm = soup.find("form", action=lambda a: a and a.startswith("/contacts/import/"))
    soup = page.post(confirm["action"], {"fingerprint": "altered"}, _expected_status=409)
    assert "changed since you checked" in soup.get_text()
    assert count_contacts() == 0


def test_another_officer_cannot_open_an_import(signed_in, officer, approver, client):
    page = signed_in(officer)
    soup = upload(page)
    confirm = soup.find("form", action=lambda a: a and a.startswith("/contacts/import/"))
    client.post("/sign-out")
    page = signed_in(approver)
    page.get(confirm["action"], _expected_status=404)


def test_a_file_that_is_not_csv_is_refused_by_the_file_field(signed_in, officer):
    page = signed_in(officer)
    soup = page.post(
        "/contacts/import",
        {"file": (io.BytesIO(b"\xff\xfe\x00junk"), "contacts.csv")},
        content_type="multipart/form-data",
        _expected_status=400,
    )
    assert soup.find(class_="error-summary").find("a", href="#file")
    assert soup.find(id="file-error")


def test_a_file_with_too_many_columns_is_refused_at_upload_saying_the_limit(signed_in, officer):
    from pressoffice.services.contact_import import MAX_COLUMNS

    page = signed_in(officer)
    header = ",".join(["name", "email"] + [f"c{n}" for n in range(150_000)])

    soup = upload(page, header + "\nJo,jo@example.com\n", status=400)

    assert f"The file must have at most {MAX_COLUMNS} columns" in soup.find(id="file-error").text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactImport)) == 0
