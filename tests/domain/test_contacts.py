"""Media contacts' rules as truth tables: who may be sent anything, what details pass, and
when an unused contact is anonymised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from pressoffice.domain import contacts as rules

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@dataclass
class C:
    do_not_contact: bool = False
    anonymised_at: datetime | None = None
    email: str | None = "jo@example.com"


@pytest.mark.parametrize(
    "do_not_contact, anonymised, email, may, reason",
    [
        (False, False, "jo@example.com", True, None),
        (True, False, "jo@example.com", False, "asked not to be contacted"),
        (False, True, "jo@example.com", False, "removed"),
        (False, False, None, False, "no email"),
        # Do-not-contact wins over every other reason, and is the one given.
        (True, True, None, False, "asked not to be contacted"),
        (True, False, None, False, "asked not to be contacted"),
    ],
)
def test_do_not_contact_always_wins(do_not_contact, anonymised, email, may, reason):
    contact = C(do_not_contact, NOW if anonymised else None, email)
    assert rules.may_contact(contact) is may
    refusal = rules.contact_refusal(contact)
    if reason is None:
        assert refusal is None
    else:
        assert reason in refusal


CREATED = datetime(2024, 12, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "last_used_at, created_at, anonymised_at, due",
    [
        # 24 months before NOW is 2024-12-02 10:00:00: exactly then is kept, a second older goes.
        (None, CREATED, None, False),
        (None, CREATED - timedelta(seconds=1), None, True),
        (CREATED, CREATED - timedelta(days=900), None, False),
        (CREATED - timedelta(seconds=1), CREATED - timedelta(days=900), None, True),
        # A recent use keeps an old contact.
        (NOW - timedelta(days=1), CREATED - timedelta(days=900), None, False),
        # Already anonymised: never again.
        (None, CREATED - timedelta(days=900), NOW - timedelta(days=1), False),
    ],
)
def test_unused_for_the_retention_period_is_due(last_used_at, created_at, anonymised_at, due):
    assert (
        rules.due_for_anonymisation(
            last_used_at=last_used_at,
            created_at=created_at,
            anonymised_at=anonymised_at,
            now=NOW,
            months=24,
        )
        is due
    )


def test_the_cutoff_of_the_31st_is_the_last_day_of_a_shorter_month():
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    assert rules.anonymisation_cutoff(now, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)


def valid(**overrides):
    values = {
        "name": "Jo Reporter",
        "outlet": "The Daily Example",
        "email": "Jo@Example.com",
        "phone": "020 7946 0000",
        "beats": "Health; Education",
        "consent_basis": "legitimate_interests",
        "consent_at": "2026-03-31",
        "do_not_contact": False,
        "do_not_contact_reason": "",
    }
    values.update(overrides)
    return values


def test_valid_details_are_cleaned():
    details, errors = rules.validate_contact(valid(), today=TODAY)
    assert errors == {}
    assert details.email == "jo@example.com"
    assert details.phone == "+442079460000"
    assert details.beats == ["Health", "Education"]
    assert details.consent_at == date(2026, 3, 31)


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("020 7946 0000", "+442079460000"),
        ("07911 123456", "+447911123456"),
        ("+44 (0)7911 123456", "+447911123456"),
        ("+33 1 42 68 53 00", "+33142685300"),
        ("0044 20 7946 0000", "+442079460000"),
    ],
)
def test_phone_numbers_are_stored_in_e164_reading_uk_by_default(typed, stored):
    details, errors = rules.validate_contact(valid(phone=typed), today=TODAY)
    assert errors == {}
    assert details.phone == stored


@pytest.mark.parametrize("typed", ["123", "020 7946", "not a number", "+44 20 7946 0000 0000"])
def test_impossible_phone_numbers_are_refused(typed):
    _, errors = rules.validate_contact(valid(phone=typed), today=TODAY)
    assert "real phone number" in errors["phone"]


@pytest.mark.parametrize(
    "overrides, field, words",
    [
        ({"name": ""}, "name", "Enter the contact's name"),
        ({"name": "x" * 121}, "name", "120 characters"),
        ({"name": "Jo\u202eReporter"}, "name", "hidden character"),
        ({"email": "jo@"}, "email", "correct format"),
        ({"email": "", "phone": ""}, "email", "email address or a phone number"),
        ({"outlet": "y" * 121}, "outlet", "120 characters"),
        ({"beats": ["x" * 61]}, "beats", "60 characters"),
        ({"beats": [f"b{i}" for i in range(21)]}, "beats", "at most 20"),
        ({"beats": [1, 2]}, "beats", "list of words"),
        ({"consent_basis": "because"}, "consent_basis", "Choose the basis"),
        ({"consent_at": "2026-12-03"}, "consent_at", "future"),
        ({"consent_at": "31 March"}, "consent_at", "YYYY-MM-DD"),
        ({"consent_at": "2026-02-30"}, "consent_at", "YYYY-MM-DD"),
        ({"consent_at": "1989-12-31"}, "consent_at", "on or after"),
        ({"do_not_contact": "perhaps"}, "do_not_contact", "yes or no"),
        ({"do_not_contact": True}, "do_not_contact_reason", "Say why"),
        ({"do_not_contact_reason": "Asked"}, "do_not_contact_reason", "only for a contact"),
        (
            {"do_not_contact_reason": "z" * 501, "do_not_contact": True},
            "do_not_contact_reason",
            "500",
        ),
        ({"name": 5}, "name", "must be text"),
    ],
)
def test_each_bad_detail_is_refused_by_its_field(overrides, field, words):
    details, errors = rules.validate_contact(valid(**overrides), today=TODAY)
    assert details is None
    assert words in errors[field]


@pytest.mark.parametrize(
    "typed, flag",
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("no", False),
        ("", False),
        (None, False),
        (False, False),
        ("0", False),
        ("maybe", None),
    ],
)
def test_do_not_contact_reads_as_a_spreadsheet_writes_it(typed, flag):
    assert rules.parse_yes_no(typed) is flag


def test_consent_on_today_is_accepted_and_uk_dates_are_read_day_first():
    details, errors = rules.validate_contact(valid(consent_at="02/12/2026"), today=TODAY)
    assert errors == {}
    assert details.consent_at == TODAY


def test_repeated_beats_are_kept_once_whatever_the_case():
    details, _ = rules.validate_contact(valid(beats="Health;health; HEALTH ;Crime"), today=TODAY)
    assert details.beats == ["Health", "Crime"]


def test_a_blank_basis_is_legitimate_interests():
    details, _ = rules.validate_contact(valid(consent_basis=""), today=TODAY)
    assert details.consent_basis == "legitimate_interests"


@pytest.mark.parametrize(
    "name, problem",
    [
        ("Health correspondents", None),
        ("", "Enter a name"),
        ("x" * 121, "120 characters"),
        ("A\u200bB", "invisible"),
        (7, "must be text"),
    ],
)
def test_list_names(name, problem):
    _, found = rules.list_name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert problem in found
