"""Staff statement pages (lines to take): the list with its search, the editor, the statement
page with its status, actions, timeline and revisions, and comparing two revisions.

Each view parses the request, calls one service and renders; the rules (who may approve, what an
edit after approval does, when a statement needs review) are the services' and the domain's, and
their refusals are shown as they are worded there. Every page works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..auth import staff_required
from ..domain import statements as rules
from ..services import statements
from ..services.errors import NotAllowed, NotFound, StaleVersion, ValidationFailed, WrongState
from ..services.statements.drafting import release_choices
from ..services.statements.reading import all_topics
from . import bp

STATUS_TAG_COLOURS = {
    "draft": "grey",
    "in_review": "yellow",
    "approved": "green",
    "needs_review": "orange",
    "retired": "red",
}

TRANSITIONS = {
    "submit": "Submitted for approval",
    "approve": "Approved: it can now be used to answer enquiries",
    "request-changes": "Sent back to the author with your comment",
    "retire": "Retired: it can no longer be used to answer enquiries",
    "publish": "Published in the newsroom",
    "withdraw": "Withdrawn from the newsroom: its page now shows your reason",
}

# Blank question rows offered below those already written, so more can be added without
# JavaScript (blank rows are never saved).
BLANK_QA_ROWS = 2


def statement_or_404(statement_id: int):
    """The statement a staff page's address names; a missing page if there is none."""
    try:
        return statements.get_statement(statement_id)
    except NotFound:
        abort(404)


# --- the list -------------------------------------------------------------------------------


@bp.get("/statements", endpoint="statements_index")
@staff_required
def statements_index():
    q = request.args.get("q", "")[:200]
    topic = request.args.get("topic", "")[: rules.TOPIC_MAX]
    now = clock.now()
    found = statements.list_statements(q=q, topic=topic, include_retired=bool(q or topic))
    return render_template(
        "statements/index.html",
        items=found,
        q=q,
        topic=topic,
        topics=all_topics(),
        now=now,
        states=rules.STATE_LABELS,
        tag_colours=STATUS_TAG_COLOURS,
        status_of=statements.statement_status,
    )


# --- the editor -----------------------------------------------------------------------------


def _typed_from_form(form) -> dict[str, Any]:
    """What the person typed, as the editor shows it again."""
    rows = []
    for i in range(rules.QA_MAX):
        if f"qa-{i}-question" not in form and f"qa-{i}-answer" not in form:
            break
        rows.append(
            {
                "question": form.get(f"qa-{i}-question", ""),
                "answer": form.get(f"qa-{i}-answer", ""),
            }
        )
    linked = form.getlist("release_ids") if hasattr(form, "getlist") else []
    return {
        "version": form.get("version", ""),
        "title": form.get("title", ""),
        "topics": form.get("topics", ""),
        "lines": form.get("lines", ""),
        "qa": rows,
        "statement": form.get("statement", ""),
        "spokesperson": form.get("spokesperson", ""),
        "spokesperson_role": form.get("spokesperson_role", ""),
        "background": form.get("background", ""),
        "review_by": form.get("review_by", ""),
        # One more than the limit is kept, so that too many is refused rather than cut short.
        "release_ids": [value for value in linked if value][: rules.RELEASES_MAX + 1],
    }


def _typed_from_statement(statement) -> dict[str, Any]:
    return {
        "version": str(statement.version),
        "title": statement.title,
        "topics": ", ".join(statement.topics),
        "lines": "\n".join(statement.lines),
        "qa": [dict(pair) for pair in statement.qa],
        "statement": statement.statement,
        "spokesperson": statement.spokesperson,
        "spokesperson_role": statement.spokesperson_role,
        "background": statement.background,
        "review_by": statement.review_by.isoformat() if statement.review_by else "",
        "release_ids": [str(number) for number in statement.release_ids],
    }


