"""Accounts, sign-ins and API tokens: create, change role, deactivate, sign in and out, change
a password, issue and revoke tokens.

A sign-in is a row (``UserSession``) that the session and remember cookies name by a random
key. It holds only while that row says so: signing out ends it, a password change, a role
change or a deactivation ends every sign-in of the user, and the clock ends it when it idles
out or reaches its limit. The cookies alone never keep anyone signed in.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from .. import clock
from ..domain import accounts as rules
from ..extensions import db
from ..models import ApiToken, User, UserSession, password_hash_method
from .errors import NotAllowed, NotFound, ValidationFailed
from .unit_of_work import unit_of_work

TOKEN_PREFIX = "po_"  # noqa: S105 - a visible marker, not a secret

# How often a sign-in in use records that it was used: idling out is measured to the minute.
SESSION_USE_RECORDED_EVERY = timedelta(seconds=60)
# Sign-in rows older than this are deleted when the user next signs in; none lasts this long.
SIGN_IN_ROWS_KEPT = timedelta(days=30)


def _id_of(user: User) -> int:
    """The user's number, without loading a row the unit of work has just expired."""
    identity = sa.inspect(user).identity
    return identity[0] if identity else user.id


def _lock_user(user_id: int) -> User:
    """The user's row, locked for the rest of the unit of work (PostgreSQL; on SQLite the
    unit's BEGIN IMMEDIATE already holds the write lock)."""
    user = db.session.scalar(
        sa.select(User)
        .where(User.id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if user is None:
        raise NotFound("No such user")
    return user


def find_user_by_email(email: str) -> User | None:
    """The account with this email address in any case, active or not, or None."""
    return db.session.scalar(sa.select(User).where(User.email == rules.normalise_email(email)))


@unit_of_work
def create_user(*, email: str, name: str, role: str, password: str, now: datetime) -> User:
    """Create an account. Refuses a duplicate email (any case), unknown role or weak password."""
    errors = {}
    for field, problem in (
        ("email", rules.email_problem(email)),
        ("name", rules.name_problem(name)),
        ("role", rules.role_problem(role)),
        ("password", rules.password_problem(password, email)),
    ):
        if problem:
            errors[field] = problem
    if "email" not in errors and find_user_by_email(email):
        errors["email"] = "A user with this email address already exists"
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=rules.normalise_email(email),
        name=name.strip(),
        role=role,
        active=True,
        created_at=now,
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Someone created an account with this address at the same moment.
        raise ValidationFailed({"email": "A user with this email address already exists"}) from exc
    return user


def get_user(user_id: int) -> User:
    """One account by its number; NotFound when there is none."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user")
    return user


def user_by_email_or_fail(email: str) -> User:
    """The account with this email address; NotFound, naming the address, when there is none."""
    user = find_user_by_email(email)
    if user is None:
        raise NotFound(f"No user with email {rules.normalise_email(email)}")
    return user


def list_users() -> list[User]:
    """Every account, active ones first, by name."""
    return list(db.session.scalars(sa.select(User).order_by(User.active.desc(), User.name)))


@unit_of_work
def set_role(
    user: User, role: str, *, actor: User | None = None, now: datetime | None = None
) -> User:
    """Give the account another role; ValidationFailed for a role that does not exist, and
    NotAllowed when ``actor``, the admin doing it, would take away their own admin role.
    A changed role ends every sign-in of the user, so that no page keeps what the old role
    allowed. The command line, run by whoever runs the server, names no actor."""
    problem = rules.role_problem(role)
    if problem:
        raise ValidationFailed({"role": problem})
    actor_id = _id_of(actor) if actor is not None else None
    user = _lock_user(_id_of(user))
    if actor_id is not None:
        problem = rules.own_role_problem(actor_id, user.id, role)
        if problem:
            raise NotAllowed(problem)
    if user.role != role:
        user.role = role
        _end_sign_ins(user.id, _when(now), rules.ROLE_CHANGED)
    return user


@unit_of_work
def deactivate_user(user: User, now: datetime, *, actor: User | None = None) -> User:
    """Deactivate: the user cannot sign in, their sign-ins end and their tokens are revoked.
    NotAllowed when ``actor``, the admin doing it, is deactivating their own account."""
    actor_id = _id_of(actor) if actor is not None else None
    user = _lock_user(_id_of(user))
    if actor_id is not None:
        problem = rules.own_deactivation_problem(actor_id, user.id)
        if problem:
            raise NotAllowed(problem)
    user.active = False
    _end_sign_ins(user.id, now, rules.DEACTIVATED)
    for token in db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    return user


@unit_of_work
def reactivate_user(user: User) -> User:
    """Let a deactivated account sign in again. Its revoked API tokens and its ended sign-ins
    stay ended."""
    user = _lock_user(_id_of(user))
    user.active = True
    return user


@unit_of_work
def change_password(
    user: User, *, current_password: str, new_password: str, session_key: str, now: datetime
) -> tuple[str, bool]:
    """The signed-in user changes their own password, giving the current one. Every sign-in of
    theirs ends, other browsers and copied cookies included; the one they are using goes on
    under a new key, with the same "keep me signed in" end as before. Answers the new key and
    whether that sign-in is remembered. ValidationFailed names the field at fault and changes
    nothing."""
    user = _lock_user(_id_of(user))
    errors = {}
    field = "current_password"
    if not current_password:
        errors[field] = "Enter your current password"
    elif not user.check_password(current_password):
        errors[field] = "Your current password is not right"
    else:
        problem = rules.new_password_problem(new_password, current_password, user.email)
        if problem:
            errors["new_password"] = problem
    if errors:
        raise ValidationFailed(errors)
    current = _sign_in_for(session_key)
    remember_until = current.remember_until if current and current.user_id == user.id else None
    user.set_password(new_password)
    _end_sign_ins(user.id, now, rules.PASSWORD_CHANGED)
    key = _new_sign_in(user.id, now, remember_until)
    return key, remember_until is not None


@unit_of_work
def set_password(user: User, password: str, now: datetime) -> User:
    """Give the account a new password (the command line, run by whoever runs the server):
    the same rules as a new account; every sign-in of the user ends."""
    user = _lock_user(_id_of(user))
    problem = rules.password_problem(password, user.email)
    if problem:
        raise ValidationFailed({"password": problem})
    user.set_password(password)
    _end_sign_ins(user.id, now, rules.PASSWORD_CHANGED)
    return user


# --- sign-ins -------------------------------------------------------------------------------


def _when(now: datetime | None) -> datetime:
    return clock.instant(now)


def _sign_in_for(key: str | None) -> UserSession | None:
    if not key:
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == hash_token(key)))


def _new_sign_in(user_id: int, now: datetime, remember_until: datetime | None) -> str:
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user_id,
            key_hash=hash_token(key),
            signed_in_at=now,
            last_seen_at=now,
            remember_until=remember_until,
        )
    )
    return key


def _end_sign_ins(user_id: int, now: datetime, reason: str) -> None:
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .values(ended_at=now, ended_reason=reason)
    )


@unit_of_work
def start_session(user: User, now: datetime, *, remember_for: timedelta | None = None) -> str:
    """A new sign-in for ``user``; answers the key its cookies carry (kept here only as a
    hash). ``remember_for``: the person chose to stay signed in for that long."""
    user = _lock_user(_id_of(user))
    # Rows no sign-in could still be using are not kept for ever.
    db.session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.signed_in_at < now - SIGN_IN_ROWS_KEPT
        )
    )
    return _new_sign_in(user.id, now, now + remember_for if remember_for else None)


@unit_of_work
def end_session(key: str | None, now: datetime, reason: str = rules.SIGNED_OUT) -> None:
    """End the one sign-in this key names (signing out): its cookies, wherever they were
    copied, no longer sign anyone in. Other sign-ins of the user go on."""
    sign_in = _sign_in_for(key)
    if sign_in is not None and sign_in.ended_at is None:
        sign_in.ended_at = now
        sign_in.ended_reason = reason


@unit_of_work
def _record_session_use(sign_in_id: int, now: datetime) -> None:
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.id == sign_in_id, UserSession.ended_at.is_(None))
        .values(last_seen_at=now)
    )


# The sign-in and its user in one query, built once: this runs before every signed-in request.
_SIGN_IN_WITH_USER = (
    sa.select(UserSession)
    .options(joinedload(UserSession.user))
    .where(UserSession.key_hash == sa.bindparam("key_hash"))
)


def resume_session(
    user_id: int,
    key: str,
    now: datetime,
    *,
    idle_limit: timedelta,
    absolute_limit: timedelta,
) -> tuple[User | None, str | None]:
    """The user a cookie's sign-in key belongs to while that sign-in holds, and None with the
    reason it ended otherwise (None for a key that names nothing). Records the use, at most
    once a minute, so that a sign-in in use does not idle out."""
    sign_in = db.session.scalar(_SIGN_IN_WITH_USER, {"key_hash": hash_token(key)}) if key else None
    if sign_in is None or sign_in.user_id != user_id:
        return None, None
    if sign_in.ended_at is not None:
        return None, sign_in.ended_reason
    if not sign_in.user.active:
        return None, rules.DEACTIVATED
    reason = rules.sign_in_end_reason(
        signed_in_at=sign_in.signed_in_at,
        last_seen_at=sign_in.last_seen_at,
        remember_until=sign_in.remember_until,
        now=now,
        idle_limit=idle_limit,
        absolute_limit=absolute_limit,
    )
    if reason:
        return None, reason
    if now - sign_in.last_seen_at >= SESSION_USE_RECORDED_EVERY:
        _record_session_use(sign_in.id, now)
    user = db.session.get(User, user_id)
    if user is None:
        return None, None
    user.session_key = key
    return user, None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (without saying which was wrong)."""
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check so timing does not reveal who has an account.
        User(password_hash=_dummy_hash(password_hash_method())).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@functools.cache
def _dummy_hash(method: str) -> str:
    """A hash made the way real passwords are, so checking against it costs the same time."""
    return generate_password_hash("not-anyone's-password", method=method)


def hash_token(token: str) -> str:
    """What is stored for an API token: its SHA-256 in hex, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


@unit_of_work
def create_token(user: User, now: datetime, label: str = "") -> tuple[ApiToken, str]:
    """Issue an API token; the plain token is returned once and only its hash is kept."""
    user = _lock_user(_id_of(user))
    if not user.active:
        raise ValidationFailed({"email": "This user is deactivated"})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        token_hash=hash_token(plain),
        prefix=plain[:10],
        label=label.strip()[:120],
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    return token, plain


def list_tokens(user: User | None = None) -> list[ApiToken]:
    """API tokens, newest first, revoked ones too; only ``user``'s when given."""
    query = sa.select(ApiToken).order_by(ApiToken.created_at.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


@unit_of_work
def revoke_token(token_id: int, now: datetime) -> ApiToken:
    """Stop one API token working; revoking a revoked token changes nothing."""
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.id == token_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = now
    return token


@unit_of_work
def revoke_token_by_prefix(prefix: str, now: datetime) -> list[ApiToken]:
    """Stop every working API token that starts with ``prefix`` (as the command line lists
    them); NotFound when there is none."""
    tokens = list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    if not tokens:
        raise NotFound(f"No active token starting {prefix}")
    for token in tokens:
        token.revoked_at = now
    return tokens


def user_for_token(plain: str, now: datetime) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked token."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    user_id = token.user_id
    # Record use at most once a minute, to keep reads from writing on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        _record_token_use(token.id, now)
    return db.session.get(User, user_id)


@unit_of_work
def _record_token_use(token_id: int, now: datetime) -> None:
    db.session.execute(sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))


def get_token(token_id: int) -> ApiToken:
    """One API token by its number; NotFound when there is none."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token")
    return token
