"""Media contacts and lists against the real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pressoffice.domain.contacts import may_contact
from pressoffice.extensions import db
from pressoffice.models import Contact, ContactEvent, ContactListMember
from pressoffice.services import contact_lists, contacts
from pressoffice.services.errors import ValidationFailed, WrongState

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def add(officer, **overrides):
    values = {"name": "Jo Reporter", "outlet": "The Daily Example", "email": "jo@example.com"}
    values.update(overrides)
    return contacts.create_contact(values, actor=officer, now=NOW)


def test_a_contact_is_stored_with_email_lower_cased_and_phone_in_e164(officer):
    contact = add(officer, email="Jo@Example.COM", phone="020 7946 0000", beats=["Health"])
    stored = db.session.get(Contact, contact.id)
    assert (stored.email, stored.phone, stored.beats) == (
        "jo@example.com",
        "+442079460000",
        ["Health"],
    )
    assert stored.consent_basis == "legitimate_interests"
    assert [e.action for e in contacts.contact_timeline(contact.id)] == ["created"]


def test_a_second_contact_with_the_same_email_is_refused_and_nothing_is_stored(officer):
    add(officer)
    with pytest.raises(ValidationFailed) as refused:
        add(officer, name="Someone Else", email="JO@example.com")
    assert "already has this email address" in refused.value.fields["email"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 1


def test_an_edit_changes_only_what_it_names_and_records_which_fields(officer):
    contact = add(officer, phone="020 7946 0000")
    contacts.update_contact(contact.id, {"outlet": "The Evening Example"}, actor=officer, now=NOW)
    stored = db.session.get(Contact, contact.id)
    assert (stored.outlet, stored.phone) == ("The Evening Example", "+442079460000")
    edited = [e for e in contacts.contact_timeline(contact.id) if e.action == "edited"]
    assert edited[0].comment == "Changed: Outlet"


def test_a_refused_edit_changes_nothing(officer):
    contact = add(officer)
    with pytest.raises(ValidationFailed) as refused:
        contacts.update_contact(
            contact.id, {"outlet": "New", "phone": "123"}, actor=officer, now=NOW
        )
    assert set(refused.value.fields) == {"phone"}
    assert db.session.get(Contact, contact.id).outlet == "The Daily Example"


def test_marking_do_not_contact_keeps_the_reason_and_instant_and_stops_sending(officer):
    contact = add(officer)
    later = NOW + timedelta(hours=1)
    contacts.update_contact(
        contact.id,
        {"do_not_contact": True, "do_not_contact_reason": "Asked by phone"},
        actor=officer,
        now=later,
    )
    stored = db.session.get(Contact, contact.id)
    assert stored.do_not_contact_at == later
    assert stored.do_not_contact_reason == "Asked by phone"
    assert may_contact(stored) is False


def test_unsubscribing_twice_keeps_the_first_reason(officer):
    contact = add(officer)
    contacts.mark_do_not_contact(contact.id, reason="Unsubscribed by email link", now=NOW)
    contacts.mark_do_not_contact(contact.id, reason="Again", now=NOW + timedelta(days=1))
    stored = db.session.get(Contact, contact.id)
    assert (stored.do_not_contact_reason, stored.do_not_contact_at) == (
        "Unsubscribed by email link",
        NOW,
    )


def test_search_finds_by_any_word_of_name_outlet_or_email_and_pages(officer):
    add(officer, name="Jo Reporter", outlet="Health Weekly", email="jo@health.example")
    add(officer, name="Sam Writer", outlet="The Daily Example", email="sam@daily.example")
    for i in range(3):
        add(officer, name=f"Zed {i}", email=f"z{i}@example.com")
    assert [c.name for c in contacts.search_contacts("health").items] == ["Jo Reporter"]
    assert [c.name for c in contacts.search_contacts("SAM daily").items] == ["Sam Writer"]
    assert [c.name for c in contacts.search_contacts("100%").items] == []
    page = contacts.search_contacts("", page=2, per_page=2)
    assert (page.total, page.pages, [c.name for c in page.items]) == (5, 3, ["Zed 0", "Zed 1"])
    assert contacts.search_contacts("", page="99999999999", per_page=2).page == 1


def test_lists_count_members_and_who_may_be_sent_anything(officer):
    jo = add(officer)
    sam = add(
        officer,
        name="Sam",
        email="sam@example.com",
        do_not_contact=True,
        do_not_contact_reason="Asked",
    )
    health = contact_lists.create_list("Health correspondents", actor=officer, now=NOW)
    done = contact_lists.add_members(health.id, [jo.id, sam.id, jo.id], actor=officer, now=NOW)
    assert done.added == [jo.id, sam.id]
    again = contact_lists.add_members(health.id, [jo.id], actor=officer, now=NOW)
    assert (again.added, again.already) == ([], [jo.id])
    [summary] = contact_lists.all_lists()
    assert (summary.members, summary.may_contact) == (2, 1)


def test_a_list_name_differing_only_by_case_is_refused(officer):
    contact_lists.create_list("Health", actor=officer, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        contact_lists.create_list("  HEALTH ", actor=officer, now=NOW)
    assert "already a list" in refused.value.fields["name"]


def test_adding_an_unknown_contact_to_a_list_adds_nobody(officer):
    jo = add(officer)
    health = contact_lists.create_list("Health", actor=officer, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        contact_lists.add_members(health.id, [jo.id, 999], actor=officer, now=NOW)
    assert "999" in refused.value.fields["contact_ids"]
    assert contact_lists.member_ids(health.id) == []


def test_anonymisation_at_the_exact_boundary(officer, app_ctx):
    old = add(officer, name="Old", email="old@example.com")
    kept = add(officer, name="Kept", email="kept@example.com")
    used = add(officer, name="Used", email="used@example.com")
    health = contact_lists.create_list("Health", actor=officer, now=NOW)
    contact_lists.add_members(health.id, [old.id, kept.id], actor=officer, now=NOW)
    # Everyone was added at NOW; "Used" was sent something a day later.
    contacts.record_contact_use([used.id], at=NOW + timedelta(days=1))
    db.session.commit()
    cutoff_now = NOW.replace(year=2028)  # 24 months after NOW: at the boundary, nobody goes
    assert contacts.anonymise_unused(now=cutoff_now).anonymised == 0
    db.session.execute(
        sa.update(Contact).where(Contact.id == old.id).values(created_at=NOW - timedelta(seconds=1))
    )
    db.session.commit()
    dry = contacts.anonymise_unused(now=cutoff_now, dry_run=True)
    assert (dry.anonymised, dry.names) == (1, ["Old"])
    assert db.session.get(Contact, old.id).name == "Old"  # a dry run changes nothing
    result = contacts.anonymise_unused(now=cutoff_now)
    assert result.anonymised == 1
    gone = db.session.get(Contact, old.id)
    assert (gone.name, gone.email, gone.phone, gone.anonymised_at) == (
        "Contact removed",
        None,
        None,
        cutoff_now,
    )
    assert may_contact(gone) is False
    assert contact_lists.member_ids(health.id) == [kept.id]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ContactListMember)
            .where(ContactListMember.contact_id == old.id)
        )
        == 0
    )
    comments = db.session.scalars(
        sa.select(ContactEvent.comment).where(ContactEvent.contact_id == old.id)
    ).all()
    assert all(c is None for c in comments)
    with pytest.raises(WrongState):
        contacts.update_contact(old.id, {"name": "Back"}, actor=officer, now=cutoff_now)


def test_an_address_taken_at_the_same_moment_is_refused_by_field_not_a_server_error(
    officer, monkeypatch
):
    # The other officer's contact is not yet visible when this one checks (PostgreSQL under
    # concurrent writers): the unique index refuses it, and the officer is told by field.
    add(officer)
    monkeypatch.setattr(contacts, "_email_taken", lambda *a, **k: None)
    with pytest.raises(ValidationFailed) as refused:
        add(officer, name="Someone Else", email="jo@example.com")
    assert refused.value.fields["email"] == contacts.EMAIL_JUST_TAKEN
    other = add(officer, name="Sam", email="sam@example.com")
    with pytest.raises(ValidationFailed):
        contacts.update_contact(other.id, {"email": "jo@example.com"}, actor=officer, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contact)) == 2
    assert db.session.get(Contact, other.id).email == "sam@example.com"


def test_a_list_name_taken_at_the_same_moment_is_refused_by_field(officer, monkeypatch):
    contact_lists.create_list("Health", actor=officer, now=NOW)
    monkeypatch.setattr(contact_lists, "_name_taken", lambda key: None)
    with pytest.raises(ValidationFailed) as refused:
        contact_lists.create_list("health", actor=officer, now=NOW)
    assert "already a list" in refused.value.fields["name"]
