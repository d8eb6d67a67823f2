"""The database tables.

Instants are stored as UTC and always come back timezone-aware (``UTCDateTime``), on SQLite and
PostgreSQL alike. Release content (quotes, links, notes) is kept as ordered JSON lists inside the
release's working copy and inside every revision, so that a revision is a complete snapshot that
can be hashed, compared and shown to the public exactly as it was approved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from config import STRONG_PASSWORD_HASH

from .extensions import db

ROLES = ("officer", "approver", "admin")
# The largest id an integer primary key holds (32 bits in PostgreSQL): a bigger number names
# nothing, and the database would refuse to look it up.
MAX_ID = 2**31 - 1


class UTCDateTime(sa.types.TypeDecorator):
    """An aware datetime stored as naive UTC; refuses naive input rather than guessing."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


# --- accounts -------------------------------------------------------------------------------


def password_hash_method() -> str:
    """How new passwords are hashed: the app's PASSWORD_HASH_METHOD, scrypt outside an app."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD") or STRONG_PASSWORD_HASH
    return STRONG_PASSWORD_HASH


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.CheckConstraint("role IN ('officer', 'approver', 'admin')", name="role"),)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # The key of the sign-in (a UserSession) this object was loaded for, set when signing in
    # and by the user loader; it is what the session and remember cookies carry. Not stored.
    session_key = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key or ''}"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """One sign-in on one browser. The cookies carry a random key; only its hash is kept, and
    the sign-in holds only while its row says so, so ending it here ends it everywhere the
    cookies were copied to."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    signed_in_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Recorded at most once a minute, so that reading a page does not write every time.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Set when the person chose "keep me signed in": the sign-in lasts until then.
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(sa.String(20))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    # The first characters of the token, shown so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    label: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


# --- releases -------------------------------------------------------------------------------


class Release(db.Model):
    """A press release: its working copy, its workflow state, and pointers to the revisions
    that were approved and that the public sees."""

    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True, nullable=False)
    # Stored state: draft, in_review, approved, scheduled, published, withdrawn. A scheduled
    # release whose embargo has passed *is* published: see domain.visibility.
    state: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="draft", index=True)
    # Optimistic concurrency: every save increments it; an edit names the version it started from.
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    # Working copy.
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    links: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    notes: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)

    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    last_editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)

    # The approval: who, when, and the hash of exactly the content it covered.
    approved_hash: Mapped[str | None] = mapped_column(sa.String(64))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Plain integers rather than foreign keys: a release and its revisions point at each other,
    # and a cycle of constraints would make the schema differ between SQLite and PostgreSQL.
    approved_revision_id: Mapped[int | None] = mapped_column(sa.Integer)

    # What the public sees once it is visible: always an approved revision.
    public_revision_id: Mapped[int | None] = mapped_column(sa.Integer)
    embargo_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When it became (or becomes) public: set on publish, or equal to the embargo when scheduled.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)
    # A notice for staff about something the system did, e.g. "Edited after approval: ..."
    notice: Mapped[str | None] = mapped_column(sa.Text)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_editor: Mapped[User] = relationship(foreign_keys=[last_editor_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    approved_revision: Mapped[ReleaseRevision | None] = relationship(
        primaryjoin="foreign(Release.approved_revision_id) == ReleaseRevision.id",
        post_update=True,
    )
    public_revision: Mapped[ReleaseRevision | None] = relationship(
        primaryjoin="foreign(Release.public_revision_id) == ReleaseRevision.id",
        post_update=True,
    )

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'withdrawn')",
            name="state",
        ),
        # The newest releases first, for the enquiry forms' release lists, without a sort.
        sa.Index("ix_releases_created_at_id", "created_at", "id"),
    )


class ReleaseRevision(db.Model):
    """One save of a release: a full snapshot of its content."""

    __tablename__ = "release_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    # The body as safe HTML (domain.render.render_markdown), rendered once when the revision is
    # written: a revision never changes, so neither does its page. Empty only for a revision
    # written before this column existed and not yet backfilled; it is then rendered on reading.
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    quotes: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False)
    links: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False)
    notes: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False)
    # Attachments as they stood at this save: [{id, filename, size, sha256}, ...]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    content_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    # For a correction to a published release: what changed, shown to the public once approved.
    change_note: Mapped[str | None] = mapped_column(sa.Text)
    editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    editor: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("release_id", "number", name="uq_release_revision_number"),
    )


