"""``GET /api/v1/openapi.json``: an OpenAPI 3 description of the API.

Written by hand, next to the code it describes; a test fails when a route under /api/v1 is not
described here, or a description names a route that does not exist.
"""

from __future__ import annotations

from flask import jsonify

from ..auth import public
from ..domain.routing import ROUTES
from . import bp


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": {"$ref": "#/components/responses/Malformed"},
    "401": {"$ref": "#/components/responses/Unauthorised"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "409": {"$ref": "#/components/responses/Conflict"},
    "422": {"$ref": "#/components/responses/Invalid"},
    "429": {"$ref": "#/components/responses/TooMany"},
}


def _errors(*codes: str) -> dict:
    return {code: ERRORS[code] for code in codes}


def _op(
    summary: str,
    responses: dict,
    *,
    staff: bool = True,
    body: dict | None = None,
    body_required: bool = True,
    parameters: list | None = None,
    tag: str = "",
) -> dict:
    operation: dict = {"summary": summary, "responses": responses, "tags": [tag] if tag else []}
    if not staff:
        operation["security"] = []
    if body is not None:
        operation["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": body}},
        }
    if parameters:
        operation["parameters"] = parameters
    return operation


def _path_param(name: str, kind: str = "string", description: str = "") -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": kind},
        "description": description,
    }


def _query(
    name: str, description: str, kind: str = "string", required: bool = False, **schema
) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": {"type": kind, **schema},
        "description": description,
        # Left empty, an optional parameter counts as not given.
        "allowEmptyValue": not required,
    }


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
    "description": (
        "Any 1 to 255 printable ASCII characters, new for each new request (a UUID will do). "
        "Sent again with the same request by the same caller (a staff token's user, or the "
        "public) within 24 hours, the first answer is repeated (same status and body, with "
        "Idempotent-Replayed: true) and nothing new is created. The same key with a different "
        "request answers 422; a malformed key answers 400. A refused request keeps no key."
    ),
}


def _page(name: str, maximum: int, description: str) -> dict:
    """A page number or size: a whole number from 1; left empty, the default."""
    return _query(name, description, "integer", minimum=1, maximum=maximum)


# Text is refused when it holds control characters (other than tab and line breaks);
# ``required`` text must also hold more than spaces.
_SHOWN = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_PRINTABLE = rf"^{_SHOWN}*$"
_NOT_BLANK = rf"^{_SHOWN}*[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f]{_SHOWN}*$"


def _text(limit: int, *, required: bool = False, **extra) -> dict:
    return {
        "type": "string",
        "maxLength": limit,
        "pattern": _NOT_BLANK if required else _PRINTABLE,
        **extra,
    }


def _object(properties: dict, *required: str, **extra) -> dict:
    """A JSON object of exactly these fields: any other is refused by name."""
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return {**schema, **extra}


RELEASE_ID = _path_param("release_id", "integer", "The release's number")
REFERENCE = _path_param("reference", "string", "ENQ-YYYYMMDD-NNNN")
INSTANT_HELP = "ISO 8601 with an offset, e.g. 2016-12-01T00:01:00+00:00, in the years 1900-2999"
INSTANT = {
    "type": "string",
    "format": "date-time",
    "pattern": "^(19|2[0-9])[0-9][0-9]-",
    "description": INSTANT_HELP,
}

RELEASE_STATUSES = ["draft", "in_review", "approved", "scheduled", "published", "withdrawn"]

# Headline: one line, so no line breaks either.
_HEADLINE = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"

# An optional field sent as null counts as empty.
RELEASE_CONTENT = {
    "title": {"type": "string", "maxLength": 200, "pattern": _HEADLINE},
    "summary": _text(1000, nullable=True),
    "body": _text(100000, description="Markdown", nullable=True),
    "quotes": {"type": "array", "maxItems": 30, "items": _ref("Quote"), "nullable": True},
    "notes": {
        "type": "array",
        "maxItems": 30,
        "items": _text(5000, nullable=True),
        "nullable": True,
    },
    "links": {"type": "array", "maxItems": 30, "items": _ref("Link"), "nullable": True},
}

