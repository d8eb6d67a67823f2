"""Routing and media enquiries over JSON.

``GET /routing`` and ``POST /enquiries`` are open to anyone (journalists have no account); the
rest need a staff token. A caller without a token can never set the time received, the route or
the assignee: those fields are refused by name rather than ignored.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, jsonify, request, url_for

from .. import clock
from ..auth import public
from ..domain import enquiries as rules
from ..domain.routing import parse_instant
from ..extensions import db, limiter
from ..models import MAX_ID, Enquiry, User
from ..public.caching import kept_answer
from ..services import accounts, idempotency, office_calendar
from ..services import enquiries as service
from ..services.enquiries import EnquirySnapshot
from ..services.errors import ValidationFailed
from ..services.mail_desk import thread
from ..timefmt import iso_utc
from . import bearer_user, bp, error_response, json_body, schemas, token_required
from .idempotent import created_answer


def _limit() -> str:
    return current_app.config["PUBLIC_ENQUIRY_LIMIT"]


def _staff_token_given() -> bool:
    return bearer_user() is not None


def enquiry_json(enquiry: Enquiry | EnquirySnapshot, now, *, staff: bool) -> dict[str, Any]:
    """An enquiry as the API answers it. A journalist sees what they sent and its handling;
    staff see everything. After a change it is given the service's snapshot, so the answer
    never reads the database once the change is committed."""
    assignee = None
    if enquiry.assignee is not None:
        assignee = {"name": enquiry.assignee.name}
        if staff:
            assignee = {"id": enquiry.assignee.id, **assignee, "email": enquiry.assignee.email}
    answer: dict[str, Any] = {
        "reference": enquiry.reference,
        "received_at": iso_utc(enquiry.received_at),
        "route": enquiry.route,
        "line": enquiry.line,
        "reason": enquiry.route_reason,
        "status": enquiry.status,
        "assignee": assignee,
        "deadline": iso_utc(enquiry.deadline),
    }
    if staff:
        state = rules.deadline_state(enquiry.status, enquiry.deadline, enquiry.answered_at, now)
        answer.update(
            {
                "journalist_name": enquiry.journalist_name,
                "outlet": enquiry.outlet,
                "email": enquiry.email,
                "phone": enquiry.phone,
                "subject": enquiry.subject,
                "details": enquiry.details,
                "channel": enquiry.channel,
                "release_id": enquiry.release_id,
                "needs_attention": enquiry.needs_attention,
                "overdue": state.overdue,
                "deadline_status": state.text,
                "response": enquiry.response,
                "answered_at": iso_utc(enquiry.answered_at),
                "statement_id": enquiry.statement_id,
                "statement_version": enquiry.statement_version,
                "closed_at": iso_utc(enquiry.closed_at),
                "anonymised": enquiry.anonymised_at is not None,
                "url": url_for("api.get_enquiry", reference=enquiry.reference, _external=True),
            }
        )
    return answer


# --- routing ----------------------------------------------------------------------------------


def _next_second(instant: datetime) -> datetime:
    # The answer names the instant to the second (and the route can change only on one).
    return instant.replace(microsecond=0) + timedelta(seconds=1)


@bp.get("/routing", endpoint="routing")
@public
@kept_answer(changes_at=_next_second)
def routing():
    text = request.args.get("at")
    if text is None or text == "":
        instant = clock.now()
    else:
        # An unencoded "+" in a query string arrives as a space: read "10:00 01:00" as +01:00.
        text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text.strip())
        try:
            instant = parse_instant(text)
        except ValueError as exc:
            return error_response(422, "invalid", str(exc), {"at": str(exc)})
    return jsonify(office_calendar.routing_answer(office_calendar.route_at(instant)))


# --- submitting an enquiry --------------------------------------------------------------------


def _resolve_assignee(value: Any, errors: dict[str, str]) -> int | None:
    """A member of staff by id or email address."""
    user: User | None = None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
        user = db.session.get(User, value)
    elif isinstance(value, str) and value.strip():
        user = accounts.find_user_by_email(value)
    if user is None or not user.active:
        errors["assignee"] = "No active member of staff with that id or email address"
        return None
    return user.id


def _parse_submission(body: dict[str, Any], staff: User | None) -> tuple[dict, Any, bool]:
    declared = schemas.ENQUIRY_INPUT if staff else schemas.PUBLIC_ENQUIRY_INPUT
    errors = declared.unknown_fields(body) | declared.wrong_types(body)
    allowed = set(declared.fields)

    raw: dict[str, Any] = {"channel": "web_form"}
    for name in schemas.ENQUIRY_TEXT:
        if body.get(name) is not None and name not in errors:
            raw[name] = body[name]
    if staff and "channel" in body:
        raw["channel"] = body["channel"] if isinstance(body["channel"], str) else ""

    received_at = None
    for name in ("deadline", "received_at"):
        value = body.get(name)
        if value is None or name not in allowed:
            continue
        try:
            parsed = parse_instant(value if isinstance(value, str) else "")
        except ValueError as exc:
            errors[name] = str(exc)
        else:
            if name == "deadline":
                raw["deadline"] = parsed
            else:
                received_at = parsed

    urgent = body.get("urgent", False)
    if urgent is None:  # unlike other fields, a null is not taken for "not urgent"
        errors["urgent"] = declared.wrong_type["urgent"]

    if staff and body.get("assignee") is not None:
        raw["assignee_id"] = _resolve_assignee(body["assignee"], errors)
    if staff and body.get("release_id") is not None and "release_id" not in errors:
        raw["release_id"] = body["release_id"]
    if errors:
        raise ValidationFailed(errors)
    return raw, received_at, urgent


@bp.post("/enquiries", endpoint="create_enquiry")
@public
@limiter.shared_limit(_limit, scope="public-enquiries", exempt_when=_staff_token_given)
def create_enquiry():
    staff = bearer_user()
    if staff is None and request.headers.get("Authorization"):
        return error_response(
            401,
            "unauthorised",
            "The API token is not valid. Send no token to submit as a member of the public.",
        )
    key = idempotency.key_from_header(request.headers.get(idempotency.HEADER))
    body = json_body()
    raw, received_at, urgent = _parse_submission(body, staff)
    now = clock.now()

    def log() -> idempotency.Created:
        enquiry = service.log_enquiry(
            raw, now=now, received_at=received_at, logged_by=staff, urgent=urgent
        )
        answer = enquiry_json(enquiry, now, staff=staff is not None)
        call_now = None
        if rules.is_urgent(urgent, enquiry.deadline, now):
            call_now = office_calendar.route_at(now).line
        answer["call_now"] = call_now
        answer["message"] = f"Your reference is {enquiry.reference}." + (
            f" As this is urgent, call {call_now} now." if call_now else ""
        )
        location = url_for("api.get_enquiry", reference=enquiry.reference)
        return idempotency.Created(201, answer, location)

    created = idempotency.create_once(
        key,
        scope=idempotency.scope_for(staff),
        request_body=body,
        endpoint="POST /api/v1/enquiries",
        now=now,
        create=log,
    )
    return created_answer(created)


# --- staff ------------------------------------------------------------------------------------


def _page_arg(name: str, default: int, errors: dict[str, str], maximum: int) -> int:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        errors[name] = f"Must be a whole number from 1 to {maximum}"
        return default
    return int(value)


@bp.get("/enquiries", endpoint="list_enquiries")
@token_required()
def list_enquiries():
    errors: dict[str, str] = {}
    page = _page_arg("page", 1, errors, 10**9)
    per_page = _page_arg("per_page", service.PER_PAGE, errors, service.MAX_PER_PAGE)
    try:
        filters = service.parse_filters(request.args)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors, "Some filters need correcting")
    now = clock.now()
    result = service.list_enquiries(filters, now=now, page=page, per_page=per_page)
    return jsonify(
        {
            "items": [enquiry_json(e, now, staff=True) for e in result.items],
            "page": result.page,
            "per_page": result.per_page,
            "total": result.total,
            "more_than_total": result.total_more,
            "pages": result.pages,
        }
    )


@bp.get("/enquiries/<reference>", endpoint="get_enquiry")
@token_required()
def get_enquiry(reference: str):
    enquiry = service.get_enquiry(reference)
    answer = enquiry_json(enquiry, clock.now(), staff=True)
    answer["messages"] = thread.thread_json(thread.thread(enquiry.id))
    return jsonify(answer)


@bp.post("/enquiries/<reference>/assign", endpoint="assign_enquiry")
@token_required()
def assign_enquiry(reference: str):
    body = json_body()
    schemas.ENQUIRY_ASSIGN.refuse_unknown(body)
    service.get_enquiry(reference)  # 404 before 422
    errors: dict[str, str] = {}
    if body.get("assignee") in (None, ""):
        raise ValidationFailed({"assignee": "Give the id or email address of a member of staff"})
    assignee_id = _resolve_assignee(body["assignee"], errors)
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    try:
        enquiry = service.assign(reference, assignee_id, actor=bearer_user(), now=now)
    except ValidationFailed as exc:
        raise ValidationFailed(
            {("assignee" if k == "assignee_id" else k): v for k, v in exc.fields.items()}
        ) from None
    return jsonify(enquiry_json(enquiry, now, staff=True))


@bp.post("/enquiries/<reference>/respond", endpoint="respond_enquiry")
@token_required()
def respond_enquiry(reference: str):
    key = idempotency.key_from_header(request.headers.get(idempotency.HEADER))
    body = json_body()
    schemas.ENQUIRY_RESPOND.refuse_bad_shape(body)
    if body.get("send") is None and "send" in body:
        raise ValidationFailed({"send": "Must be true or false"})
    now = clock.now()
    actor = bearer_user()

    def answer() -> idempotency.Created:
        enquiry = service.respond(
            reference,
            body.get("response"),
            actor=actor,
            now=now,
            statement_id=body.get("statement_id"),
            send=body.get("send", True),
        )
        return idempotency.Created(200, enquiry_json(enquiry, now, staff=True))

    # A retried request with the same key answers as the first did and sends nothing more.
    created = idempotency.create_once(
        key,
        scope=idempotency.scope_for(actor),
        request_body={"reference": reference.strip().upper(), **body},
        endpoint="POST /api/v1/enquiries/REF/respond",
        now=now,
        create=answer,
    )
    return created_answer(created)


@bp.post("/enquiries/<reference>/close", endpoint="close_enquiry")
@token_required()
def close_enquiry(reference: str):
    body = request.get_json(silent=True) if request.get_data() else {}
    if not isinstance(body, dict):
        body = json_body()  # refuses with the malformed-body error
    schemas.ENQUIRY_CLOSE.refuse_bad_shape(body)
    now = clock.now()
    enquiry = service.close(reference, actor=bearer_user(), now=now, comment=body.get("comment"))
    return jsonify(enquiry_json(enquiry, now, staff=True))
