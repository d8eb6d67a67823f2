"""Staff release endpoints: draft, edit, sign off, publish or schedule, and read the history.

Each view parses the request, calls one use case in ``services.releases`` and answers JSON; the
rules and their refusals come from the services, mapped to status codes by the blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from .. import clock
from ..domain.routing import parse_instant
from ..services import idempotency
from ..services import releases as service
from ..services.errors import StaleVersion, ValidationFailed
from ..timefmt import iso_utc
from . import bearer_user, bp, json_body, schemas, token_required
from .idempotent import created_answer

CONTENT_FIELDS = ("title", "summary", "body", "quotes", "links", "notes")


def release_json(release, now=None) -> dict[str, Any]:
    """The contract's release shape, with the computed status and instants in UTC."""
    status = service.release_status(release, now)
    shown_published = status in ("published", "withdrawn")
    return {
        "id": release.id,
        "slug": release.slug,
        "title": release.title,
        "summary": release.summary,
        "body": release.body,
        "quotes": [
            {
                "key": q.get("key", ""),
                "speaker": q.get("speaker", ""),
                "role": q.get("role", ""),
                "text": q.get("text", ""),
            }
            for q in release.quotes
        ],
        "notes": list(release.notes),
        "links": [{"label": x.get("label", ""), "url": x.get("url", "")} for x in release.links],
        "status": status,
        "version": release.version,
        "author": {"id": release.author.id, "name": release.author.name},
        "embargo_until": iso_utc(release.embargo_until) if status == "scheduled" else None,
        "published_at": iso_utc(release.published_at) if shown_published else None,
        "created_at": iso_utc(release.created_at),
        "updated_at": iso_utc(release.updated_at),
        "notice": release.notice,
        "pending_correction": service.has_pending_correction(release),
        "withdrawal_reason": release.withdrawal_reason if status == "withdrawn" else None,
        "url": url_for("api.get_release", release_id=release.id, _external=False),
    }


def _stale_answer(exc: StaleVersion) -> StaleVersion:
    exc.fields = {"version": f"The release is now at version {exc.current_version}"}
    exc.api_extra = lambda: {
        "current_version": exc.current_version,
        "submitted_version": exc.submitted_version,
        "current": exc.current,
        "submitted": exc.submitted,
    }
    return exc


@bp.post("/releases")
@token_required()
def create_release():
    key = idempotency.key_from_header(request.headers.get(idempotency.HEADER))
    data = json_body()
    schemas.RELEASE_INPUT.refuse_unknown(data)
    actor = bearer_user()
    now = clock.now()

    def create() -> idempotency.Created:
        # The answer is built before the commit: a repeat with the key answers it unchanged.
        release = service.create_release(
            actor=actor, now=now, **{name: data.get(name) for name in CONTENT_FIELDS}
        )
        location = url_for("api.get_release", release_id=release.id)
        return idempotency.Created(201, release_json(release, now), location)

    created = idempotency.create_once(
        key,
        scope=idempotency.scope_for(actor),
        endpoint="POST /api/v1/releases",
        request_body=data,
        now=now,
        create=create,
    )
    return created_answer(created)


@bp.get("/releases")
@token_required()
def list_releases():
    found = service.list_releases(
        status=request.args.get("status") or None,
        q=request.args.get("q"),
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page", 50),
    )
    return jsonify(
        {
            "releases": [release_json(r) for r in found.items],
            "page": found.page,
            "per_page": found.per_page,
            "total": found.total,
        }
    )


@bp.get("/releases/<int:release_id>")
@token_required()
def get_release(release_id: int):
    return jsonify(release_json(service.get_release(release_id)))


@bp.patch("/releases/<int:release_id>")
@token_required()
def update_release(release_id: int):
    data = json_body()
    schemas.RELEASE_PATCH.refuse_unknown(data)
    schemas.RELEASE_PATCH.refuse_missing(data)
    release = service.get_release(release_id)
    # A client may send back a release it was given; a read-only field it changed would
    # otherwise be ignored, so it is refused with the way to make that change.
    current = release_json(release)
    sent_back = schemas.RELEASE_PATCH.sent_back & set(data)
    changed = {name for name in sent_back if data[name] != current.get(name)}
    if changed:
        raise ValidationFailed(
            {
                name: "This can't be changed by an edit: the workflow actions (submit, "
                "approve, publish, schedule, withdraw) change the status and its instants"
                for name in sorted(changed)
            }
        )
    schemas.RELEASE_PATCH.refuse_wrong_types(data)
    # A PATCH changes only what it names; everything else stays as it is.
    content = {name: data.get(name, getattr(release, name)) for name in CONTENT_FIELDS}
    try:
        service.update_release(
            release_id,
            actor=bearer_user(),
            expected_version=data.get("version"),
            change_note=data.get("change_note"),
            **content,
        )
    except StaleVersion as exc:
        raise _stale_answer(exc) from None
    return jsonify(release_json(service.get_release(release_id)))