# Enquiry text: anything but blank where it is required.
_SAID = {"type": "string", "minLength": 1, "pattern": "\\S"}
STAFF_MEMBER = {
    "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 1}],
    "description": "A member of staff: their id or email address",
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "Quote": {
        "type": "object",
        "required": ["speaker", "text"],
        "properties": {
            "key": {"type": "string", "readOnly": True},
            "speaker": _text(120, required=True),
            "role": _text(200, nullable=True),
            "text": _text(5000, required=True),
        },
    },
    "Link": {
        "type": "object",
        "required": ["label", "url"],
        "properties": {
            "label": _text(200, required=True),
            "url": {
                "type": "string",
                "format": "uri",
                "maxLength": 2000,
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]",
                "description": "A full web address starting with https:// or http://",
            },
        },
    },
    "ReleaseInput": _object(RELEASE_CONTENT, "title"),
    "ReleasePatch": _object(
        {
            **RELEASE_CONTENT,
            "version": {"type": "integer", "description": "The version the edit started from"},
            "change_note": _text(
                1000, description="Required for a correction to a published release"
            ),
        },
        "version",
        description="Changes only the fields it names. The read-only fields of a release's "
        "answer may be sent back unchanged; changing one is refused.",
    ),
    "Release": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "quotes": {"type": "array", "items": _ref("Quote")},
            "notes": {"type": "array", "items": {"type": "string"}},
            "links": {"type": "array", "items": _ref("Link")},
            "status": {
                "type": "string",
                "enum": RELEASE_STATUSES,
                "description": "Computed: a scheduled release is published once its embargo passes",
            },
            "version": {"type": "integer"},
            "author": {"type": "object"},
            "embargo_until": {"type": "string", "format": "date-time", "nullable": True},
            "published_at": {"type": "string", "format": "date-time", "nullable": True},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "PublicRelease": {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "quotes": {"type": "array", "items": _ref("Quote")},
            "notes": {"type": "array", "items": {"type": "string"}},
            "links": {"type": "array", "items": _ref("Link")},
            "published_at": {"type": "string", "format": "date-time"},
        },
    },
    "Routing": {
        "type": "object",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "local": {"type": "string", "description": "Europe/London wall time with offset"},
            "route": {"type": "string", "enum": ["office_hours", "out_of_hours"]},
            "line": {"type": "string"},
            "reason": {"type": "string"},
        },
    },
    "EnquiryInput": {
        "type": "object",
        "required": ["journalist_name", "subject"],
        "additionalProperties": False,
        "properties": {
            "journalist_name": {**_SAID, "maxLength": 120},
            "outlet": {"type": "string", "maxLength": 120, "nullable": True},
            "email": {"type": "string", "format": "email", "maxLength": 254, "nullable": True},
            "phone": {
                "type": "string",
                "maxLength": 40,
                "nullable": True,
                "description": "Digits, spaces, + and brackets: 6 to 15 digits",
            },
            "subject": {**_SAID, "maxLength": 200},
            "details": {"type": "string", "maxLength": 5000, "nullable": True},
            "deadline": {
                **INSTANT,
                "nullable": True,
                "description": "After the time received; " + INSTANT_HELP,
            },
            "channel": {
                "type": "string",
                "enum": ["phone", "email", "web_form", "in_person"],
                "description": "Staff tokens only",
            },
            "release_id": {
                "type": "integer",
                "minimum": 1,
                "description": "Staff tokens only: the release the enquiry is about",
            },
            "assignee": {
                **STAFF_MEMBER,
                "description": "Staff tokens only: who handles it, by id or email address",
            },
            "urgent": {
                "type": "boolean",
                "description": "Urgent: the answer then gives the number to call now",
            },
            "received_at": {
                **INSTANT,
                "description": "Staff tokens only: when a call came in; never in the future. "
                "Refused on the public endpoint.",
            },
        },
        "description": "At least one of email and phone.",
    },
    "Enquiry": {
        "type": "object",
        "properties": {
            "reference": {"type": "string"},
            "received_at": {"type": "string", "format": "date-time"},
            "route": {"type": "string", "enum": ["office_hours", "out_of_hours"]},
            "line": {"type": "string"},
            "status": {"type": "string", "enum": ["new", "assigned", "answered", "closed"]},
            "assignee": {"type": "object", "nullable": True},
            "call_now": {
                "type": "string",
                "nullable": True,
                "description": "For an urgent enquiry: the number to call now",
            },
        },
    },
    "Recipient": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "preview_url": {"type": "string"}},
    },
}

