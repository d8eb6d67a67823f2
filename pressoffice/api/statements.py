"""Staff statement endpoints (lines to take): draft, edit, sign off, retire, publish in the
newsroom and withdraw, read the history.

Each view parses the request, checks its shape against ``api/schemas.py``, calls one use case in
``services.statements`` and answers JSON; refusals come from the services, mapped to status
codes by the blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from .. import clock
from ..domain.statements import may_use
from ..services import statements as service
from ..services.errors import StaleVersion, ValidationFailed
from ..timefmt import iso_utc
from . import bearer_user, bp, json_body, schemas, token_required

CONTENT_FIELDS = tuple(schemas.STATEMENT_CONTENT)


def statement_json(statement, now=None) -> dict[str, Any]:
    """A statement as the API answers it, with its computed status and instants in UTC."""
    now = clock.instant(now)
    content = service.statement_content(statement).as_dict()
    facts = service.statement_facts(statement)
    return {
        "id": statement.id,
        **content,
        "status": service.statement_status(statement, now),
        "usable": may_use(facts, now).ok,
        "version": statement.version,
        "author": {"id": statement.author.id, "name": statement.author.name},
        "approved_by": (
            {"id": statement.approved_by.id, "name": statement.approved_by.name}
            if statement.approved_by is not None
            else None
        ),
        "approved_at": iso_utc(statement.approved_at),
        "approved_version": statement.approved_version,
        "retired_reason": statement.retired_reason,
        "publication": publication_json(statement),
        "notice": statement.notice,
        "created_at": iso_utc(statement.created_at),
        "updated_at": iso_utc(statement.updated_at),
        "url": url_for("api.get_statement", statement_id=statement.id),
    }


def publication_json(statement) -> dict[str, Any] | None:
    """Where the statement stands in the newsroom, or None if it was never published."""
    if statement.publication is None:
        return None
    revision = statement.public_revision
    return {
        "status": statement.publication,
        "public_url": url_for("public.news_statement", slug=statement.slug),
        "public_version": revision.number if revision is not None else None,
        "published_at": iso_utc(statement.published_at),
        "updated_at": iso_utc(statement.public_updated_at),
        "withdrawn_at": iso_utc(statement.withdrawn_at),
        "withdrawal_reason": statement.withdrawal_reason,
    }


def _stale_answer(exc: StaleVersion) -> StaleVersion:
    exc.fields = {"version": f"The statement is now at version {exc.current_version}"}
    exc.api_extra = lambda: {
        "current_version": exc.current_version,
        "submitted_version": exc.submitted_version,
        "current": exc.current,
        "submitted": exc.submitted,
    }
    return exc


@bp.post("/statements", endpoint="create_statement")
@token_required()
def create_statement():
    data = json_body()
    schemas.STATEMENT_INPUT.refuse_unknown(data)
    schemas.STATEMENT_INPUT.refuse_wrong_types(data)
    now = clock.now()
    record = service.create_statement(
        actor=bearer_user(), now=now, **{name: data.get(name) for name in CONTENT_FIELDS}
    )
    answer = jsonify(statement_json(service.get_statement(record.id), now))
    answer.status_code = 201
    answer.headers["Location"] = url_for("api.get_statement", statement_id=record.id)
    return answer


@bp.get("/statements", endpoint="list_statements")
@token_required()
def list_statements():
    now = clock.now()
    found = service.list_statements(
        q=request.args.get("q"),
        topic=request.args.get("topic"),
        include_retired=request.args.get("retired") in ("1", "true", "yes"),
    )
    return jsonify({"statements": [statement_json(s, now) for s in found]})


@bp.get("/statements/<int:statement_id>", endpoint="get_statement")
@token_required()
def get_statement(statement_id: int):
    return jsonify(statement_json(service.get_statement(statement_id)))


@bp.patch("/statements/<int:statement_id>", endpoint="update_statement")
@token_required()
def update_statement(statement_id: int):
    data = json_body()
    body = schemas.STATEMENT_PATCH
    body.refuse_unknown(data)
    body.refuse_missing(data)
    body.refuse_wrong_types(data)
    current = statement_json(service.get_statement(statement_id))
    changed = sorted(
        name
        for name in body.sent_back & set(data)
        if name in current and data[name] != current[name]
    )
    if changed:
        raise ValidationFailed(
            {name: "This field is read-only: send it unchanged or leave it out" for name in changed}
        )
    content = {name: data[name] for name in CONTENT_FIELDS if name in data}
    try:
        service.update_statement(
            statement_id,
            actor=bearer_user(),
            expected_version=data.get("version"),
            now=clock.now(),
            **content,
        )
    except StaleVersion as exc:
        raise _stale_answer(exc) from None
    return jsonify(statement_json(service.get_statement(statement_id)))


_USE_CASES = {
    "submit": service.submit_statement,
    "approve": service.approve_statement,
    "request-changes": service.request_statement_changes,
    "retire": service.retire_statement,
    "publish": service.publish_statement,
    "withdraw": service.withdraw_statement,
}


def _transition(action: str):
    use_case = _USE_CASES[action]
    body = schemas.STATEMENT_ACTIONS[action]

    def view(statement_id: int):
        data = request.get_json(silent=True) if request.get_data() else {}
        if not isinstance(data, dict):
            data = json_body()  # answers 400 with the contract's words
        body.refuse_unknown(data)
        body.refuse_wrong_types(data, one_at_a_time=True)
        given: dict[str, Any] = {"expected_version": data.get("version")}
        if action in ("retire", "withdraw"):
            given["reason"] = data.get("reason")
        elif action != "publish":
            given["comment"] = data.get("comment")
        try:
            use_case(statement_id, actor=bearer_user(), now=clock.now(), **given)
        except StaleVersion as exc:
            raise _stale_answer(exc) from None
        return jsonify(statement_json(service.get_statement(statement_id)))

    view.__name__ = "statement_" + action.replace("-", "_")
    return view


for _action in _USE_CASES:
    _view = _transition(_action)
    bp.add_url_rule(
        f"/statements/<int:statement_id>/{_action}",
        endpoint=_view.__name__,
        view_func=token_required()(_view),
        methods=["POST"],
    )


@bp.get("/statements/<int:statement_id>/history", endpoint="statement_history")
@token_required()
def statement_history(statement_id: int):
    history = service.statement_history(statement_id)
    return jsonify(
        {
            "id": history.statement.id,
            "events": [
                {
                    "action": e.action,
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "actor": {"id": e.actor.id, "name": e.actor.name} if e.actor else None,
                    "comment": e.comment,
                    "version": e.version,
                    "at": iso_utc(e.created_at),
                }
                for e in history.events
            ],
            "revisions": [
                {
                    "number": r.number,
                    "content": r.content,
                    "content_hash": r.content_hash,
                    "editor": {"id": r.editor.id, "name": r.editor.name},
                    "at": iso_utc(r.created_at),
                }
                for r in history.revisions
            ],
            "answered": [
                {
                    "reference": a.reference,
                    "journalist_name": a.journalist_name,
                    "outlet": a.outlet,
                    "answered_at": iso_utc(a.answered_at),
                    "version": a.version,
                }
                for a in service.answered_from(history.statement.id)
            ],
        }
    )