def _transition(action: str):
    use_case = service.TRANSITIONS[action]
    body = schemas.RELEASE_ACTIONS[action]

    def view(release_id: int):
        data = request.get_json(silent=True) if request.get_data() else {}
        if not isinstance(data, dict):
            data = json_body()  # answers 400 with the contract's words
        body.refuse_unknown(data)
        # The workflow actions name one field of the wrong type at a time.
        body.refuse_wrong_types(data, one_at_a_time=True)
        given: dict[str, Any] = {}
        if action == "withdraw":
            given["reason"] = data.get("reason")
        else:
            given["comment"] = data.get("comment")
            given["expected_version"] = data.get("version")
        if action == "unschedule" and "links" in data:
            given["links"] = data["links"]
        if action == "approve":
            # An approval covers exactly the content the approver read: they must say which.
            given["require_version"] = True
        if action == "approve" and data.get("signoff_override") is not None:
            # An approver's reason for going ahead while a quote waits for its speaker.
            given["signoff_override"] = data["signoff_override"]
        if action == "schedule":
            raw = data.get("embargo_until")
            if not isinstance(raw, str) or not raw.strip():
                raise ValidationFailed(
                    {
                        "embargo_until": "Give the instant the embargo lifts, with its offset, "
                        "for example 2026-03-02T09:30:00+00:00"
                    }
                )
            try:
                given["embargo_until"] = parse_instant(raw)
            except ValueError as problem:
                raise ValidationFailed({"embargo_until": str(problem)}) from None
        try:
            use_case(release_id, actor=bearer_user(), **given)
        except StaleVersion as exc:
            raise _stale_answer(exc) from None
        return jsonify(release_json(service.get_release(release_id)))

    view.__name__ = "release_" + action.replace("-", "_")
    return view


for _action in service.TRANSITIONS:
    _view = _transition(_action)
    bp.add_url_rule(
        f"/releases/<int:release_id>/{_action}",
        endpoint=_view.__name__,
        view_func=token_required()(_view),
        methods=["POST"],
    )


def _event_json(event) -> dict[str, Any]:
    return {
        "action": event.action,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "actor": (
            {"id": event.actor.id, "name": event.actor.name}
            if event.actor is not None
            else ({"name": event.actor_label} if event.actor_label else None)
        ),
        "comment": event.comment,
        "revision": event.revision_id,
        "at": iso_utc(event.created_at),
    }


@bp.get("/releases/<int:release_id>/history")
@token_required()
def release_history(release_id: int):
    history = service.release_history(release_id)
    numbers = {r.id: r.number for r in history.revisions}
    events = []
    for event in history.events:
        entry = _event_json(event)
        entry["revision"] = numbers.get(event.revision_id)
        events.append(entry)
    if history.embargo_lifted_at is not None:
        events.append(
            {
                "action": "embargo_lifted",
                "from_state": "scheduled",
                "to_state": "published",
                "actor": None,
                "comment": None,
                "revision": None,
                "at": iso_utc(history.embargo_lifted_at),
            }
        )
    return jsonify(
        {
            "release": release_json(history.release),
            "events": events,
            "revisions": [
                {
                    "number": r.number,
                    "editor": {"id": r.editor.id, "name": r.editor.name},
                    "created_at": iso_utc(r.created_at),
                    "content_hash": r.content_hash,
                    "change_note": r.change_note,
                    "title": r.title,
                    "summary": r.summary,
                    "body": r.body,
                    "quotes": r.quotes,
                    "links": r.links,
                    "notes": r.notes,
                    "attachments": r.attachments,
                }
                for r in history.revisions
            ],
        }
    )


@bp.get("/releases/<int:release_id>/compare")
@token_required()
def compare_revisions(release_id: int):
    old, new = request.args.get("old"), request.args.get("new")
    comparison = service.compare_revisions(release_id, old, new)
    return jsonify(
        {
            "old": comparison.old.number,
            "new": comparison.new.number,
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "changed": f.changed,
                    "old": f.old,
                    "new": f.new,
                    "rows": [{"kind": r.kind, "old": r.old, "new": r.new} for r in f.rows],
                }
                for f in comparison.fields
            ],
        }
    )
