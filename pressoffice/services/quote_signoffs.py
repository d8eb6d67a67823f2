"""Quote sign-off: the person quoted approves their words, or proposes a change.

An officer asks the speaker of a quote to sign it off; the speaker gets a personal secret link
(only its hash is stored) that shows the quote in context: the headline and the paragraphs
around it, never the whole release. The speaker approves, or proposes new wording with a
comment. A proposal never edits the release: it waits for an officer, who accepts it (an edit
of the release through ``releases.update_release``, which voids any approval) or rejects it.

Approving a release is refused while one of its quotes waits for its speaker, and editing a
signed-off quote voids its sign-off: those two rules are applied by the release use cases
themselves (``releases.signoff_rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from .. import clock
from ..domain import links
from ..domain.content import QUOTE_TEXT_MAX, Quote
from ..domain.render import paragraphs, quote_introduction, render_markdown
from ..domain.visibility import computed_status
from ..extensions import db
from ..models import QuoteSignoff, Release, User
from . import mail, notifications, secret_links
from . import releases as release_service
from .errors import NotFound, ValidationFailed, WrongState
from .unit_of_work import unit_of_work

LINK_NOT_FOUND = "There is no page at this address"


def _quotes(release: Release) -> list[Quote]:
    return list(release_service.working_content(release).quotes)


def _quote(release: Release, key: str) -> tuple[int, Quote]:
    for index, quote in enumerate(_quotes(release)):
        if quote.key == key:
            return index, quote
    raise NotFound("This release has no such quote")


# --- asking -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestedSignoff(secret_links.HandedOutLink):
    signoff: QuoteSignoff


def request_signoff(
    release_id: int | str,
    quote_key: str,
    *,
    actor: User,
    name: Any,
    email: Any,
    now: datetime | None = None,
) -> RequestedSignoff:
    """Ask the person quoted to sign off one quote. A new request replaces an earlier one for the
    same quote (its link stops working). Not for a release that is already public. The link is
    emailed after the request is stored, so a failure to send never loses it."""
    requested = _store_signoff_request(
        release_id, quote_key, actor=actor, name=name, email=email, now=clock.instant(now)
    )
    emailed = secret_links.email_if_configured(
        lambda: mail.send_signoff_link(
            requested.name, requested.email, requested.release_title, requested.url
        )
    )
    return RequestedSignoff(
        token=requested.token, url=requested.url, emailed=emailed, signoff=requested.signoff
    )


@dataclass(frozen=True)
class _StoredRequest:
    token: str
    url: str
    signoff: QuoteSignoff
    name: str
    email: str
    release_title: str


@unit_of_work
def _store_signoff_request(
    release_id: int | str, quote_key: str, *, actor: User, name: Any, email: Any, now: datetime
) -> _StoredRequest:
    actor = secret_links.staff_member(actor)
    release = _lock_release(release_id)
    status = computed_status(release.state, release.embargo_until, now)
    if status in ("published", "withdrawn"):
        raise WrongState("This release is already public: its quotes can no longer be signed off")
    _index, quote = _quote(release, quote_key)
    cleaned, errors = links.clean_speaker(name, email)
    if errors:
        raise ValidationFailed(errors)
    for earlier in db.session.scalars(
        sa.select(QuoteSignoff)
        .where(
            QuoteSignoff.release_id == release.id,
            QuoteSignoff.quote_key == quote.key,
            QuoteSignoff.status.in_(links.ACTIVE),
        )
        .with_for_update()
    ):
        earlier.status = links.REVOKED
    link = secret_links.new_link(now, links.SIGNOFF_LINK_LIFETIME)
    signoff = QuoteSignoff(
        release_id=release.id,
        quote_key=quote.key,
        quote_text=quote.text,
        name=cleaned["name"],
        email=cleaned["email"],
        token_hash=link.token_hash,
        status=links.REQUESTED,
        requested_by_id=actor.id,
        created_at=now,
        expires_at=link.expires_at,
    )
    db.session.add(signoff)
    release_service.record_event(
        release,
        actor,
        "quote_signoff_requested",
        now,
        comment=f"Asked {cleaned['name']} to sign off "
        + links.quote_described(quote.speaker, quote.text),
    )
    db.session.flush()
    return _StoredRequest(
        token=link.token,
        url=secret_links.link_url("signoff", link.token),
        signoff=signoff,
        name=signoff.name,
        email=signoff.email,
        release_title=release.title,
    )


def _lock_release(release_id: int | str) -> Release:
    try:
        key = int(release_id)
    except (TypeError, ValueError):
        raise NotFound("There is no release with that number") from None
    return release_service.lock_release(key)


# --- what the speaker sees ----------------------------------------------------------------


@dataclass(frozen=True)
class QuoteInContext:
    """What the speaker's link shows: the headline, the paragraph before the quote as the
    release reads, the quote itself, and the paragraph after it."""

    signoff: QuoteSignoff
    title: str
    introduction: str
    quote_paragraphs: list[str]
    # Safe HTML of the body paragraph before the quote, or the previous quote as plain text.
    before_html: str | None
    before_quote: tuple[str, list[str]] | None
    after_quote: tuple[str, list[str]] | None

    @property
    def may_answer(self) -> bool:
        return bool(links.may_answer_signoff(self.signoff.status))


def _load_by_token(
    token: str, now: datetime, *, lock: bool = False
) -> tuple[QuoteSignoff, Release]:
    find = secret_links.lock_by_token if lock else secret_links.find_by_token
    signoff, release = find(QuoteSignoff, token, LINK_NOT_FOUND)
    facts = links.LinkFacts(revoked_at=None, expires_at=signoff.expires_at)
    if not links.signoff_link_works(
        facts, signoff.status, release.state, release.embargo_until, now
    ):
        raise NotFound(LINK_NOT_FOUND)
    return signoff, release


def open_signoff(token: str, now: datetime | None = None) -> QuoteInContext:
    """The quote in context for the speaker holding ``token``. NotFound, the same answer as a
    missing page, for an unknown, malformed, expired, revoked or void link."""
    now = clock.instant(now)
    signoff, release = _load_by_token(token, now)
    quotes = _quotes(release)
    index, quote = _quote(release, signoff.quote_key)
    before_html = before_quote = after_quote = None
    if index == 0:
        body = paragraphs(release.body)
        before_html = render_markdown(body[-1]) if body else None
    else:
        previous = quotes[index - 1]
        before_quote = (quote_introduction(previous), paragraphs(previous.text))
    if index + 1 < len(quotes):
        following = quotes[index + 1]
        after_quote = (quote_introduction(following), paragraphs(following.text))
    return QuoteInContext(
        signoff=signoff,
        title=release.title,
        introduction=quote_introduction(quote),
        quote_paragraphs=paragraphs(quote.text),
        before_html=before_html,
        before_quote=before_quote,
        after_quote=after_quote,
    )


@unit_of_work
def answer_signoff(
    token: str,
    *,
    decision: Any,
    proposed_text: Any = None,
    comment: Any = None,
    now: datetime | None = None,
) -> QuoteSignoff:
    """The speaker approves their quote (``decision`` "approve") or proposes new wording
    ("propose", with ``proposed_text`` and an optional comment). The release is not changed.

    The release is locked before the sign-off is read, so an officer's edit of the quote either
    lands first (the sign-off is then void and the answer refused) or waits for this one (and
    then voids the sign-off it follows): the speaker never approves words they did not see."""
    now = clock.instant(now)
    signoff, release = _load_by_token(token, now, lock=True)
    decided = links.may_answer_signoff(signoff.status)
    if not decided:
        raise WrongState(decided.reason)
    _index, quote = _quote(release, signoff.quote_key)
    if quote.text != signoff.quote_text:
        raise WrongState(
            "This quote has changed since you were asked: the press office will ask again"
        )
    errors: dict[str, str] = {}
    comment_text = comment.strip() if isinstance(comment, str) else ""
    if len(comment_text) > links.COMMENT_MAX:
        errors["comment"] = f"Your comment must be {links.COMMENT_MAX:,} characters or fewer"
    if decision == "approve":
        if errors:
            raise ValidationFailed(errors)
        signoff.status = links.APPROVED
        action, said = "quote_signed_off", "Approved the quote as it stands"
    elif decision == "propose":
        text = proposed_text.strip() if isinstance(proposed_text, str) else ""
        text = text.replace("\r\n", "\n")
        if not text:
            errors["proposed_text"] = "Enter the wording you would like instead"
        elif len(text) > QUOTE_TEXT_MAX:
            errors["proposed_text"] = f"Your wording must be {QUOTE_TEXT_MAX:,} characters or fewer"
        elif text == quote.text:
            errors["proposed_text"] = (
                "Your wording is the same as the quote: change it, or approve the quote instead"
            )
        if errors:
            raise ValidationFailed(errors)
        signoff.status = links.CHANGES_PROPOSED
        signoff.proposed_text = text
        signoff.suggestion_outcome = None
        action, said = "quote_change_proposed", f"Proposed: “{text}”"
    else:
        raise ValidationFailed({"decision": "Choose whether to approve or propose a change"})
    signoff.comment = comment_text or None
    signoff.answered_at = now
    release_service.record_event(
        release,
        None,
        action,
        now,
        actor_label=f"{signoff.name} (quoted)",
        comment=said + (f". Comment: {comment_text}" if comment_text else ""),
    )
    notifications.quote_answered(signoff, release, now)
    return signoff


# --- the officer's side -------------------------------------------------------------------


def _lock_signoff(release_id: int | str, signoff_id: int | str) -> tuple[QuoteSignoff, Release]:
    """The release, then its sign-off request, both locked and read afresh."""
    try:
        key = int(signoff_id)
        release_key = int(release_id)
    except (TypeError, ValueError):
        raise NotFound("There is no such sign-off request") from None
    try:
        release = release_service.lock_release(release_key)
    except NotFound:
        raise NotFound("There is no such sign-off request") from None
    signoff = secret_links.lock_holder(
        QuoteSignoff, QuoteSignoff.id == key, QuoteSignoff.release_id == release.id
    )
    if signoff is None:
        raise NotFound("There is no such sign-off request")
    return signoff, release


@unit_of_work
def accept_suggestion(
    release_id: int | str, signoff_id: int | str, *, actor: User, now: datetime | None = None
) -> Release:
    """Use the speaker's proposed wording. This is an edit of the release like any other: a new
    revision, and a release in review, approved or scheduled goes back to draft with its approval
    void, to be submitted and signed off again. The speaker's sign-off then covers the new
    words."""
    now = clock.instant(now)
    actor = secret_links.staff_member(actor)
    signoff, release = _lock_signoff(release_id, signoff_id)
    if signoff.status != links.CHANGES_PROPOSED or not signoff.proposed_text:
        raise WrongState("There is no proposed change waiting on this quote")
    _index, quote = _quote(release, signoff.quote_key)
    proposed = signoff.proposed_text
    signoff.status = links.APPROVED
    signoff.suggestion_outcome = "accepted"
    signoff.quote_text = proposed
    signoff.decided_by_id = actor.id
    signoff.decided_at = now
    release_service.record_event(
        release,
        actor,
        "quote_suggestion_accepted",
        now,
        comment=f"Used {signoff.name}'s wording: “{proposed}”",
    )
    quotes = [
        {**q.as_dict(), "text": proposed} if q.key == quote.key else q.as_dict()
        for q in _quotes(release)
    ]
    # The edit and the sign-off change commit together, or not at all.
    return release_service.update_release(
        release.id,
        actor=actor,
        expected_version=release.version,
        title=release.title,
        summary=release.summary,
        body=release.body,
        quotes=quotes,
        links=release.links,
        notes=release.notes,
        change_note=f"Quote by {quote.speaker} changed at their request",
        now=now,
    )


@unit_of_work
def reject_suggestion(
    release_id: int | str, signoff_id: int | str, *, actor: User, now: datetime | None = None
) -> QuoteSignoff:
    """Keep the quote as it is. The speaker's link asks them again to approve it or propose
    something else; the quote still waits for them."""
    now = clock.instant(now)
    actor = secret_links.staff_member(actor)
    signoff, release = _lock_signoff(release_id, signoff_id)
    if signoff.status != links.CHANGES_PROPOSED:
        raise WrongState("There is no proposed change waiting on this quote")
    signoff.status = links.REQUESTED
    signoff.suggestion_outcome = "rejected"
    signoff.decided_by_id = actor.id
    signoff.decided_at = now
    release_service.record_event(
        release,
        actor,
        "quote_suggestion_rejected",
        now,
        comment=f"Kept the quote as it is, not {signoff.name}'s wording “{signoff.proposed_text}”",
    )
    return signoff


@unit_of_work
def revoke_signoff(
    release_id: int | str, signoff_id: int | str, *, actor: User, now: datetime | None = None
) -> QuoteSignoff:
    """Take back a speaker's link: it stops working at once, and the quote no longer waits."""
    now = clock.instant(now)
    actor = secret_links.staff_member(actor)
    signoff, release = _lock_signoff(release_id, signoff_id)
    if signoff.status in (links.VOID, links.REVOKED):
        return signoff
    signoff.status = links.REVOKED
    release_service.record_event(
        release,
        actor,
        "quote_signoff_revoked",
        now,
        comment=f"{signoff.name}'s sign-off link no longer works",
    )
    return signoff


