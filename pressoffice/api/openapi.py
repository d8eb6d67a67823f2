"""``GET /api/v1/openapi.json``: an OpenAPI 3 description of the API.

The routes, their parameters and the answers each can give are listed here; the request bodies
and answers come from ``api/schemas.py``, the declarations the views check requests with. A
test fails when a route under /api/v1 is not described here, or a description names a route
that does not exist.
"""

from __future__ import annotations

from flask import jsonify

from ..auth import public
from ..domain.routing import ROUTES
from . import bp
from . import schemas as declared
from .schemas import INSTANT, INSTANT_HELP, RELEASE_STATUSES
from .schemas import ref as _ref


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
    body: declared.Body | None = None,
    parameters: list | None = None,
    tag: str = "",
) -> dict:
    operation: dict = {"summary": summary, "responses": responses, "tags": [tag] if tag else []}
    if not staff:
        operation["security"] = []
    if body is not None:
        operation["requestBody"] = {
            "required": body.required,
            "content": {"application/json": {"schema": _body_schema(body)}},
        }
    if parameters:
        operation["parameters"] = parameters
    return operation


def _body_schema(body: declared.Body) -> dict:
    """A reference to the component a body is declared as, or the body's own schema."""
    for name, schema in declared.SCHEMAS.items():
        if schema is body.schema:
            return _ref(name)
    return body.schema


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


RELEASE_ID = _path_param("release_id", "integer", "The release's number")
STATEMENT_ID = _path_param("statement_id", "integer", "The statement's number")
REFERENCE = _path_param("reference", "string", "ENQ-YYYYMMDD-NNNN")
RESPONSES = {
    "Malformed": _json(_ref("Error"), "The request is malformed"),
    "Unauthorised": _json(_ref("Error"), "No token, or a bad one"),
    "Forbidden": _json(_ref("Error"), "Not allowed for this user"),
    "NotFound": _json(_ref("Error"), "Not found"),
    "Conflict": _json(_ref("Error"), "Wrong state for this action, or a stale version"),
    "Invalid": _json(_ref("Error"), "A field is invalid; error.fields names it"),
    "TooMany": _json(_ref("Error"), "Too many requests"),
}


def _statement_action(name: str, summary: str) -> dict:
    return {
        "post": _op(
            summary,
            {
                "200": _json(_ref("Statement"), "The statement after the action"),
                **_errors("400", "401", "403", "404", "409", "422"),
            },
            body=declared.STATEMENT_ACTIONS[name],
            parameters=[STATEMENT_ID],
            tag="statements",
        )
    }


