"""Lines to take: what a statement may contain, its state machine, and when it may be used.

A statement is an agreed position on a topic: a title, topics, the lines (ordered), Q&A pairs
(ordered), an on-the-record statement with its spokesperson and role, background notes that are
never for quotation, and a review-by date. It is signed off by the same rules as a release
(``domain.signoff``): two people, bound to the content hash.

| from                 | action          | to        |
| -------------------- | --------------- | --------- |
| draft                | submit          | in_review |
| in_review            | approve         | approved  |
| in_review            | request_changes | draft     |
| draft, in_review, approved (or needing review) | edit | draft (approval void) |
| any but retired      | retire          | retired   |

Publication in the newsroom is ``domain.statement_publication``.

An approved statement whose review-by date has passed (in London) *needs review*: it is shown
so, cannot be used to answer an enquiry, and must be edited, submitted and approved again. The
current instant is an argument of every rule.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import signoff
from .signoff import ALLOWED, SIGN_OFF_ROLES, STAFF_ROLES, Actor, Decision
from .statement_dates import LONDON, london_date, parse_review_by, review_is_due  # noqa: F401

TITLE_MAX = 200
TOPIC_MAX = 60
TOPICS_MAX = 20
LINE_MAX = 1_000
LINES_MAX = 30
QUESTION_MAX = 500
ANSWER_MAX = 3_000
QA_MAX = 30
STATEMENT_MAX = 5_000
SPOKESPERSON_MAX = 120
ROLE_MAX = 200
BACKGROUND_MAX = 10_000
RELEASES_MAX = 20
REASON_MAX = 1_000
COMMENT_MAX = 2_000

STATES = ("draft", "in_review", "approved", "retired")

STATE_LABELS = {
    "draft": "Draft",
    "in_review": "In review",
    "approved": "Approved",
    "needs_review": "Needs review",
    "retired": "Retired",
}

ACTION_LABELS = {
    "create": "Created",
    "edit": "Edited",
    "submit": "Submitted for approval",
    "approve": "Approved",
    "request_changes": "Changes requested",
    "retire": "Retired",
    "approval_void": "Approval void",
    "used": "Used to answer an enquiry",
    "publish": "Published in the newsroom",
    "public_update": "Newsroom page updated to the approved version",
    "withdraw": "Withdrawn from the newsroom",
}


# Control characters other than tab, newline and carriage return never belong in a statement.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HIDDEN = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u2060\ufeff"
)


# --- content ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QA:
    question: str
    answer: str

    def as_dict(self) -> dict[str, str]:
        return {"question": self.question, "answer": self.answer}


@dataclass(frozen=True)
class StatementContent:
    """Everything a statement says, in order; what an approval covers."""

    title: str
    topics: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    qa: tuple[QA, ...] = ()
    statement: str = ""
    spokesperson: str = ""
    spokesperson_role: str = ""
    background: str = ""
    review_by: date | None = None
    # The releases the statement serves, in the order given.
    release_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, the shape the API answers and the revisions store."""
        return {
            "title": self.title,
            "topics": list(self.topics),
            "lines": list(self.lines),
            "qa": [pair.as_dict() for pair in self.qa],
            "statement": self.statement,
            "spokesperson": self.spokesperson,
            "spokesperson_role": self.spokesperson_role,
            "background": self.background,
            "review_by": self.review_by.isoformat() if self.review_by else None,
            "release_ids": list(self.release_ids),
        }

    def missing_for_review(self) -> list[str]:
        """Fields that must be filled before the statement can be submitted for approval."""
        missing = []
        if not self.title:
            missing.append("title")
        if not self.statement and not self.lines:
            missing.append("statement")
        if self.statement and not self.spokesperson:
            missing.append("spokesperson")
        if self.review_by is None:
            missing.append("review_by")
        return missing