RESPONSES = {
    "Malformed": _json(_ref("Error"), "The request is malformed"),
    "Unauthorised": _json(_ref("Error"), "No token, or a bad one"),
    "Forbidden": _json(_ref("Error"), "Not allowed for this user"),
    "NotFound": _json(_ref("Error"), "Not found"),
    "Conflict": _json(_ref("Error"), "Wrong state for this action, or a stale version"),
    "Invalid": _json(_ref("Error"), "A field is invalid; error.fields names it"),
    "TooMany": _json(_ref("Error"), "Too many requests"),
}


ACTION_FIELDS = {
    "comment": {"type": "string", "nullable": True},
    "version": {
        "type": "integer",
        "nullable": True,
        "description": "The version acted on; refused when stale",
    },
}


def _release_action(name: str, summary: str, body: dict | None = None) -> dict:
    return {
        "post": _op(
            summary,
            {
                "200": _json(_ref("Release"), "The release after the action"),
                **_errors("400", "401", "403", "404", "409", "422"),
            },
            body=body or _object(ACTION_FIELDS),
            body_required=bool(body and body.get("required")),
            parameters=[RELEASE_ID],
            tag="releases",
        )
    }


PATHS = {
    "/api/v1/me": {
        "get": _op(
            "Who the token belongs to",
            {"200": {"description": "The user"}, **_errors("401")},
            tag="staff",
        )
    },
    "/api/v1/openapi.json": {
        "get": _op("This description", {"200": {"description": "OpenAPI"}}, staff=False, tag="meta")
    },
    "/api/v1/routing": {
        "get": _op(
            "Which line answers at an instant",
            {"200": _json(_ref("Routing"), "The route"), **_errors("400", "422")},
            staff=False,
            parameters=[
                _query(
                    "at",
                    INSTANT_HELP + "; default now",
                    format="date-time",
                    pattern=INSTANT["pattern"],
                )
            ],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries": {
        "post": _op(
            "Log an enquiry (public: received now; staff token: may give received_at)",
            {"201": _json(_ref("Enquiry"), "Logged"), **_errors("400", "422", "429")},
            staff=False,
            body=_ref("EnquiryInput"),
            parameters=[IDEMPOTENCY_KEY],
            tag="enquiries",
        ),
        "get": _op(
            "List enquiries",
            {"200": {"description": "A page of enquiries"}, **_errors("401", "422")},
            parameters=[
                _query("route", "office_hours or out_of_hours", enum=list(ROUTES)),
                _query(
                    "status",
                    "new, assigned, answered or closed; open is any but closed",
                    enum=["new", "assigned", "answered", "closed", "open"],
                ),
                _query("assignee", "a member of staff's id, or none for unassigned"),
                _query("from", "received on or after this London date", format="date"),
                _query("to", "received on or before this London date", format="date"),
                _query("q", "free text"),
                _page("page", 10**9, "page number"),
                _page("per_page", 200, "rows per page"),
            ],
            tag="enquiries",
        ),
    },
    "/api/v1/enquiries/{reference}": {
        "get": _op(
            "One enquiry",
            {"200": _json(_ref("Enquiry"), "The enquiry"), **_errors("401", "404")},
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries/{reference}/assign": {
        "post": _op(
            "Assign",
            {
                "200": _json(_ref("Enquiry"), "Assigned"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=_object({"assignee": STAFF_MEMBER}, "assignee"),
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries/{reference}/respond": {
        "post": _op(
            "Record the response",
            {
                "200": _json(_ref("Enquiry"), "Answered"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=_object({"response": {**_SAID, "maxLength": 10000}}, "response"),
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries/{reference}/close": {
        "post": _op(
            "Close",
            {
                "200": _json(_ref("Enquiry"), "Closed"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=_object({"comment": {"type": "string", "maxLength": 2000}}),
            body_required=False,
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/releases": {
        "post": _op(
            "Draft a release",
            {"201": _json(_ref("Release"), "Created"), **_errors("400", "401", "422")},
            body=_ref("ReleaseInput"),
            parameters=[IDEMPOTENCY_KEY],
            tag="releases",
        ),
        "get": _op(
            "List releases",
            {"200": {"description": "A page of releases"}, **_errors("401", "422")},
            parameters=[
                _query("status", "computed status", enum=RELEASE_STATUSES),
                _query("q", "words in the headline"),
                _page("page", 1_000_000, "page number"),
                _page("per_page", 100, "rows per page (default 50)"),
            ],
            tag="releases",
        ),
    },
    "/api/v1/releases/{release_id}": {
        "get": _op(
            "One release",
            {"200": _json(_ref("Release"), "The release"), **_errors("401", "404")},
            parameters=[RELEASE_ID],
            tag="releases",
        ),
        "patch": _op(
            "Edit, naming the version the edit started from",
            {"200": _json(_ref("Release"), "Saved"), **_errors("400", "401", "404", "409", "422")},
            body=_ref("ReleasePatch"),
            parameters=[RELEASE_ID],
            tag="releases",
        ),
    },
    "/api/v1/releases/{release_id}/submit": _release_action("submit", "Submit for sign-off"),
    "/api/v1/releases/{release_id}/approve": _release_action(
        "approve",
        "Sign off (not the author nor the last editor); refused while a quote waits for its "
        "speaker unless signoff_override gives the reason to go ahead",
        _object(
            {
                "comment": {"type": "string"},
                "version": {
                    "type": "integer",
                    "description": "The version reviewed: the approval covers exactly that content",
                },
                "signoff_override": {"type": "string"},
            },
            "version",
        ),
    ),
    "/api/v1/releases/{release_id}/request-changes": _release_action(
        "request-changes",
        "Send back with a comment (required)",
        _object({**ACTION_FIELDS, "comment": _SAID}, "comment"),
    ),
    "/api/v1/releases/{release_id}/publish": _release_action("publish", "Publish now"),
    "/api/v1/releases/{release_id}/schedule": _release_action(
        "schedule",
        "Schedule under embargo",
        _object({**ACTION_FIELDS, "embargo_until": INSTANT}, "embargo_until"),
    ),
    "/api/v1/releases/{release_id}/unschedule": _release_action(
        "unschedule", "Cancel the schedule"
    ),
    "/api/v1/releases/{release_id}/withdraw": _release_action(
        "withdraw",
        "Withdraw with a public reason",
        _object({"reason": {**_SAID, "maxLength": 2000}}, "reason"),
    ),
    "/api/v1/releases/{release_id}/history": {
        "get": _op(
            "Timeline and revisions",
            {"200": {"description": "History"}, **_errors("401", "404")},
            parameters=[RELEASE_ID],
            tag="releases",
        )
    },
    "/api/v1/releases/{release_id}/compare": {
        "get": _op(
            "Compare two revisions",
            {"200": {"description": "Side by side"}, **_errors("401", "404", "422")},
            parameters=[
                RELEASE_ID,
                _query("old", "revision number", "integer", required=True, minimum=1),
                _query("new", "revision number", "integer", required=True, minimum=1),
            ],
            tag="releases",
        )
    },
    "/api/v1/releases/{release_id}/recipients": {
        "post": _op(
            "Give a named journalist an embargoed preview link",
            {
                "201": _json(_ref("Recipient"), "The link, shown once"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=_object(
                {
                    "name": {**_SAID, "maxLength": 120},
                    "outlet": {**_SAID, "maxLength": 120},
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                },
                "name",
                "outlet",
                "email",
            ),
            parameters=[RELEASE_ID],
            tag="previews",
        ),
        "get": _op(
            "Recipients and their views",
            {"200": {"description": "Recipients"}, **_errors("401", "404")},
            parameters=[RELEASE_ID],
            tag="previews",
        ),
    },
    "/api/v1/releases/{release_id}/recipients/{recipient_id}": {
        "delete": _op(
            "Revoke a preview link",
            {"204": {"description": "Revoked"}, **_errors("401", "404")},
            parameters=[RELEASE_ID, _path_param("recipient_id", "integer")],
            tag="previews",
        )
    },
    "/api/v1/public/releases": {
        "get": _op(
            "Published releases, newest first",
            {"200": {"description": "A page of published releases"}, **_errors("422")},
            staff=False,
            parameters=[
                _page("page", 1_000_000, "page number"),
                _page("per_page", 100, "releases per page (default 20)"),
            ],
            tag="public",
        )
    },
    "/api/v1/public/releases/{slug}": {
        "get": _op(
            "One published release",
            {"200": _json(_ref("PublicRelease"), "Published"), **_errors("404")},
            staff=False,
            parameters=[_path_param("slug")],
            tag="public",
        )
    },
}


def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Pressoffice API",
            "version": "1",
            "description": "Releases under embargo with two-person sign-off, and the media "
            "enquiry log. Staff calls carry `Authorization: Bearer <token>` "
            "(`pressoffice tokens create EMAIL`). Instants are ISO 8601 with an offset; answers "
            "give UTC with Z.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json", endpoint="openapi")
@public
def openapi():
    return jsonify(openapi_document())
