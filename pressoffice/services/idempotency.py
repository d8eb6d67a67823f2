"""Creates that happen once however often they are sent: the ``Idempotency-Key`` header.

A client that did not hear the answer to ``POST /api/v1/enquiries`` or ``POST /api/v1/releases``
(a dropped connection, a timeout) sends the same request again with the same key. The key, what
was asked and the answer given are stored in the same unit of work as the record the request
created, so:

- a repeat with the same key (from the same caller: a staff token's user, or the public) answers
  the first result, status and body, and creates nothing;
- the same key with a different request is refused, naming the header;
- concurrent repeats create one record: the key's unique constraint makes the second wait for the
  first (PostgreSQL) or the write lock does (SQLite), and it then answers the stored result;
- a refused request stores nothing, key included, so it can be corrected and sent again.

Keys are kept for 24 hours; older ones are removed by the next create that brings a key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import IdempotencyKey, User
from .errors import ServiceError
from .unit_of_work import unit_of_work

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)
PUBLIC_SCOPE = "public"


class BadKey(ServiceError):
    """The header is there but is not a usable key."""

    code = "malformed"
    status = 400

    def __init__(self, message: str):
        super().__init__(message, {HEADER: message})


class KeyReused(ServiceError):
    """The key was used before for a different request."""

    code = "idempotency_key_reused"
    status = 422

    def __init__(self):
        message = (
            f"This {HEADER} was already used for a different request. "
            "Send a new key with a new request."
        )
        super().__init__(message, {HEADER: message})


@dataclass(frozen=True)
class Created:
    """The answer to a create: what the client is told, first time and on every repeat."""

    status: int
    body: dict[str, Any]
    location: str | None = None
    replayed: bool = False


def key_from_header(value: str | None) -> str | None:
    """The key the client sent, or None without the header. A key is 1 to 255 printable ASCII
    characters; anything else is refused (BadKey) rather than ignored, since a client sending
    one relies on it."""
    if value is None:
        return None
    if not value.strip():
        raise BadKey(f"{HEADER} is empty: send 1 to {MAX_KEY_LENGTH} printable ASCII characters")
    if len(value) > MAX_KEY_LENGTH:
        raise BadKey(f"{HEADER} must be {MAX_KEY_LENGTH} characters or fewer")
    if any(not " " <= character <= "~" for character in value):
        raise BadKey(f"{HEADER} must be printable ASCII characters only")
    return value


def scope_for(user: User | None) -> str:
    """Whose keys a request's key is looked up among: a staff token's user, or the public."""
    return PUBLIC_SCOPE if user is None else f"user:{user.id}"


def request_hash(endpoint: str, body: Any) -> str:
    """A fingerprint of what was asked: the endpoint and the JSON body, keys in order."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(f"{endpoint}\n{canonical}".encode()).hexdigest()


@unit_of_work
def create_once(
    key: str | None,
    *,
    scope: str,
    endpoint: str,
    request_body: Any,
    now: datetime,
    create: Callable[[], Created],
) -> Created:
    """Run ``create`` (which calls the create use case, joining this unit of work, and builds
    the answer before the commit) unless ``key`` was seen before from ``scope``: then answer
    what it answered then. Without a key, ``create`` simply runs as one unit of work."""
    if key is None:
        return create()
    fingerprint = request_hash(endpoint, request_body)
    db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEEP_FOR))
    if _claim(scope, key, endpoint, fingerprint, now) is None:
        return _earlier_answer(scope, key, fingerprint)
    created = create()
    db.session.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
        .values(
            status_code=created.status,
            response_body=json.dumps(created.body, ensure_ascii=False),
            location=created.location,
        )
    )
    return created


def _claim(scope: str, key: str, endpoint: str, fingerprint: str, now: datetime) -> int | None:
    """Store the key, or None when it is already stored. On PostgreSQL a concurrent request
    with the same key waits here until the first one commits (then None) or rolls back (then
    this one goes ahead)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(IdempotencyKey)
        .values(scope=scope, key=key, endpoint=endpoint, request_hash=fingerprint, created_at=now)
        .on_conflict_do_nothing(index_elements=[IdempotencyKey.scope, IdempotencyKey.key])
        .returning(IdempotencyKey.id)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _earlier_answer(scope: str, key: str, fingerprint: str) -> Created:
    stored = db.session.execute(
        sa.select(IdempotencyKey)
        .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if stored.request_hash != fingerprint:
        raise KeyReused()
    return Created(
        status=stored.status_code,
        body=json.loads(stored.response_body),
        location=stored.location,
        replayed=True,
    )
