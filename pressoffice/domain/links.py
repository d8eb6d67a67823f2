"""Secret links for people without an account: embargoed copies and quote sign-off.

One mechanism serves both. A link carries a long random token; only the token's SHA-256 is
stored, so a copy of the database gives nobody a working link. A link belongs to one named
person, is logged each time it is used, can be revoked, and expires.

What a link may show is decided here, from the facts and the current instant:

- an embargoed copy shows the approved content only while its release is scheduled and the
  embargo is still ahead; from the embargo instant it sends the reader to the public page;
- anything else (revoked, expired, unknown or malformed token, a release that was unscheduled,
  withdrawn, or edited after approval) is answered exactly as a page that does not exist, so
  that nobody can learn from a link whether a release or a recipient exists.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email

from ..timefmt import to_london
from .input_rules import single_line_problem
from .visibility import computed_status
from .workflow import ALLOWED, SIGN_OFF_ROLES, Decision, ReleaseState

# 32 random bytes: 256 bits, written as 43 URL-safe characters.
TOKEN_BYTES = 32
TOKEN_LENGTH = 43
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")

# How long a link works after it is handed out. An embargoed copy redirects to the public page
# once the embargo lifts, until it expires; a sign-off request waits a fortnight for an answer.
PREVIEW_LINK_LIFETIME = timedelta(days=30)
SIGNOFF_LINK_LIFETIME = timedelta(days=14)

NAME_MAX = 120
OUTLET_MAX = 120
EMAIL_MAX = 254
COMMENT_MAX = 2_000
REASON_MAX = 2_000

# What an embargoed link answers.
SHOW = "show"
REDIRECT = "redirect"
MISSING = "missing"


def new_token() -> str:
    """A fresh secret for a link: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_well_formed(token: str | None) -> bool:
    """True when ``token`` has the shape of a token we hand out (length and alphabet)."""
    return isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token) is not None


def token_hash(token: str) -> str:
    """What is stored for a token: its SHA-256 in hex. The token itself is never stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_expired(expires_at: datetime | None, now: datetime) -> bool:
    """A link stops working at its expiry instant (inclusive)."""
    return expires_at is not None and expires_at <= now


@dataclass(frozen=True)
class LinkFacts:
    """What the rules need to know about one link."""

    revoked_at: datetime | None = None
    expires_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and not has_expired(self.expires_at, now)


@dataclass(frozen=True)
class EmbargoedRelease:
    """What the rules need to know about the release behind an embargoed link."""

    state: str
    embargo_until: datetime | None
    # The revision the public will see, and the revision that was approved: both set, and the
    # same, for a release scheduled with its approved content.
    public_revision_id: int | None
    approved_revision_id: int | None


def preview_answer(link: LinkFacts, release: EmbargoedRelease | None, now: datetime) -> str:
    """``SHOW`` the approved copy, ``REDIRECT`` to the public page, or ``MISSING``.

    A scheduled release shows its approved content until the embargo instant; from that
    instant (inclusive) the link sends its reader to the public page, as does a release published
    early. Everything else answers as a page that does not exist.
    """
    if release is None or not link.usable(now):
        return MISSING
    status = computed_status(release.state, release.embargo_until, now)
    if release.public_revision_id is None:
        return MISSING
    if status == "published":
        return REDIRECT
    if (
        status == "scheduled"
        and release.embargo_until is not None
        and release.approved_revision_id == release.public_revision_id
    ):
        return SHOW
    return MISSING


# What happens to the embargoed-copy links already given out when a release is unscheduled.
# Kept, they answer as a missing page until the release is scheduled again, then show the
# content approved by then; cancelled, they are revoked, and a revoked link never works again.
KEEP_LINKS = "keep"
CANCEL_LINKS = "cancel"
LINK_CHOICES = {
    KEEP_LINKS: "Keep them for when it is scheduled again",
    CANCEL_LINKS: "Cancel them for good",
}


def links_choice(value, live_links: int) -> tuple[str, dict[str, str]]:
    """What to do with the live links given out, when unscheduling: ``(choice, errors)``. With
    no choice given at all (``None``), the links are kept, as they always were."""
    if value is None:
        return KEEP_LINKS, {}
    if value in LINK_CHOICES:
        return value, {}
    if value == "" and live_links == 0:
        return KEEP_LINKS, {}
    given = "link" if live_links == 1 else "links"
    return KEEP_LINKS, {
        "links": f"Choose whether to keep the {live_links} {given} given out "
        "for when it is scheduled again, or cancel them for good"
    }


def links_kept_note(choice: str, live_links: int) -> str:
    """What the timeline says happened to the links given out, when a release is unscheduled."""
    if live_links == 0:
        return ""
    count = f"{live_links} {'link' if live_links == 1 else 'links'} given out"
    if choice == CANCEL_LINKS:
        return f"{count}: cancelled for good"
    return f"{count}: kept; they show the release again if it is scheduled again"


# Sign-off statuses: the request waits for the speaker, the speaker approved, the speaker proposed
# a change, the quote was edited after the request (void), or staff took the link back.
REQUESTED = "requested"
APPROVED = "approved"
CHANGES_PROPOSED = "changes_proposed"
VOID = "void"
REVOKED = "revoked"
# Still waiting: the speaker has not approved the words as they stand.
WAITING = (REQUESTED, CHANGES_PROPOSED)
# Still attached to the quote (not void or revoked).
ACTIVE = (REQUESTED, APPROVED, CHANGES_PROPOSED)

SIGNOFF_LABELS = {
    REQUESTED: "Waiting for the speaker",
    APPROVED: "Signed off",
    CHANGES_PROPOSED: "Change proposed",
    VOID: "Void: quote edited",
    REVOKED: "Link revoked",
}


def signoff_link_works(
    link: LinkFacts, status: str, release_state: str, embargo_until, now: datetime
) -> bool:
    """The speaker's link shows their quote while the request stands and the release is not
    yet public; afterwards it answers as a page that does not exist."""
    if not link.usable(now) or status not in ACTIVE:
        return False
    return computed_status(release_state, embargo_until, now) not in ("published", "withdrawn")


def may_answer_signoff(status: str) -> Decision:
    """The speaker answers once per request: approve, or propose a change."""
    if status == REQUESTED:
        return ALLOWED
    if status == APPROVED:
        return Decision(False, "You have already approved this quote", "state")
    if status == CHANGES_PROPOSED:
        return Decision(
            False, "Your suggested change is with the press office, who will be in touch", "state"
        )
    return Decision(False, "This link no longer works", "state")


def quote_described(speaker: str, text: str, limit: int = 60) -> str:
    """A quote named in a sentence: 'the quote by Ann Lee ("I am pleased with...")'."""
    words = " ".join(text.split())
    if len(words) > limit:
        words = words[: limit - 1].rstrip() + "…"
    return f"the quote by {speaker} (“{words}”)"


# --- checking what staff and speakers type ------------------------------------------------


def _text(
    errors: dict[str, str],
    name: str,
    value,
    label: str,
    limit: int,
    required=True,
    one_line=False,
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[name] = f"{label} must be text"
        return ""
    value = " ".join(value.split()) if name != "comment" else value.strip()
    hidden = single_line_problem(value, label) if one_line else None
    if hidden:
        errors[name] = hidden
    elif required and not value:
        errors[name] = f"Enter {label[0].lower()}{label[1:]}"
    elif len(value) > limit:
        errors[name] = f"{label} must be {limit:,} characters or fewer"
    return value


def clean_email(errors: dict[str, str], value, name: str = "email") -> str:
    """An email address in the usual shape, lower-cased domain; a message under ``name`` if not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        errors[name] = "Enter an email address"
        return ""
    if not isinstance(value, str):
        errors[name] = "The email address must be text"
        return ""
    value = value.strip()
    if len(value) > EMAIL_MAX:
        errors[name] = f"The email address must be {EMAIL_MAX} characters or fewer"
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        errors[name] = "Enter an email address in the correct format, like name@example.com"
        return ""