class ReleaseEvent(db.Model):
    """The release's timeline: one row per transition or notable action."""

    __tablename__ = "release_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # None when the system acted (the embargo lifting needs no actor) or someone without an
    # account did (a quoted speaker signing off).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_label: Mapped[str | None] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str | None] = mapped_column(sa.String(20))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    revision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("release_revisions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    actor: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """A file attached to a release (the report itself). The bytes live outside the web root,
    under ``ATTACHMENT_DIR``, named by ``storage_key``."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


# --- links for people without accounts -----------------------------------------------------


class EmbargoRecipient(db.Model):
    """A named journalist given a personal embargoed preview link."""

    __tablename__ = "embargo_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    outlet: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    views: Mapped[list[PreviewView]] = relationship(
        back_populates="recipient", order_by="PreviewView.viewed_at"
    )


class PreviewView(db.Model):
    """One opening of an embargoed preview link."""

    __tablename__ = "preview_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("embargo_recipients.id", ondelete="CASCADE"), nullable=False, index=True
    )
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    address: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    user_agent: Mapped[str] = mapped_column(sa.String(400), nullable=False, default="")

    recipient: Mapped[EmbargoRecipient] = relationship(back_populates="views")


class Distribution(db.Model):
    """A release sent to media lists: embargoed copies before the embargo, or the public release
    at the embargo instant (``domain.distribution``). Its recipients' rows and their outbox
    messages are the record of its progress; the queue is never asked."""

    __tablename__ = "distributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # embargoed_copy or on_publication
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # Not before this instant: the embargo, for a release sent when it goes public.
    send_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # The lists' names when it was made, so the record reads the same after a list is renamed.
    list_names: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    duplicates: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # When its messages were written to the outbox (at once, or at the embargo instant).
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(300))

    created_by: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind IN ('embargoed_copy', 'on_publication')", name="kind"),
        # The sweep: distributions due and not yet written to the outbox.
        sa.Index("ix_distributions_due", "dispatched_at", "cancelled_at", "send_at"),
    )


class DistributionRecipient(db.Model):
    """One contact's place in a distribution: skipped (do not contact), waiting for the
    instant, or written to the outbox, whose row then says queued, sent or failed."""

    __tablename__ = "distribution_recipients"

    id: Mapped[int] = mapped_column(primary_key=True)
    distribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("distributions.id", ondelete="CASCADE"), nullable=False
    )
    contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    outlet: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    # waiting, queued (see the outbox row), skipped_do_not_contact, cancelled
    status: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    outbox_message_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    # An embargoed copy's personal link.
    embargo_recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("embargo_recipients.id", ondelete="SET NULL")
    )
    # The one-click unsubscribe link's token, hashed like every other link's.
    unsubscribe_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (
        sa.UniqueConstraint("distribution_id", "contact_id", name="uq_distribution_contact"),
        sa.Index("ix_distribution_recipients_status", "distribution_id", "status"),
    )


class QuoteSignoff(db.Model):
    """A request to the person quoted to approve their quote, and their answer."""

    __tablename__ = "quote_signoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Quotes carry a stable "key" inside the release's JSON, so reordering keeps the link.
    quote_key: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    quote_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    # requested, approved, changes_proposed, void, revoked
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="requested")
    comment: Mapped[str | None] = mapped_column(sa.Text)
    proposed_text: Mapped[str | None] = mapped_column(sa.Text)
    # For a proposed change: accepted or rejected by an officer.
    suggestion_outcome: Mapped[str | None] = mapped_column(sa.String(20))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- media enquiries ------------------------------------------------------------------------