def content_from_stored(data: dict[str, Any]) -> StatementContent:
    """Content from what a revision or the working copy stores (trusted, already clean)."""
    review_by = data.get("review_by")
    if isinstance(review_by, str):
        review_by = date.fromisoformat(review_by)
    return StatementContent(
        title=data.get("title") or "",
        topics=tuple(data.get("topics") or ()),
        lines=tuple(data.get("lines") or ()),
        qa=tuple(QA(q.get("question", ""), q.get("answer", "")) for q in data.get("qa") or ()),
        statement=data.get("statement") or "",
        spokesperson=data.get("spokesperson") or "",
        spokesperson_role=data.get("spokesperson_role") or "",
        background=data.get("background") or "",
        review_by=review_by,
        release_ids=_stored_release_ids(data),
    )


def _stored_release_ids(data: dict[str, Any]) -> tuple[int, ...]:
    # Revisions saved when a statement served at most one release store "release_id".
    if "release_ids" in data:
        return tuple(data.get("release_ids") or ())
    single = data.get("release_id")
    return (single,) if single else ()


def content_hash(content: StatementContent) -> str:
    """The same content always gives the same hash; any change a reader could notice (a word,
    the order of the lines or the Q&A, the review-by date, the releases served) gives a
    different one."""
    data = content.as_dict()
    if len(content.release_ids) <= 1:
        # Statements serving at most one release are hashed in the form they were approved in
        # before a statement could serve several, so those approvals still cover them.
        del data["release_ids"]
        data["release_id"] = content.release_ids[0] if content.release_ids else None
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Checker:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(self, name: str, value: Any, label: str, limit: int, *, one_line: bool) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.errors[name] = f"{label} must be text"
            return ""
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
        value = _CONTROL.sub("", value).strip()
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            self.errors[name] = f"{label} contains a character that cannot be stored"
            return ""
        if one_line:
            if "\n" in value or "\r" in value:
                self.errors[name] = f"{label} must be on one line"
                return ""
            if any(ch in _HIDDEN for ch in value):
                self.errors[name] = (
                    f"{label} contains an invisible or direction-changing character: "
                    "type it again without it"
                )
                return ""
        if len(value) > limit:
            self.errors[name] = f"{label} must be {limit:,} characters or fewer"
        return value

    def listing(self, name: str, value: Any, label: str, limit: int) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, str) or not isinstance(value, list | tuple):
            self.errors[name] = f"{label} must be a list"
            return []
        if len(value) > limit:
            self.errors[name] = f"Give at most {limit} {label.lower()}"
            return []
        return list(value)


