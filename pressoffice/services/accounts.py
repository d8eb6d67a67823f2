"""Accounts and API tokens: create, change role, deactivate, sign in, issue and revoke tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa

from ..domain import accounts as rules
from ..extensions import db
from ..models import ApiToken, User
from .errors import NotAllowed, NotFound, ValidationFailed

TOKEN_PREFIX = "po_"  # noqa: S105 - a visible marker, not a secret


def _new_nonce() -> str:
    return secrets.token_hex(16)


def find_user_by_email(email: str) -> User | None:
    """The account with this email address in any case, active or not, or None."""
    return db.session.scalar(sa.select(User).where(User.email == rules.normalise_email(email)))


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
        session_nonce=_new_nonce(),
        created_at=now,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
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


def set_role(user: User, role: str, *, actor: User | None = None) -> User:
    """Give the account another role; ValidationFailed for a role that does not exist, and
    NotAllowed when ``actor``, the admin doing it, would take away their own admin role.
    The command line, run by whoever runs the server, names no actor."""
    problem = rules.role_problem(role)
    if problem:
        raise ValidationFailed({"role": problem})
    if actor is not None:
        problem = rules.own_role_problem(actor.id, user.id, role)
        if problem:
            raise NotAllowed(problem)
    user.role = role
    db.session.commit()
    return user


def deactivate_user(user: User, now: datetime, *, actor: User | None = None) -> User:
    """Deactivate: the user cannot sign in, their sessions end and their tokens are revoked.
    NotAllowed when ``actor``, the admin doing it, is deactivating their own account."""
    if actor is not None:
        problem = rules.own_deactivation_problem(actor.id, user.id)
        if problem:
            raise NotAllowed(problem)
    user.active = False
    user.session_nonce = _new_nonce()
    for token in db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    db.session.commit()
    return user


def reactivate_user(user: User) -> User:
    """Let a deactivated account sign in again. Its revoked API tokens stay revoked."""
    user.active = True
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (without saying which was wrong)."""
    user = find_user_by_email(email)
    if user is None:
        # Spend the same time as a real check so timing does not reveal who has an account.
        User(password_hash=_DUMMY_HASH).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


_DUMMY_HASH = (
    "scrypt:32768:8:1$dummysaltdummysa$"
    "2b1b3f0a3c5d2e9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"
    "0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5"
)


def hash_token(token: str) -> str:
    """What is stored for an API token: its SHA-256 in hex, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, now: datetime, label: str = "") -> tuple[ApiToken, str]:
    """Issue an API token; the plain token is returned once and only its hash is kept."""
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
    db.session.commit()
    return token, plain


def list_tokens(user: User | None = None) -> list[ApiToken]:
    """API tokens, newest first, revoked ones too; only ``user``'s when given."""
    query = sa.select(ApiToken).order_by(ApiToken.created_at.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query))


def revoke_token(token_id: int, now: datetime) -> ApiToken:
    """Stop one API token working; revoking a revoked token changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.commit()
    return token


def revoke_token_by_prefix(prefix: str, now: datetime) -> list[ApiToken]:
    """Stop every working API token that starts with ``prefix`` (as the command line lists
    them); NotFound when there is none."""
    tokens = list(
        db.session.scalars(
            sa.select(ApiToken).where(ApiToken.prefix == prefix, ApiToken.revoked_at.is_(None))
        )
    )
    if not tokens:
        raise NotFound(f"No active token starting {prefix}")
    for token in tokens:
        token.revoked_at = now
    db.session.commit()
    return tokens


def user_for_token(plain: str, now: datetime) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or revoked token."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    # Record use at most once a minute, to keep reads from writing on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
        db.session.commit()
    return token.user


def get_token(token_id: int) -> ApiToken:
    """One API token by its number; NotFound when there is none."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("No such token")
    return token