def _content(typed: dict[str, Any]) -> dict[str, Any]:
    """The service's fields from the form: topics separated by commas, one line per line."""
    return {
        "title": typed["title"],
        "topics": typed["topics"].split(","),
        "lines": typed["lines"].splitlines(),
        "qa": typed["qa"],
        "statement": typed["statement"],
        "spokesperson": typed["spokesperson"],
        "spokesperson_role": typed["spokesperson_role"],
        "background": typed["background"],
        "review_by": typed["review_by"],
        "release_ids": typed["release_ids"],
    }


def _placed(fields: dict[str, str]) -> dict[str, str]:
    """The service's errors keyed by the id of the field on the page that shows them."""
    placed: dict[str, str] = {}
    for name, message in fields.items():
        parts = name.split("-")
        if parts[0] in ("topics", "lines") and len(parts) == 2 and parts[1].isdigit():
            what = "Topic" if parts[0] == "topics" else "Line"
            placed.setdefault(parts[0], f"{what} {int(parts[1]) + 1}: {message}")
        elif parts[0] == "qa" and len(parts) == 3 and parts[2] not in ("question", "answer"):
            placed.setdefault(f"qa-{parts[1]}-question", message)
        elif parts[0] == "release_ids":
            placed.setdefault("release_ids", message)
        elif parts[0] == "qa" and len(parts) == 2:
            placed.setdefault("qa-0-question", message)
        else:
            placed.setdefault(name, message)
    return placed


def _editor_page(statement, typed, *, errors=None, status=200, conflict=None):
    qa = list(typed["qa"])
    while sum(1 for row in qa if not (row.get("question") or row.get("answer"))) < BLANK_QA_ROWS:
        if len(qa) >= rules.QA_MAX:
            break
        qa.append({"question": "", "answer": ""})
    return (
        render_template(
            "statements/edit.html",
            statement=statement,
            typed={**typed, "qa": qa},
            errors=errors or {},
            conflict=conflict,
            releases=release_choices(typed["release_ids"]),
            status=statements.statement_status(statement) if statement else None,
            states=rules.STATE_LABELS,
        ),
        status,
    )


@bp.route("/statements/new", methods=["GET", "POST"], endpoint="statement_new")
@staff_required
def statement_new():
    if request.method == "GET":
        blank = _typed_from_form({})
        return _editor_page(None, blank)
    typed = _typed_from_form(request.form)
    try:
        record = statements.create_statement(actor=current_user, now=clock.now(), **_content(typed))
    except ValidationFailed as refusal:
        return _editor_page(None, typed, errors=_placed(refusal.fields))
    except NotAllowed as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.statements_index"))
    flash("Draft statement saved", "success")
    return redirect(url_for("web.statement_view", statement_id=record.id))


@bp.route("/statements/<int:statement_id>/edit", methods=["GET", "POST"], endpoint="statement_edit")
@staff_required
def statement_edit(statement_id: int):
    record = statement_or_404(statement_id)
    if request.method == "GET":
        if record.state == "retired":
            flash("A retired statement can't be edited", "error")
            return redirect(url_for("web.statement_view", statement_id=record.id))
        return _editor_page(record, _typed_from_statement(record))
    typed = _typed_from_form(request.form)
    before = record.version
    try:
        statements.update_statement(
            record.id,
            actor=current_user,
            expected_version=typed["version"],
            now=clock.now(),
            **_content(typed),
        )
    except StaleVersion as stale:
        current = statements.get_statement(record.id)
        return _editor_page(
            current,
            {**typed, "version": str(stale.current_version)},
            errors={"version": stale.message},
            status=409,
            conflict={
                "message": stale.message,
                "current_version": stale.current_version,
                "current": _typed_from_statement(current),
            },
        )
    except ValidationFailed as refusal:
        return _editor_page(record, typed, errors=_placed(refusal.fields))
    except (WrongState, NotAllowed) as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.statement_view", statement_id=record.id))
    saved = statements.get_statement(record.id)
    if saved.version == before:
        flash("Nothing had changed, so nothing was saved", "info")
    else:
        flash(f"Saved as version {saved.version}", "success")
    return redirect(url_for("web.statement_view", statement_id=record.id))