def clean_statement_content(
    *,
    title: Any,
    topics: Any = None,
    lines: Any = None,
    qa: Any = None,
    statement: Any = "",
    spokesperson: Any = "",
    spokesperson_role: Any = "",
    background: Any = "",
    review_by: Any = None,
    release_ids: Any = None,
) -> tuple[StatementContent | None, dict[str, str]]:
    """The cleaned content, or every problem by field (``title``, ``topics-2``, ``lines-0``,
    ``qa-1-answer``, ``review_by``...; lists count from 0 in the order given). List rows left
    entirely blank are dropped; a topic given twice is kept once."""
    check = _Checker()
    clean_title = check.text("title", title, "The title", TITLE_MAX, one_line=True)
    if not clean_title and "title" not in check.errors:
        check.errors["title"] = "Enter a title"

    clean_topics: list[str] = []
    for i, topic in enumerate(check.listing("topics", topics, "Topics", TOPICS_MAX)):
        value = check.text(f"topics-{i}", topic, "A topic", TOPIC_MAX, one_line=True)
        if value and value.casefold() not in {t.casefold() for t in clean_topics}:
            clean_topics.append(value)

    clean_lines: list[str] = []
    for i, line in enumerate(check.listing("lines", lines, "Lines", LINES_MAX)):
        value = check.text(f"lines-{i}", line, "A line", LINE_MAX, one_line=False)
        if value:
            clean_lines.append(value)

    clean_qa: list[QA] = []
    for i, pair in enumerate(check.listing("qa", qa, "Questions", QA_MAX)):
        if not isinstance(pair, dict):
            check.errors[f"qa-{i}"] = "Each question must have a question and an answer"
            continue
        unknown = sorted(set(pair) - {"question", "answer"})
        if unknown:
            check.errors[f"qa-{i}-{unknown[0]}"] = (
                f"A question has no field called {unknown[0]!r}: give question and answer"
            )
            continue
        question = check.text(
            f"qa-{i}-question", pair.get("question"), "The question", QUESTION_MAX, one_line=False
        )
        answer = check.text(
            f"qa-{i}-answer", pair.get("answer"), "The answer", ANSWER_MAX, one_line=False
        )
        if not question and not answer:
            continue
        if not question:
            check.errors.setdefault(f"qa-{i}-question", "Enter the question this answers")
        elif not answer:
            check.errors.setdefault(f"qa-{i}-answer", "Enter the answer to this question")
        clean_qa.append(QA(question, answer))

    clean_statement = check.text(
        "statement", statement, "The statement", STATEMENT_MAX, one_line=False
    )
    clean_spokesperson = check.text(
        "spokesperson", spokesperson, "The spokesperson", SPOKESPERSON_MAX, one_line=True
    )
    clean_role = check.text(
        "spokesperson_role", spokesperson_role, "The spokesperson's role", ROLE_MAX, one_line=True
    )
    clean_background = check.text(
        "background", background, "The background", BACKGROUND_MAX, one_line=False
    )
    when, problem = parse_review_by(review_by)
    if problem:
        check.errors["review_by"] = problem
    linked: list[int] = []
    for i, given in enumerate(check.listing("release_ids", release_ids, "Releases", RELEASES_MAX)):
        if given in (None, ""):
            continue
        try:
            number = int(given)
            if isinstance(given, bool) or isinstance(given, float) or not 0 < number < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            check.errors[f"release_ids-{i}"] = "Choose a release by its number"
            continue
        if number not in linked:
            linked.append(number)
    if check.errors:
        return None, check.errors
    return (
        StatementContent(
            title=clean_title,
            topics=tuple(clean_topics),
            lines=tuple(clean_lines),
            qa=tuple(clean_qa),
            statement=clean_statement,
            spokesperson=clean_spokesperson,
            spokesperson_role=clean_role,
            background=clean_background,
            review_by=when,
            release_ids=tuple(linked),
        ),
        {},
    )


def clean_note(value: Any, field_name: str, limit: int = REASON_MAX) -> tuple[str, dict[str, str]]:
    """A comment or reason, cleaned (it may be empty: the rules say when one is required), or
    the problem by field."""
    check = _Checker()
    text = check.text(field_name, value, "The text", limit, one_line=False)
    return text, check.errors


# --- state ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementState:
    """The facts about a statement the rules look at."""

    state: str
    author_id: int
    last_editor_id: int
    content_hash: str = ""
    approved_hash: str | None = None
    review_by: date | None = None
    missing_for_review: tuple[str, ...] = ()
    # Everyone who saved a revision since the statement was started (or last approved).
    editor_ids: frozenset[int] = frozenset()
    approved_by_name: str | None = None
    # In the newsroom: None, published or withdrawn.
    publication: str | None = None
    # On-the-record words and a spokesperson to attribute them to: what a public page shows.
    on_the_record: bool = False

    def status(self, now: datetime) -> str:
        """The state a person sees: an approved statement past its review-by date needs
        review."""
        if self.state == "approved" and review_is_due(self.review_by, now):
            return "needs_review"
        return self.state


def _label(status: str) -> str:
    return STATE_LABELS.get(status, status).lower()


def may_edit(statement: StatementState, actor: Actor, now: datetime) -> Decision:
    """Any member of staff edits a statement that is not retired; the edit sends it back to
    draft and voids any approval."""
    if actor.role not in STAFF_ROLES:
        return signoff.not_you("Only press office staff can edit statements")
    if statement.state == "retired":
        return signoff.refused("A retired statement can't be edited")
    return ALLOWED


