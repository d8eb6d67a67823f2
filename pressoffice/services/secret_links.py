"""The per-person secret link behind embargoed copies and quote sign-off requests.

Both flows hand one named person a link: a fresh token whose hash alone is stored
(``domain.links``), an expiry instant, an address on the public site, and an email when a mail
server is configured. The token is shown to staff once, when the link is made, and then never
again. Reading a link back finds its holder by the token's hash and answers NotFound, in the
flow's own words, for anything that does not match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..domain import links
from ..extensions import db
from ..models import Release, User
from . import mail
from .errors import NotAllowed, NotFound
from .releases.revisions import lock_release


def staff_member(user: User | None) -> User:
    """Only an active member of the press office hands out a link or manages one."""
    if user is None or not getattr(user, "active", False):
        raise NotAllowed("Sign in as a member of the press office to do this")
    return user


@dataclass(frozen=True)
class NewLink:
    """A link about to be saved: the token to hand out, its hash to store, and its expiry."""

    token: str
    token_hash: str
    expires_at: datetime


def new_link(now: datetime, lifetime: timedelta) -> NewLink:
    """A fresh token for one person, working for ``lifetime`` from ``now``."""
    token = links.new_token()
    return NewLink(token=token, token_hash=links.token_hash(token), expires_at=now + lifetime)


@dataclass(frozen=True)
class HandedOutLink:
    """A link just given to one person, as staff see it this once."""

    # Shown to the officer once: only its hash is kept.
    token: str
    url: str
    # True when emailed, False when sending failed, None when no mail server is configured.
    emailed: bool | None


def link_url(page: str, token: str) -> str:
    """The address the holder opens on the public site: ``/<page>/<token>``."""
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    return f"{base.rstrip('/')}/{page}/{token}"


def email_if_configured(send: Callable[[], bool]) -> bool | None:
    """Send the link with ``send`` when a mail server is configured. Called after the commit,
    so a failure to send never undoes the link: staff are told and pass it on themselves."""
    if not mail.mail_configured():
        return None
    return send()


def find_by_token(holder_model, token: str, not_found: str) -> tuple:
    """``(holder, release)`` for the stored link whose hash matches ``token``; ``holder_model``
    is the table of link holders (embargo recipients or quote sign-offs). NotFound with
    ``not_found`` for an unknown token, and for a malformed one without asking the database."""
    if not links.is_well_formed(token):
        raise NotFound(not_found)
    row = db.session.execute(
        sa.select(holder_model, Release)
        .join(Release, Release.id == holder_model.release_id)
        .where(holder_model.token_hash == links.token_hash(token))
    ).first()
    if row is None:
        raise NotFound(not_found)
    holder, release = row
    return holder, release


def lock_by_token(holder_model, token: str, not_found: str) -> tuple:
    """As ``find_by_token``, inside a unit of work: the link's release is locked first and
    then the link itself, both read afresh, in the one order every use case takes its locks
    (release, then quote sign-off or recipient)."""
    if not links.is_well_formed(token):
        raise NotFound(not_found)
    release_id = db.session.scalar(
        sa.select(holder_model.release_id).where(holder_model.token_hash == links.token_hash(token))
    )
    if release_id is None:
        raise NotFound(not_found)
    release = lock_release(release_id)
    holder = lock_holder(holder_model, holder_model.token_hash == links.token_hash(token))
    if holder is None or holder.release_id != release.id:
        raise NotFound(not_found)
    return holder, release


def lock_holder(holder_model, *where):
    """The link holder matching ``where``, locked and read afresh: taken after its release."""
    return db.session.scalars(
        sa.select(holder_model)
        .where(*where)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