def approve_with_override(
    release_id: int | str,
    *,
    actor: User,
    reason: Any,
    expected_version: Any = None,
    comment: str | None = None,
    require_version: bool = False,
    now: datetime | None = None,
) -> Release:
    """An approver signs off a release while a quote still waits for its speaker, giving the
    reason, which the timeline records with the approver's ``comment``. ``expected_version`` is
    the version the approver saw: if the release has been saved since, the approval is refused
    (StaleVersion); with ``require_version`` it must be given."""
    cleaned, errors = links.clean_reason(
        reason, "reason", "the reason for approving without the speaker's sign-off"
    )
    if errors:
        raise ValidationFailed(errors)
    return release_service.approve_release(
        release_id,
        actor=secret_links.staff_member(actor),
        signoff_override=cleaned,
        expected_version=expected_version,
        comment=comment,
        require_version=require_version,
        now=clock.instant(now),
    )


# --- reading, for staff --------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteStatus:
    quote: Quote
    number: int
    # The latest request for this quote, if any.
    signoff: QuoteSignoff | None

    @property
    def label(self) -> str:
        if self.signoff is None:
            return "Not asked"
        return links.SIGNOFF_LABELS.get(self.signoff.status, self.signoff.status)

    @property
    def waiting(self) -> bool:
        return self.signoff is not None and self.signoff.status in links.WAITING


def quote_statuses(release: Release) -> list[QuoteStatus]:
    """Each quote of the release with its latest sign-off request: two queries."""
    latest: dict[str, QuoteSignoff] = {}
    for signoff in db.session.scalars(
        sa.select(QuoteSignoff)
        .where(QuoteSignoff.release_id == release.id)
        .order_by(QuoteSignoff.created_at, QuoteSignoff.id)
    ):
        latest[signoff.quote_key] = signoff
    return [
        QuoteStatus(quote=q, number=i, signoff=latest.get(q.key))
        for i, q in enumerate(_quotes(release), start=1)
    ]