def clean_recipient(name, outlet, email) -> tuple[dict[str, str], dict[str, str]]:
    """A journalist to send an embargoed copy to: ``(cleaned, errors)``."""
    errors: dict[str, str] = {}
    cleaned = {
        "name": _text(errors, "name", name, "Their name", NAME_MAX, one_line=True),
        "outlet": _text(
            errors, "outlet", outlet, "The outlet they write for", OUTLET_MAX, one_line=True
        ),
        "email": clean_email(errors, email),
    }
    return cleaned, errors


def clean_speaker(name, email) -> tuple[dict[str, str], dict[str, str]]:
    """The person quoted, asked to sign off their words: ``(cleaned, errors)``."""
    errors: dict[str, str] = {}
    cleaned = {
        "name": _text(
            errors, "name", name, "The name of the person quoted", NAME_MAX, one_line=True
        ),
        "email": clean_email(errors, email),
    }
    return cleaned, errors


def clean_reason(value, name: str = "reason", what: str = "the reason") -> tuple[str, dict]:
    """A reason that will be recorded on the release's timeline."""
    errors: dict[str, str] = {}
    reason = _text(errors, name, value, what[0].upper() + what[1:], REASON_MAX)
    if name in errors and not reason:
        errors[name] = f"Give {what}: it is recorded on the release's timeline"
    return reason, errors


# --- "embargo broken" ------------------------------------------------------------------------


def may_break_embargo(
    release: ReleaseState, role: str, now: datetime, reason: str | None
) -> Decision:
    """When an embargo has been broken, an approver publishes the scheduled release at once,
    saying why; every recipient of an embargoed copy is then listed for follow-up."""
    if role not in SIGN_OFF_ROLES:
        return Decision(
            False, "Only an approver or an admin can publish before the embargo", "permission"
        )
    status = release.status(now)
    if status == "published" and release.embargo_until is not None:
        return Decision(False, "The embargo has already lifted: it has gone out", "state")
    if status != "scheduled":
        return Decision(
            False, "Only a scheduled release can be published before its embargo", "state"
        )
    if not release.approved_hash or release.approved_hash != release.content_hash:
        return Decision(False, "The content has changed since it was approved", "state")
    if not (reason or "").strip():
        return Decision(
            False,
            "Say how the embargo was broken: it is recorded on the release's timeline",
            "invalid",
            "reason",
        )
    return ALLOWED


def embargo_banner(embargo_until: datetime) -> str:
    """'EMBARGOED UNTIL 00:01 Thursday 1 December 2016 (UK time)'."""
    local = to_london(embargo_until)
    return f"EMBARGOED UNTIL {local:%H:%M} {local:%A} {local.day} {local:%B %Y} (UK time)"


# The embargo line as ``embargo_banner`` writes it, found in the words of a copy.
EMBARGO_LINE = re.compile(r"EMBARGOED UNTIL [^\n]*\(UK time\)")