def _release_action(name: str, summary: str) -> dict:
    return {
        "post": _op(
            summary,
            {
                "200": _json(_ref("Release"), "The release after the action"),
                **_errors("400", "401", "403", "404", "409", "422"),
            },
            body=declared.RELEASE_ACTIONS[name],
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
            body=declared.ENQUIRY_INPUT,
            parameters=[IDEMPOTENCY_KEY],
            tag="enquiries",
        ),
        "get": _op(
            "List enquiries",
            {
                "200": {
                    "description": (
                        "A page of enquiries. total is exact up to 10,000 matches (or to the"
                        " end of the page asked for, if further); beyond, more_than_total is"
                        " true, total is where counting stopped and pages the least there are"
                    )
                },
                **_errors("401", "422"),
            },
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
            body=declared.ENQUIRY_ASSIGN,
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/enquiries/{reference}/respond": {
        "post": _op(
            "Record the response (emailed to the journalist when the enquiry came by email, "
            "unless send is false; a repeat with the same Idempotency-Key sends nothing more)",
            {
                "200": _json(_ref("Enquiry"), "Answered"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=declared.ENQUIRY_RESPOND,
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
            body=declared.ENQUIRY_CLOSE,
            parameters=[REFERENCE],
            tag="enquiries",
        )
    },
    "/api/v1/releases": {
        "post": _op(
            "Draft a release",
            {"201": _json(_ref("Release"), "Created"), **_errors("400", "401", "422")},
            body=declared.RELEASE_INPUT,
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
            body=declared.RELEASE_PATCH,
            parameters=[RELEASE_ID],
            tag="releases",
        ),
    },
    "/api/v1/releases/{release_id}/submit": _release_action("submit", "Submit for sign-off"),
    "/api/v1/releases/{release_id}/approve": _release_action(
        "approve",
        "Sign off (not the author nor the last editor); refused while a quote waits for its "
        "speaker unless signoff_override gives the reason to go ahead",
    ),
    "/api/v1/releases/{release_id}/request-changes": _release_action(
        "request-changes", "Send back with a comment (required)"
    ),
    "/api/v1/releases/{release_id}/publish": _release_action("publish", "Publish now"),
    "/api/v1/releases/{release_id}/schedule": _release_action("schedule", "Schedule under embargo"),
    "/api/v1/releases/{release_id}/unschedule": _release_action(
        "unschedule", "Cancel the schedule"
    ),
    "/api/v1/releases/{release_id}/withdraw": _release_action(
        "withdraw", "Withdraw with a public reason"
    ),
    "/api/v1/statements": {
        "post": _op(
            "Draft a statement (lines to take)",
            {"201": _json(_ref("Statement"), "Created"), **_errors("400", "401", "422")},
            body=declared.STATEMENT_INPUT,
            tag="statements",
        ),
        "get": _op(
            "Search statements",
            {"200": {"description": "Statements, most recently changed first"}, **_errors("401")},
            parameters=[
                _query("q", "words in the title, topics, lines, statement or Q&A"),
                _query("topic", "a topic the statement carries"),
                _query("retired", "true to include retired statements"),
            ],
            tag="statements",
        ),
    },
    "/api/v1/statements/{statement_id}": {
        "get": _op(
            "One statement",
            {"200": _json(_ref("Statement"), "The statement"), **_errors("401", "404")},
            parameters=[STATEMENT_ID],
            tag="statements",
        ),
        "patch": _op(
            "Edit, naming the version the edit started from (voids any approval)",
            {
                "200": _json(_ref("Statement"), "Saved"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=declared.STATEMENT_PATCH,
            parameters=[STATEMENT_ID],
            tag="statements",
        ),
    },
    "/api/v1/statements/{statement_id}/submit": _statement_action("submit", "Submit for sign-off"),
    "/api/v1/statements/{statement_id}/approve": _statement_action(
        "approve", "Sign off the version reviewed (not the author nor anyone who changed it)"
    ),
    "/api/v1/statements/{statement_id}/request-changes": _statement_action(
        "request-changes", "Send back with a comment (required)"
    ),
    "/api/v1/statements/{statement_id}/retire": _statement_action(
        "retire", "Retire with a reason (required); a published statement is withdrawn first"
    ),
    "/api/v1/statements/{statement_id}/publish": _statement_action(
        "publish",
        "Publish the approved on-the-record statement in the newsroom (its own page, the list "
        "and the feed); an edit reaches the page only once approved again",
    ),
    "/api/v1/statements/{statement_id}/withdraw": _statement_action(
        "withdraw",
        "Withdraw from the newsroom with a public reason (required; approver or admin): the "
        "page stays with the notice, out of the list and the feed",
    ),
    "/api/v1/statements/{statement_id}/history": {
        "get": _op(
            "Timeline, revisions and the enquiries answered from it",
            {"200": {"description": "History"}, **_errors("401", "404")},
            parameters=[STATEMENT_ID],
            tag="statements",
        )
    },
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
            body=declared.RECIPIENT_INPUT,
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
    "/api/v1/releases/{release_id}/distributions": {
        "post": _op(
            "Send a release to media lists: embargoed copies now, or the release when it goes "
            "public",
            {
                "201": _json(_ref("Distribution"), "The distribution, with its recipients"),
                **_errors("400", "401", "404", "409", "422"),
            },
            body=declared.DISTRIBUTION_INPUT,
            parameters=[RELEASE_ID],
            tag="distribution",
        ),
    },
    "/api/v1/releases/{release_id}/distributions/{distribution_id}": {
        "get": _op(
            "A distribution's progress: queued, sent, failed, skipped",
            {"200": _json(_ref("Distribution"), "Its counts"), **_errors("401", "404")},
            parameters=[RELEASE_ID, _path_param("distribution_id", "integer")],
            tag="distribution",
        )
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
            "schemas": declared.SCHEMAS,
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json", endpoint="openapi")
@public
def openapi():
    return jsonify(openapi_document())


# --- media contacts and lists -----------------------------------------------------------------

CONTACT_ID = _path_param("contact_id", "integer", "The contact's number")
LIST_ID = _path_param("list_id", "integer", "The list's number")
PATHS.update(
    {
        "/api/v1/contacts": {
            "get": _op(
                "Find media contacts",
                {
                    "200": {"description": "A page of contacts, by name"},
                    **_errors("401", "422"),
                },
                parameters=[
                    _query("q", "words in the name, outlet or email address"),
                    _page("page", 1_000_000, "page number"),
                    _page("per_page", 200, "contacts per page (default 50)"),
                ],
                tag="contacts",
            ),
            "post": _op(
                "Add a media contact",
                {"201": _json(_ref("Contact"), "Created"), **_errors("400", "401", "422")},
                body=declared.CONTACT_INPUT,
                tag="contacts",
            ),
        },
        "/api/v1/contacts/{contact_id}": {
            "get": _op(
                "One media contact",
                {"200": _json(_ref("Contact"), "The contact"), **_errors("401", "404")},
                parameters=[CONTACT_ID],
                tag="contacts",
            ),
            "patch": _op(
                "Change some of a contact's details",
                {
                    "200": _json(_ref("Contact"), "Saved"),
                    **_errors("400", "401", "404", "409", "422"),
                },
                body=declared.CONTACT_PATCH,
                parameters=[CONTACT_ID],
                tag="contacts",
            ),
        },
        "/api/v1/lists": {
            "get": _op(
                "Lists of media contacts, by name",
                {"200": {"description": "Every list"}, **_errors("401")},
                tag="contacts",
            ),
            "post": _op(
                "Make a list",
                {"201": _json(_ref("ContactList"), "Created"), **_errors("400", "401", "422")},
                body=declared.CONTACT_LIST_INPUT,
                tag="contacts",
            ),
        },
        "/api/v1/lists/{list_id}": {
            "get": _op(
                "One list and its members",
                {"200": _json(_ref("ContactList"), "The list"), **_errors("401", "404")},
                parameters=[LIST_ID],
                tag="contacts",
            ),
        },
        "/api/v1/lists/{list_id}/members": {
            "post": _op(
                "Put contacts on a list",
                {
                    "200": _json(_ref("ContactList"), "The list with its members"),
                    **_errors("400", "401", "404", "422"),
                },
                body=declared.CONTACT_LIST_MEMBERS_INPUT,
                parameters=[LIST_ID],
                tag="contacts",
            ),
        },
    }
)
