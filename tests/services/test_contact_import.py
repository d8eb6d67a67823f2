"""CSV import of media contacts: the dry run writes nothing; the import re-checks the stored
file and writes exactly what the dry run showed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from pressoffice.extensions import db
from pressoffice.models import Contact, ContactImport
from pressoffice.services import contact_import, contact_lists, contacts
from pressoffice.services.errors import NotFound, ValidationFailed, WrongState

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)

CSV = (
    "Email,NAME,Outlet,phone,Beats,consent_basis,Consent At,do_not_contact,do_not_contact_reason\n"
    "new@example.com,New Person,Health Weekly,020 7946 0000,Health;NHS,consent,2026-01-31,no,\n"
    "jo@example.com,Jo Reporter,The Evening Example,,,,,,\n"
    "NEW@example.com,New Again,,,,,,,\n"
    "bad,Bad Row,,123,,because,2027-01-01,maybe,\n"
    "\n"
    "same@example.com,Same Person,Same Outlet,,,,,,\n"
)


def count_contacts():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Contact))


@pytest.fixture
def existing(officer):
    jo = contacts.create_contact(
        {"name": "Jo Reporter", "outlet": "The Daily Example", "email": "jo@example.com"},
        actor=officer,
        now=NOW,
    )
    same = contacts.create_contact(
        {"name": "Same Person", "outlet": "Same Outlet", "email": "same@example.com"},
        actor=officer,
        now=NOW,
    )
    return jo, same


def test_the_dry_run_shows_each_rows_fate_and_every_error_by_row_and_column(officer, existing):
    jo, same = existing
    pending = contact_import.stage_import(CSV.encode(), "contacts.csv", actor=officer, now=NOW)
    plan = contact_import.plan_import(pending.csv_text, now=NOW)
    assert plan.file_errors == []
    fates = [(r.number, r.fate) for r in plan.rows]
    assert fates == [(2, "new"), (3, "update"), (4, "duplicate"), (5, "error"), (7, "unchanged")]
    assert plan.rows[1].contact_id == jo.id and plan.rows[1].changes == ["Outlet"]
    assert "row 2" in plan.rows[2].note
    assert set(plan.rows[3].errors) == {
        "email",
        "phone",
        "consent_basis",
        "consent_at",
        "do_not_contact",
    }
    assert count_contacts() == 2  # nothing written
    assert db.session.get(Contact, jo.id).outlet == "The Daily Example"


def test_confirming_writes_what_the_dry_run_showed_and_adds_them_to_a_list(officer, existing):
    jo, same = existing
    health = contact_lists.create_list("Health", actor=officer, now=NOW)
    pending = contact_import.stage_import(CSV.encode(), "contacts.csv", actor=officer, now=NOW)
    plan = contact_import.plan_import(pending.csv_text, now=NOW)
    done = contact_import.confirm_import(
        pending.key, fingerprint=plan.fingerprint, list_id=health.id, actor=officer, now=NOW
    )
    assert (done.created, done.updated, done.unchanged, done.skipped) == (1, 1, 1, 2)
    assert done.listed == 3
    new = contacts.contact_by_email("new@example.com")
    assert (new.name, new.phone, new.beats, new.consent_basis) == (
        "New Person",
        "+442079460000",
        ["Health", "NHS"],
        "consent",
    )
    assert db.session.get(Contact, jo.id).outlet == "The Evening Example"
    assert sorted(contact_lists.member_ids(health.id)) == sorted([new.id, jo.id, same.id])
    with pytest.raises(WrongState):
        contact_import.confirm_import(
            pending.key, fingerprint=plan.fingerprint, actor=officer, now=NOW
        )


def test_a_change_between_the_dry_run_and_the_import_writes_nothing(officer, existing):
    jo, _ = existing
    pending = contact_import.stage_import(CSV.encode(), "contacts.csv", actor=officer, now=NOW)
    seen = contact_import.plan_import(pending.csv_text, now=NOW).fingerprint
    contacts.create_contact({"name": "Someone", "email": "new@example.com"}, actor=officer, now=NOW)
    with pytest.raises(WrongState):
        contact_import.confirm_import(pending.key, fingerprint=seen, actor=officer, now=NOW)
    assert count_contacts() == 3
    assert db.session.get(Contact, jo.id).outlet == "The Daily Example"


def test_a_tampered_fingerprint_imports_nothing(officer, existing):
    pending = contact_import.stage_import(CSV.encode(), "contacts.csv", actor=officer, now=NOW)
    with pytest.raises(WrongState):
        contact_import.confirm_import(pending.key, fingerprint="x" * 64, actor=officer, now=NOW)
    assert count_contacts() == 2


def test_only_the_officer_who_uploaded_may_confirm(officer, approver):
    pending = contact_import.stage_import(CSV.encode(), "c.csv", actor=officer, now=NOW)
    plan = contact_import.plan_import(pending.csv_text, now=NOW)
    with pytest.raises(NotFound):
        contact_import.confirm_import(
            pending.key, fingerprint=plan.fingerprint, actor=approver, now=NOW
        )


def test_an_import_never_clears_do_not_contact(officer):
    jo = contacts.create_contact(
        {
            "name": "Jo",
            "email": "jo@example.com",
            "do_not_contact": True,
            "do_not_contact_reason": "Asked by phone",
        },
        actor=officer,
        now=NOW,
    )
    text = "name,email,do_not_contact\nJo,jo@example.com,no\n"
    pending = contact_import.stage_import(text.encode(), "c.csv", actor=officer, now=NOW)
    plan = contact_import.plan_import(pending.csv_text, now=NOW)
    assert plan.rows[0].fate == "unchanged"
    assert "does not change" in plan.rows[0].note
    contact_import.confirm_import(pending.key, fingerprint=plan.fingerprint, actor=officer, now=NOW)
    stored = db.session.get(Contact, jo.id)
    assert (stored.do_not_contact, stored.do_not_contact_reason) == (True, "Asked by phone")


@pytest.mark.parametrize(
    "text, words",
    [
        ("name,email,shoe_size\nJo,jo@example.com,9\n", "shoe_size"),
        ("email,outlet\njo@example.com,X\n", "needs a name column"),
        ("name,outlet\nJo,X\n", "email or a phone column"),
        ("name,name,email\nJo,Jo,jo@example.com\n", "more than once"),
    ],
)
def test_a_file_with_wrong_columns_is_refused_as_a_whole(officer, text, words):
    pending = contact_import.stage_import(text.encode(), "c.csv", actor=officer, now=NOW)
    plan = contact_import.plan_import(pending.csv_text, now=NOW)
    assert plan.rows == [] and words in " ".join(plan.file_errors)
    with pytest.raises(ValidationFailed):
        contact_import.confirm_import(
            pending.key, fingerprint=plan.fingerprint, actor=officer, now=NOW
        )


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        ("name\u00e9".encode("latin-1") + b"\n", "UTF-8"),
        (b"PK\x03\x04\x00\x00", "not a spreadsheet"),
        (b'name,email\n"Jo,jo@example.com\n', "can be read"),
        (b"x" * (contact_import.MAX_BYTES + 1), "smaller than"),
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_and_nothing_kept(officer, data, words):
    with pytest.raises(ValidationFailed) as refused:
        contact_import.stage_import(data, "c.csv", actor=officer, now=NOW)
    assert words in refused.value.fields["file"]


def test_an_address_added_while_the_import_is_confirmed_imports_nothing(officer, monkeypatch):
    text = "name,email\nNew Person,new@example.com\nOther,other@example.com\n"
    pending = contact_import.stage_import(text.encode(), "c.csv", actor=officer, now=NOW)
    seen = contact_import.plan_import(pending.csv_text, now=NOW).fingerprint
    contacts.create_contact({"name": "Quick", "email": "new@example.com"}, actor=officer, now=NOW)
    # As if that contact were not yet visible to the import's transaction.
    monkeypatch.setattr(contact_import, "_contacts_by_email", lambda emails: {})
    with pytest.raises(WrongState):
        contact_import.confirm_import(pending.key, fingerprint=seen, actor=officer, now=NOW)
    assert count_contacts() == 1
    assert db.session.get(ContactImport, pending.id).confirmed_at is None


def _wide_csv(columns: int) -> str:
    header = ",".join(["name", "email"] + [f"extra_{n}" for n in range(columns - 2)])
    return header + "\nJo,jo@example.com\n"


def _long_csv(rows: int) -> str:
    return "name,email\n" + "".join(f"P{n},p{n}@example.com\n" for n in range(rows))


@pytest.mark.parametrize(
    "text, words",
    [
        (_wide_csv(150_000), f"at most {contact_import.MAX_COLUMNS} columns"),
        (_wide_csv(contact_import.MAX_COLUMNS + 1), f"at most {contact_import.MAX_COLUMNS}"),
        (_long_csv(contact_import.MAX_ROWS + 1), f"at most {contact_import.MAX_ROWS} rows"),
        (
            "name,email\nJo,jo@example.com" + "," * contact_import.MAX_COLUMNS + "\n",
            f"Row 2 has more than {contact_import.MAX_COLUMNS} cells",
        ),
    ],
)
def test_a_file_beyond_the_column_or_row_limit_is_refused_at_upload_saying_the_limit(
    officer, text, words
):
    with pytest.raises(ValidationFailed) as refused:
        contact_import.stage_import(text.encode(), "c.csv", actor=officer, now=NOW)
    assert words in refused.value.fields["file"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactImport)) == 0


def test_a_file_at_the_column_and_row_limits_is_planned_in_full(officer):
    header = ["name", "email"] + [f"extra_{n}" for n in range(contact_import.MAX_COLUMNS - 2)]
    text = ",".join(header) + "\n" + _long_csv(contact_import.MAX_ROWS).split("\n", 1)[1]
    pending = contact_import.stage_import(text.encode(), "c.csv", actor=officer, now=NOW)
    plan = contact_import.plan_import(pending.csv_text, now=NOW)
    # Every extra column is named as one not imported, and no row is lost to a limit.
    assert "extra_47" in plan.file_errors[0]
    assert not any("at most" in error for error in plan.file_errors)


@pytest.mark.parametrize(
    "text, words",
    [
        (_wide_csv(150_000), f"at most {contact_import.MAX_COLUMNS} columns"),
        (_long_csv(50_000), f"at most {contact_import.MAX_ROWS} rows"),
    ],
)
def test_a_stored_file_beyond_the_limits_is_planned_at_once_as_refused(officer, text, words):
    # A file kept before the limits were checked at upload: each view of its dry run and the
    # confirmation plan it again, so that plan must stay quick.
    started = time.perf_counter()
    plan = contact_import.plan_import(text, now=NOW)
    took = time.perf_counter() - started
    assert plan.rows == [] and words in " ".join(plan.file_errors)
    assert took < 5.0, f"planning took {took:.2f} s"  # 30 s before; about 50 ms when quiet