class Enquiry(db.Model):
    __tablename__ = "enquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    journalist_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    outlet: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    details: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    release_id: Mapped[int | None] = mapped_column(sa.ForeignKey("releases.id"), index=True)
    # Stored when logged, so later changes to hours or numbers never rewrite history.
    route: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    line: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    route_reason: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Out of hours with nobody on the rota: flagged, never lost.
    needs_attention: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="new")
    response: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # The statement (lines to take) the response was given from, and its version then.
    statement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("statements.id"), index=True)
    statement_version: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    release: Mapped[Release | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("status IN ('new', 'assigned', 'answered', 'closed')", name="status"),
        sa.CheckConstraint("route IN ('office_hours', 'out_of_hours')", name="route"),
        # The log is read newest first, a page at a time from a position (received_at, id):
        # each filter of the log has an index that ends in that order, so a page is read
        # from an index whichever filters are chosen.
        sa.Index("ix_enquiries_received_id", "received_at", "id"),
        sa.Index("ix_enquiries_route_received", "route", "received_at", "id"),
        sa.Index("ix_enquiries_route_status_received", "route", "status", "received_at", "id"),
        sa.Index("ix_enquiries_assignee_received", "assignee_id", "received_at", "id"),
        sa.Index("ix_enquiries_attention_received", "needs_attention", "received_at", "id"),
        sa.Index("ix_enquiries_status_received", "status", "received_at"),
        # Overdue = open and past the deadline: a deadline-only index misleads the planner,
        # since nearly every deadline in a long log has passed.
        sa.Index("ix_enquiries_status_deadline", "status", "deadline"),
    )


# Indexes the migrations create on PostgreSQL only (pg_trgm trigram indexes for the log's
# "contains" searches); SQLite has no such index and searches without one.
POSTGRESQL_ONLY_INDEXES = (
    "ix_enquiries_search_trgm",
    "ix_enquiries_outlet_trgm",
    "ix_contacts_name_trgm",
    "ix_contacts_outlet_trgm",
    "ix_contacts_email_trgm",
)


class EnquiryCounter(db.Model):
    """The last reference number handed out for a London date; incremented under a row lock."""

    __tablename__ = "enquiry_counters"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class EnquiryEvent(db.Model):
    """What happened to an enquiry: logged, assigned, answered, closed."""

    __tablename__ = "enquiry_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enquiries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    actor: Mapped[User | None] = relationship()


# --- the enquiry desk by email ---------------------------------------------------------------

MAIL_DIRECTIONS = ("in", "out")
# What became of a message that came in: it made an enquiry, joined one, was parked for a
# person to decide, was dismissed by a person, was automatic mail (no enquiry, no answer), or was
# a bounce (recorded on the message it answers).
MAIL_IN_OUTCOMES = ("enquiry", "follow_up", "parked", "dismissed", "automatic", "bounce", "own")
# What a message we send is: the acknowledgement, or an answer given from the enquiry.
MAIL_OUT_KINDS = ("acknowledgement", "answer")


class MailMessage(db.Model):
    """One email message of the enquiry desk, in or out.

    A message that came in is kept whole (``raw``) whatever became of it, keyed on its
    ``message_key`` (its Message-ID, or a hash of its headers and body when it has none) so that
    fetching it twice, receiving it at two of the office's addresses or two fetches at once make
    one row. A message that goes out is written with its outbox row, in the same transaction as
    the answer it carries, and keyed on the Message-ID it is sent with, so a reply naming it in
    ``In-Reply-To`` or ``References`` finds its enquiry.
    """

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(sa.String(3), nullable=False)
    # The Message-ID without angle brackets, or "sha256:<hex>" for a message without one.
    message_key: Mapped[str] = mapped_column(sa.String(300), unique=True, nullable=False)
    # The Message-ID header as sent (None when the message had none).
    message_id: Mapped[str | None] = mapped_column(sa.String(998))
    in_reply_to: Mapped[str | None] = mapped_column(sa.Text)
    references: Mapped[str | None] = mapped_column(sa.Text)
    from_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    from_address: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    to_addresses: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    cc_addresses: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    subject: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # The readable text (from text/plain, or the HTML made readable), quoted history folded away.
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # The quoted history the text leaves out, kept to show on request.
    quoted_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # In: the instant the office's server received it (IMAP INTERNALDATE, or the newest
    # Received header when piped). Out: the instant it was written to the outbox.
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # The sender's own Date header, kept for the record; never used to route.
    date_header: Mapped[str | None] = mapped_column(sa.String(200))
    # The whole message as received (in), deferred so lists never load it.
    raw: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    enquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enquiries.id", ondelete="CASCADE"), index=True
    )
    # In: one of MAIL_IN_OUTCOMES; out: one of MAIL_OUT_KINDS.
    outcome: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # Why it was parked, thought automatic, or dismissed; a bounce's diagnostic.
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # Where it was read from: the mailbox (user@host/folder, never a password) and its UID.
    mailbox: Mapped[str | None] = mapped_column(sa.String(300))
    uid: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Out: the outbox row that delivers it (a plain integer: the outbox keeps its own rows).
    outbox_message_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    # A bounce: the message it answers, when known. A message that bounced: the permanent
    # failure the bounce reported, and when.
    bounce_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mail_messages.id"))
    delivery_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivery_error: Mapped[str | None] = mapped_column(sa.Text)
    # A parked message a person dismissed or logged anyway.
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    attachments: Mapped[list[MailAttachment]] = relationship(
        back_populates="message", order_by="MailAttachment.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint("direction IN ('in', 'out')", name="direction"),
        # An enquiry's thread, oldest first.
        sa.Index("ix_mail_messages_enquiry_at", "enquiry_id", "at", "id"),
        # The "Mail not logged" page, newest first.
        sa.Index("ix_mail_messages_outcome_at", "outcome", "at", "id"),
        # At most one acknowledgement per sender an hour.
        sa.Index("ix_mail_messages_outcome_from_at", "outcome", "from_address", "at"),
    )