def may_submit(statement: StatementState, actor: Actor, now: datetime) -> Decision:
    """A draft with a title, words to give (a statement or lines), a spokesperson for the
    statement and a review-by date still to come can be submitted for approval."""
    if actor.role not in STAFF_ROLES:
        return signoff.not_you("Only press office staff can submit statements")
    status = statement.status(now)
    if status != "draft":
        return signoff.refused(
            f"Only a draft can be submitted for approval; this statement is {_label(status)}"
        )
    if statement.missing_for_review:
        names = {
            "title": "a title",
            "statement": "an on-the-record statement or some lines",
            "spokesperson": "the spokesperson for the statement",
            "review_by": "a review-by date",
        }
        missing = [names.get(m, m) for m in statement.missing_for_review]
        listed = (
            missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        )
        return signoff.invalid(
            statement.missing_for_review[0],
            f"Add {listed} before submitting the statement for approval",
        )
    if review_is_due(statement.review_by, now):
        return signoff.invalid(
            "review_by", "The review-by date has passed: choose a later date before submitting"
        )
    return ALLOWED


def may_approve(statement: StatementState, actor: Actor, now: datetime) -> Decision:
    """In review: an approver who neither wrote nor changed it signs it off (the release
    two-person rule), while its review-by date is still to come."""
    status = statement.status(now)
    if status != "in_review":
        if status == "approved" and statement.approved_by_name:
            return signoff.refused(
                f"This statement has already been approved by {statement.approved_by_name}"
            )
        return signoff.refused(
            f"Only a statement in review can be approved; this statement is {_label(status)}"
        )
    allowed = signoff.two_person_rule(statement, actor, "it", noun="statement")
    if allowed and review_is_due(statement.review_by, now):
        return signoff.refused(
            "The review-by date has passed: it must be edited with a later date and submitted again"
        )
    return allowed


def may_request_changes(
    statement: StatementState, actor: Actor, now: datetime, comment: str | None
) -> Decision:
    """An approver sends a statement in review back to draft, saying why."""
    status = statement.status(now)
    if status != "in_review":
        return signoff.refused(
            "Changes can only be requested on a statement in review; this statement is "
            + _label(status)
        )
    if actor.role not in SIGN_OFF_ROLES:
        return signoff.not_you("Only an approver or an admin can send a statement back for changes")
    if not (comment or "").strip():
        return signoff.invalid(
            "comment", "Say what needs to change: the author will see your comment"
        )
    return ALLOWED


def may_retire(
    statement: StatementState, actor: Actor, now: datetime, reason: str | None
) -> Decision:
    """Any member of staff retires a statement that is no longer the office's line, giving the
    reason; a retired statement is kept, with its record of who was told what."""
    if actor.role not in STAFF_ROLES:
        return signoff.not_you("Only press office staff can retire statements")
    if statement.state == "retired":
        return signoff.refused("This statement is already retired")
    if statement.publication == "published":
        return signoff.refused(
            "This statement is published in the newsroom: withdraw it there first, giving "
            "readers the reason"
        )
    if not (reason or "").strip():
        return signoff.invalid("reason", "Give the reason for retiring this statement")
    return ALLOWED


def may_use(statement: StatementState, now: datetime, field_name: str = "statement_id") -> Decision:
    """Whether the statement may be given to a journalist now: approved, its approval covering
    exactly the current content, and its review-by date not passed."""
    status = statement.status(now)
    if status == "needs_review":
        return signoff.invalid(
            field_name,
            "This statement is past its review-by date and needs review: it can't be used until "
            "it is approved again",
        )
    if status != "approved":
        return signoff.invalid(
            field_name,
            f"Only an approved statement can be used; this statement is {_label(status)}",
        )
    if not signoff.approval_covers(statement.approved_hash, statement.content_hash):
        return signoff.invalid(
            field_name,
            "This statement has changed since it was approved: it can't be used until it is "
            "approved again",
        )
    return ALLOWED


def available_actions(statement: StatementState, actor: Actor, now: datetime) -> list[str]:
    """The actions this person could take now, for the buttons on the statement page."""
    offered = []
    if may_edit(statement, actor, now):
        offered.append("edit")
    if may_submit(statement, actor, now):
        offered.append("submit")
    if may_approve(statement, actor, now):
        offered.append("approve")
    if may_request_changes(statement, actor, now, "-"):
        offered.append("request_changes")
    if may_retire(statement, actor, now, "-"):
        offered.append("retire")
    return offered
