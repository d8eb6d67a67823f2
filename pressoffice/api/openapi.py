"""``GET /api/v1/openapi.json``: an OpenAPI 3 description of the API.

Written by hand, next to the code it describes; a test fails when a route under /api/v1 is not
described here, or a description names a route that does not exist.
"""

from __future__ import annotations

from flask import jsonify

from ..auth import public
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
    parameters: list | None = None,
    tag: str = "",
) -> dict:
    operation: dict = {"summary": summary, "responses": responses, "tags": [tag] if tag else []}
    if not staff:
        operation["security"] = []
    if body is not None:
        operation["requestBody"] = {
            "required": True,
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


def _query(name: str, description: str, kind: str = "string") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": kind},
        "description": description,
    }


RELEASE_ID = _path_param("release_id", "integer", "The release's number")
REFERENCE = _path_param("reference", "string", "ENQ-YYYYMMDD-NNNN")
INSTANT = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 with an offset, e.g. 2016-12-01T00:01:00+00:00",
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
            "speaker": {"type": "string"},
            "role": {"type": "string"},
            "text": {"type": "string"},
        },
    },
    "Link": {
        "type": "object",
        "required": ["label", "url"],
        "properties": {"label": {"type": "string"}, "url": {"type": "string", "format": "uri"}},
    },
    "ReleaseInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "title": {"type": "string", "maxLength": 200},
            "summary": {"type": "string"},
            "body": {"type": "string", "maxLength": 100000, "description": "Markdown"},
            "quotes": {"type": "array", "maxItems": 30, "items": _ref("Quote")},
            "notes": {"type": "array", "maxItems": 30, "items": {"type": "string"}},
            "links": {"type": "array", "maxItems": 30, "items": _ref("Link")},
        },
    },
    "ReleasePatch": {
        "allOf": [
            _ref("ReleaseInput"),
            {
                "type": "object",
                "required": ["version"],
                "properties": {
                    "version": {
                        "type": "integer",
                        "description": "The version the edit started from",
                    },
                    "change_note": {
                        "type": "string",
                        "description": "Required for a correction to a published release",
                    },
                },
            },
        ]
    },
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
                "enum": ["draft", "in_review", "approved", "scheduled", "published", "withdrawn"],
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
        "properties": {
            "journalist_name": {"type": "string"},
            "outlet": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "phone": {"type": "string"},
            "subject": {"type": "string"},
            "details": {"type": "string"},
            "deadline": INSTANT,
            "channel": {"type": "string", "enum": ["phone", "email", "web_form", "in_person"]},
            "release_id": {"type": "integer"},
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


def _release_action(name: str, summary: str, body: dict | None = None) -> dict:
    return {
        "post": _op(
            summary,
            {
                "200": _json(_ref("Release"), "The release after the action"),
                **_errors("401", "403", "404", "409", "422"),
            },
            body=body or {"type": "object", "properties": {"comment": {"type": "string"}}},
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
            parameters=[_query("at", "ISO 8601 instant with an offset; default now")],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries": {
        "post": _op(
            "Log an enquiry (public: received now; staff token: may give received_at)",
            {"201": _json(_ref("Enquiry"), "Logged"), **_errors("400", "422", "429")},
            staff=False,
            body=_ref("EnquiryInput"),
            tag="enquiries",
        ),
        "get": _op(
            "List enquiries",
            {"200": {"description": "A page of enquiries"}, **_errors("401", "422")},
            parameters=[
                _query("route", "office_hours or out_of_hours"),
                _query("status", "new, assigned, answered or closed"),
                _query("assignee", "user id or email"),
                _query("from", "received on or after (ISO 8601)"),
                _query("to", "received before (ISO 8601)"),
                _query("q", "free text"),
                _query("page", "page number", "integer"),
                _query("per_page", "rows per page", "integer"),
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
            {"200": _json(_ref("Enquiry"), "Assigned"), **_errors("401", "404", "409", "422")},
            body={"type": "object", "properties": {"assignee": {"type": "string"}}},
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries/{reference}/respond": {
        "post": _op(
            "Record the response",
            {"200": _json(_ref("Enquiry"), "Answered"), **_errors("401", "404", "409", "422")},
            body={"type": "object", "properties": {"response": {"type": "string"}}},
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries/{reference}/close": {
        "post": _op(
            "Close",
            {"200": _json(_ref("Enquiry"), "Closed"), **_errors("401", "404", "409")},
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/releases": {
        "post": _op(
            "Draft a release",
            {"201": _json(_ref("Release"), "Created"), **_errors("400", "401", "422")},
            body=_ref("ReleaseInput"),
            tag="releases",
        ),
        "get": _op(
            "List releases",
            {"200": {"description": "A page of releases"}, **_errors("401")},
            parameters=[
                _query("status", "computed status"),
                _query("q", "free text"),
                _query("page", "page number", "integer"),
                _query("per_page", "rows per page", "integer"),
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
        {
            "type": "object",
            "required": ["version"],
            "properties": {
                "comment": {"type": "string"},
                "version": {
                    "type": "integer",
                    "description": "The version reviewed: the approval covers exactly that content",
                },
                "signoff_override": {"type": "string"},
            },
        },
    ),
    "/api/v1/releases/{release_id}/request-changes": _release_action(
        "request-changes", "Send back with a comment (required)"
    ),
    "/api/v1/releases/{release_id}/publish": _release_action("publish", "Publish now"),
    "/api/v1/releases/{release_id}/schedule": _release_action(
        "schedule",
        "Schedule under embargo",
        {
            "type": "object",
            "required": ["embargo_until"],
            "properties": {"embargo_until": INSTANT, "comment": {"type": "string"}},
        },
    ),
    "/api/v1/releases/{release_id}/unschedule": _release_action(
        "unschedule", "Cancel the schedule"
    ),
    "/api/v1/releases/{release_id}/withdraw": _release_action(
        "withdraw",
        "Withdraw with a public reason",
        {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
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
                _query("old", "revision number", "integer"),
                _query("new", "revision number", "integer"),
            ],
            tag="releases",
        )
    },
    "/api/v1/releases/{release_id}/recipients": {
        "post": _op(
            "Give a named journalist an embargoed preview link",
            {
                "201": _json(_ref("Recipient"), "The link, shown once"),
                **_errors("401", "404", "409", "422"),
            },
            body={
                "type": "object",
                "required": ["name", "outlet", "email"],
                "properties": {
                    "name": {"type": "string"},
                    "outlet": {"type": "string"},
                    "email": {"type": "string", "format": "email"},
                },
            },
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
            {"200": {"description": "A page of published releases"}},
            staff=False,
            parameters=[_query("page", "page number", "integer")],
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