class MailAttachment(db.Model):
    """A file that came with an emailed enquiry, stored as release attachments are (outside the
    web root, under ``ATTACHMENT_DIR``, named by ``storage_key``)."""

    __tablename__ = "mail_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mail_messages.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    message: Mapped[MailMessage] = relationship(back_populates="attachments")


class Mailbox(db.Model):
    """Where the fetch of one IMAP mailbox has got to: the UIDVALIDITY it read under and the
    last UID it committed, so nothing is fetched twice or skipped."""

    __tablename__ = "mailboxes"

    # user@host:port/folder, never a password.
    name: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    uidvalidity: Mapped[int | None] = mapped_column(sa.BigInteger)
    last_uid: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    last_fetch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class DutyShift(db.Model):
    """The out-of-hours duty rota: who is on duty from one instant to another."""

    __tablename__ = "duty_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    user: Mapped[User] = relationship()

    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="order"),)


class OfficeException(db.Model):
    """An admin's change to the office calendar: a closure or an extra opening, for a whole
    London day (no times) or part of one (local wall times)."""

    __tablename__ = "office_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)  # closed | open
    starts: Mapped[time | None] = mapped_column(sa.Time)
    ends: Mapped[time | None] = mapped_column(sa.Time)
    reason: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (sa.CheckConstraint("kind IN ('closed', 'open')", name="kind"),)


# --- repeated requests ------------------------------------------------------------------------


