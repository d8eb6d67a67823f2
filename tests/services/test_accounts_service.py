"""Account use cases: each one transaction, and the sign-ins each of them ends."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pressoffice.cli import cli
from pressoffice.extensions import db
from pressoffice.models import User
from pressoffice.services import accounts
from pressoffice.services.errors import ValidationFailed
from pressoffice.services.unit_of_work import unit_of_work
from tests.conftest import DEFAULT_NOW
from tests.factories import DEFAULT_PASSWORD, make_user

LIMITS = {"idle_limit": timedelta(hours=8), "absolute_limit": timedelta(hours=24)}
NEW_PASSWORD = "a-fresh-phrase-for-winter"


def _still_signed_in(user_id: int, key: str, now=DEFAULT_NOW) -> bool:
    user, _reason = accounts.resume_session(user_id, key, now, **LIMITS)
    return user is not None


def _refused_afterwards(step):
    """Run ``step`` inside a larger unit of work that is then refused."""

    @unit_of_work
    def larger_change():
        step()
        raise ValidationFailed({"name": "refused on purpose"})

    with pytest.raises(ValidationFailed):
        larger_change()


def test_a_user_created_inside_a_refused_change_is_not_kept(app_ctx):
    _refused_afterwards(lambda: make_user(email="kept@example.org"))
    assert accounts.find_user_by_email("kept@example.org") is None


def test_a_role_changed_inside_a_refused_change_is_not_kept(app_ctx, officer):
    _refused_afterwards(lambda: accounts.set_role(db.session.get(User, officer.id), "admin"))
    assert db.session.get(User, officer.id).role == "officer"


def test_a_deactivation_inside_a_refused_change_is_not_kept(app_ctx, officer):
    key = accounts.start_session(officer, DEFAULT_NOW)
    _refused_afterwards(lambda: accounts.deactivate_user(officer, DEFAULT_NOW))
    assert db.session.get(User, officer.id).active
    assert _still_signed_in(officer.id, key)


def test_every_write_use_case_of_accounts_is_a_unit_of_work():
    for use_case in (
        accounts.create_user,
        accounts.set_role,
        accounts.deactivate_user,
        accounts.reactivate_user,
        accounts.create_token,
        accounts.revoke_token,
        accounts.revoke_token_by_prefix,
        accounts.start_session,
        accounts.end_session,
        accounts.change_password,
        accounts.set_password,
    ):
        assert hasattr(use_case, "__wrapped__"), use_case.__name__


def test_changing_the_password_ends_every_other_sign_in_and_keeps_this_one(app_ctx, officer):
    here = accounts.start_session(officer, DEFAULT_NOW)
    elsewhere = accounts.start_session(officer, DEFAULT_NOW)

    renewed, _remembered = accounts.change_password(
        officer,
        current_password=DEFAULT_PASSWORD,
        new_password=NEW_PASSWORD,
        session_key=here,
        now=DEFAULT_NOW,
    )

    assert _still_signed_in(officer.id, renewed)
    assert not _still_signed_in(officer.id, elsewhere)
    assert not _still_signed_in(officer.id, here)
    assert accounts.authenticate(officer.email, NEW_PASSWORD) is not None
    assert accounts.authenticate(officer.email, DEFAULT_PASSWORD) is None


def test_a_kept_sign_in_keeps_the_end_of_its_keep_me_signed_in_period(app_ctx, officer):
    here = accounts.start_session(officer, DEFAULT_NOW, remember_for=timedelta(days=14))
    renewed, remembered = accounts.change_password(
        officer,
        current_password=DEFAULT_PASSWORD,
        new_password=NEW_PASSWORD,
        session_key=here,
        now=DEFAULT_NOW + timedelta(days=3),
    )
    assert remembered
    assert _still_signed_in(officer.id, renewed, DEFAULT_NOW + timedelta(days=14, seconds=-1))
    assert not _still_signed_in(officer.id, renewed, DEFAULT_NOW + timedelta(days=14))


def test_a_refused_password_change_ends_nothing(app_ctx, officer):
    here = accounts.start_session(officer, DEFAULT_NOW)
    elsewhere = accounts.start_session(officer, DEFAULT_NOW)
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_password(
            officer,
            current_password="not-my-password-at-all",
            new_password=NEW_PASSWORD,
            session_key=here,
            now=DEFAULT_NOW,
        )
    assert refused.value.fields == {"current_password": "Your current password is not right"}
    assert _still_signed_in(officer.id, here) and _still_signed_in(officer.id, elsewhere)


def test_setting_a_password_ends_every_sign_in_of_that_user(app_ctx, officer, admin):
    officers = accounts.start_session(officer, DEFAULT_NOW)
    admins = accounts.start_session(admin, DEFAULT_NOW)
    accounts.set_password(officer, NEW_PASSWORD, DEFAULT_NOW)
    assert not _still_signed_in(officer.id, officers)
    assert _still_signed_in(admin.id, admins)
    assert accounts.authenticate(officer.email, NEW_PASSWORD) is not None


def test_setting_a_role_a_user_already_has_ends_nothing(app_ctx, officer):
    key = accounts.start_session(officer, DEFAULT_NOW)
    accounts.set_role(officer, "officer")
    assert _still_signed_in(officer.id, key)


def test_a_session_key_of_another_user_signs_nobody_in(app_ctx, officer, admin):
    key = accounts.start_session(admin, DEFAULT_NOW)
    assert not _still_signed_in(officer.id, key)


# --- the command line -----------------------------------------------------------------------


def test_users_set_password_reads_the_password_from_stdin_and_ends_the_sign_ins(
    app, app_ctx, officer
):
    key = accounts.start_session(officer, DEFAULT_NOW)
    result = app.test_cli_runner().invoke(
        cli,
        ["users", "set-password", "OLIVIA@example.org", "--password-stdin"],
        input=NEW_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "olivia@example.org" in result.output
    assert accounts.authenticate(officer.email, NEW_PASSWORD) is not None
    assert not _still_signed_in(officer.id, key)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("olivia@example.org", "short", "password: Password must be at least 12 characters"),
        ("nobody@example.org", NEW_PASSWORD, "No user with email nobody@example.org"),
    ],
)
def test_users_set_password_refuses_a_weak_password_or_an_unknown_user(
    app, app_ctx, officer, email, password, message
):
    result = app.test_cli_runner().invoke(
        cli, ["users", "set-password", email, "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code == 1
    assert message in result.output
    assert accounts.authenticate(officer.email, DEFAULT_PASSWORD) is not None