# --- the statement page ---------------------------------------------------------------------


def _statement_page(record, *, errors=None, typed=None, status_code=200):
    now = clock.now()
    status = statements.statement_status(record, now)
    history = statements.statement_history(record.id)
    return (
        render_template(
            "statements/view.html",
            statement=record,
            content=statements.statement_content(record),
            status=status,
            states=rules.STATE_LABELS,
            tag_colours=STATUS_TAG_COLOURS,
            actions=statements.statement_actions(record, current_user, now),
            history=history,
            action_labels=rules.ACTION_LABELS,
            answered=statements.answered_from(record.id),
            public_version=_public_version(record),
            errors=errors or {},
            typed=typed or {},
        ),
        status_code,
    )


def _public_version(record) -> int | None:
    """The version the newsroom page shows, if the statement has been published."""
    if record.public_revision is None:
        return None
    return record.public_revision.number


@bp.get("/statements/<int:statement_id>", endpoint="statement_view")
@staff_required
def statement_view(statement_id: int):
    return _statement_page(statement_or_404(statement_id))


@bp.post("/statements/<int:statement_id>/<action>", endpoint="statement_transition")
@staff_required
def statement_transition(statement_id: int, action: str):
    if action not in TRANSITIONS:
        abort(404)
    record = statement_or_404(statement_id)
    form = request.form
    common = {"actor": current_user, "now": clock.now()}
    version = form.get("version") or None
    try:
        if action == "submit":
            statements.submit_statement(record.id, expected_version=version, **common)
        elif action == "approve":
            statements.approve_statement(
                record.id, expected_version=version, comment=form.get("comment"), **common
            )
        elif action == "request-changes":
            statements.request_statement_changes(
                record.id, expected_version=version, comment=form.get("comment"), **common
            )
        elif action == "publish":
            statements.publish_statement(record.id, expected_version=version, **common)
        elif action == "withdraw":
            statements.withdraw_statement(
                record.id, expected_version=version, reason=form.get("reason"), **common
            )
        else:
            statements.retire_statement(
                record.id, expected_version=version, reason=form.get("reason"), **common
            )
    except ValidationFailed as refusal:
        if action == "submit":
            # What is missing is fixed in the editor: say so on the statement page.
            flash(refusal.message, "error")
            return redirect(url_for("web.statement_view", statement_id=record.id))
        prefix = {"request-changes": "changes"}.get(action, action)
        errors = {f"{prefix}-{name}": message for name, message in refusal.fields.items()}
        typed = {f"{prefix}-{k}": v for k, v in form.items() if k != "csrf_token"}
        return _statement_page(
            statements.get_statement(record.id), errors=errors, typed=typed, status_code=422
        )
    except StaleVersion as stale:
        flash(stale.message, "error")
        return redirect(url_for("web.statement_view", statement_id=record.id))
    except (WrongState, NotAllowed) as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("web.statement_view", statement_id=record.id))
    flash(TRANSITIONS[action], "success")
    return redirect(url_for("web.statement_view", statement_id=record.id))


@bp.get("/statements/<int:statement_id>/compare", endpoint="statement_compare")
@staff_required
def statement_compare(statement_id: int):
    record = statement_or_404(statement_id)
    try:
        comparison = statements.compare_statement_revisions(
            record.id, request.args.get("old"), request.args.get("new")
        )
    except ValidationFailed as refusal:
        return (
            render_template(
                "statements/compare.html",
                statement=record,
                comparison=None,
                errors={f"compare-{k}": v for k, v in refusal.fields.items()},
            ),
            422,
        )
    return render_template(
        "statements/compare.html", statement=record, comparison=comparison, errors={}
    )