class IdempotencyKey(db.Model):
    """A key a client sent with a create (the ``Idempotency-Key`` header) and the answer it
    got. Written in the same transaction as the record it created, so a repeat of the request
    answers the same and creates nothing, and a crash never keeps one without the other."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Whose key it is: "user:ID" for a staff token, "public" for the journalists' endpoint.
    scope: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # What was asked (endpoint and body), to refuse the same key for a different request.
    request_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    endpoint: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    response_body: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)

    __table_args__ = (sa.UniqueConstraint("scope", "key"),)


# --- statements (lines to take) ---------------------------------------------------------------


class Statement(db.Model):
    """An agreed position on a topic: its working copy, its sign-off and its state. The content
    is kept as ordered JSON lists, as in every revision, so a revision is a complete snapshot."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    # draft, in_review, approved, retired; an approved statement past its review-by date
    # *needs review*: see domain.statements.
    state: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="draft", index=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    topics: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    lines: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    qa: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    statement: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    spokesperson: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    spokesperson_role: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    background: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    review_by: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # Always empty: the one release a statement could serve before it could serve several
    # (statement_releases holds the links now). Kept because dropping it would rebuild the
    # table on SQLite.
    release_id: Mapped[int | None] = mapped_column(sa.ForeignKey("releases.id"), index=True)

    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    last_editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    approved_hash: Mapped[str | None] = mapped_column(sa.String(64))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_version: Mapped[int | None] = mapped_column(sa.Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_reason: Mapped[str | None] = mapped_column(sa.Text)
    notice: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    # Publication in the newsroom (optional): None until published, then published or
    # withdrawn. The public only ever sees the approved revision named by public_revision_id
    # (a plain integer, as for releases), and the address is fixed at the first publication.
    publication: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    slug: Mapped[str | None] = mapped_column(sa.String(120), unique=True, index=True)
    public_revision_id: Mapped[int | None] = mapped_column(sa.Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When the public last saw new words (the first publication, or a re-approved edit).
    public_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(sa.Text)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_editor: Mapped[User] = relationship(foreign_keys=[last_editor_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    release_links: Mapped[list[StatementRelease]] = relationship(
        order_by="StatementRelease.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    public_revision: Mapped[StatementRevision | None] = relationship(
        primaryjoin="foreign(Statement.public_revision_id) == StatementRevision.id",
        post_update=True,
    )

    @property
    def release_ids(self) -> list[int]:
        """The releases the working copy serves, in its order."""
        return [link.release_id for link in self.release_links]

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'retired')", name="statement_state"
        ),
    )


class StatementRelease(db.Model):
    """A release a statement serves, in the order the statement lists them (any number). The
    working copy's links: each revision keeps its own list in its content."""

    __tablename__ = "statement_releases"

    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    release_id: Mapped[int] = mapped_column(
        sa.ForeignKey("releases.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    release: Mapped[Release] = relationship()


class StatementRevision(db.Model):
    """One save of a statement: a full snapshot of its content and its hash."""

    __tablename__ = "statement_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statements.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The content as domain.statements.StatementContent.as_dict() gives it.
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False)
    content_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    editor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    editor: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("statement_id", "number", name="uq_statement_revision_number"),
    )


class StatementEvent(db.Model):
    """The statement's timeline: one row per transition or use."""

    __tablename__ = "statement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statements.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str | None] = mapped_column(sa.String(20))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    actor: Mapped[User | None] = relationship()


# --- media contacts and lists ---------------------------------------------------------------


class Contact(db.Model):
    """A journalist or editor the office may send releases to, with the lawful basis the office
    holds their details on and a do-not-contact flag that always wins (``domain.contacts``).
    Email is stored lower-cased and phone in E.164, so matching is exact on every database."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    outlet: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    # Unique among contacts holding one; an anonymised contact holds none.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    beats: Mapped[list[str]] = mapped_column(sa.JSON, nullable=False, default=list)
    # domain.contacts.CONSENT_BASES: legitimate_interests, consent, public_task
    consent_basis: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    consent_at: Mapped[date | None] = mapped_column(sa.Date)
    do_not_contact: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    do_not_contact_reason: Mapped[str | None] = mapped_column(sa.String(500))
    do_not_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time the office sent this contact something; anonymisation counts from it.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    created_by: Mapped[User | None] = relationship()
    lists: Mapped[list[ContactList]] = relationship(
        secondary="contact_list_members", back_populates="contacts", order_by="ContactList.name"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "consent_basis IN ('legitimate_interests', 'consent', 'public_task')",
            name="consent_basis",
        ),
        sa.Index("ix_contacts_name", "name"),
        sa.Index("ix_contacts_outlet", "outlet"),
        sa.Index("ix_contacts_anonymised_last_used", "anonymised_at", "last_used_at"),
    )


class ContactList(db.Model):
    """A named list of contacts that releases are sent to."""

    __tablename__ = "contact_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    # The name lower-cased: two lists may not differ only by case.
    name_key: Mapped[str] = mapped_column(sa.String(120), nullable=False, unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    contacts: Mapped[list[Contact]] = relationship(
        secondary="contact_list_members", back_populates="lists", order_by="Contact.name"
    )


class ContactListMember(db.Model):
    """A contact's place on a list."""

    __tablename__ = "contact_list_members"

    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact_lists.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ContactEvent(db.Model):
    """A contact's timeline: created, edited (which fields), do-not-contact set or cleared,
    added to or removed from a list, imported, anonymised."""

    __tablename__ = "contact_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    actor: Mapped[User | None] = relationship()


class ContactImport(db.Model):
    """An uploaded CSV of contacts waiting for the officer's confirmation. The file is kept
    here, not in the form, so the confirmed import reads and checks again exactly the file the
    dry run showed; only the officer who uploaded it may confirm it, once."""

    __tablename__ = "contact_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random key naming the import in its confirmation page's address.
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")
    csv_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counts of what the confirmed import did: {"new": n, "update": n, ...}.
    outcome: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    uploaded_by: Mapped[User] = relationship()


# --- the forward look (planned entries) -------------------------------------------------------


class PlannedEntry(db.Model):
    """A line on the forward look made before a release is written: what, who owns it, the UK
    date (and perhaps time) it is planned for, provisional / confirmed / cancelled, whether the
    public calendar announces it (under ``public_title`` only), and the release once written."""

    __tablename__ = "planned_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    # The London date and wall time (domain.forward_look): a time names exactly one UK instant.
    day: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    at: Mapped[time | None] = mapped_column(sa.Time)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="provisional")
    announced: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    public_title: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    release_id: Mapped[int | None] = mapped_column(sa.ForeignKey("releases.id"), unique=True)
    cancelled_reason: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    release: Mapped[Release | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('provisional', 'confirmed', 'cancelled')", name="planned_status"
        ),
    )


class PlannedEntryEvent(db.Model):
    """A planned entry's timeline: planned, edited, moved (with the reason), cancelled, its
    release written. ``public`` marks a reason given while the entry was announced, which the
    public calendar shows."""

    __tablename__ = "planned_entry_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("planned_entries.id", ondelete="CASCADE"), nullable=False, index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    from_day: Mapped[date | None] = mapped_column(sa.Date)
    from_at: Mapped[time | None] = mapped_column(sa.Time)
    to_day: Mapped[date | None] = mapped_column(sa.Date)
    to_at: Mapped[time | None] = mapped_column(sa.Time)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    public: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    actor: Mapped[User | None] = relationship()


# --- outbox and staff notifications ------------------------------------------------------------

OUTBOX_STATUSES = ("queued", "sending", "sent", "failed", "cancelled")


class OutboxMessage(db.Model):
    """One email to send, written in the same transaction as the change that causes it and
    delivered by the job queue's workers (``pressoffice.jobs``). The row, not the queue, is the
    record: the outbox page and a distribution's progress read it."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is, e.g. "notification:release_submitted" or "distribution".
    kind: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    to_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # Extra headers, such as List-Unsubscribe: {name: value}.
    headers: Mapped[dict[str, str]] = mapped_column(sa.JSON, nullable=False, default=dict)
    # Not before this instant (None: at once).
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # The mail server's reason for the last refusal, or what went wrong reaching it.
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # When a worker may next try it: the send_at instant, then each retry's backoff.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # While sending: the worker's claim lasts until then; past it, the sweep hands it on.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Fixed when queued and the same on every attempt, so a repeat is recognisable.
    message_id: Mapped[str] = mapped_column(sa.String(255), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # The member of staff it is addressed to, when it is; they may read it on the outbox page.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The distribution recipient it is for (a plain integer: distribution keeps its own rows).
    distribution_recipient_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')", name="status"
        ),
        # The sweep: rows left queued past their time, or sending past their lease.
        sa.Index("ix_outbox_messages_status_send_at", "status", "send_at"),
        sa.Index("ix_outbox_messages_status_next_attempt", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_created_id", "created_at", "id"),
    )


NOTIFICATION_KINDS = (
    "release_submitted",
    "release_approved",
    "release_changes_requested",
    "release_published",
    "release_withdrawn",
    "correction_approved",
    "quote_answered",
    "enquiry_out_of_hours",
    "enquiry_deadline",
    "enquiry_follow_up",
)


class Notification(db.Model):
    """Something a member of staff is told: shown on their notifications page from ``due_at``
    (a release going public at its embargo is told at that instant), and emailed through the
    outbox when they want that kind by email."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # The staff page it is about (a path inside the app).
    link: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    release_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("releases.id", ondelete="CASCADE"), index=True
    )
    enquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("enquiries.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Its email, when one was queued (a plain integer: the outbox keeps its own rows).
    outbox_message_id: Mapped[int | None] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        # The unread count in the header and the page, newest first.
        sa.Index("ix_notifications_user_read_due", "user_id", "read_at", "due_at"),
        sa.Index("ix_notifications_user_due_id", "user_id", "due_at", "id"),
    )


class NotificationPreference(db.Model):
    """Whether a person wants one kind of notification by email (no row: yes)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)


# --- public freshness -----------------------------------------------------------------------


class PublicChange(db.Model):
    """One row whose token changes in the same transaction as anything a public page shows:
    a rendered public page is kept only under the token it was read under
    (services.public_freshness)."""

    __tablename__ = "public_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), nullable=False)


# --- deleted drafts -------------------------------------------------------------------------


class DeletedRelease(db.Model):
    """What is kept of a draft deleted before it was ever submitted: that it existed, who wrote
    it, who deleted it and when. Its timeline goes with it, so the fact lives here, office-wide,
    with no key pointing at the release that is gone."""

    __tablename__ = "deleted_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The number the release had: a plain integer, as the release row is gone.
    release_id: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    slug: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    versions: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    deleted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    deleted_by: Mapped[User] = relationship(foreign_keys=[deleted_by_id])
