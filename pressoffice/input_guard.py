"""Hostile input is refused before it reaches a rule or the database, with the problem named.

Nothing a person means to type needs any of these, and each would otherwise end in a server
error instead of a clear refusal:

- a JSON body larger than ``MAX_JSON_BODY_BYTES`` (2 MB; the largest release anyone can write
  is about a quarter of that), or nested deeper than ``MAX_JSON_DEPTH`` (32) levels: 400, with
  the limit in the message. A body nested thousands deep exhausts the parser's own stack
  before it ends, and is refused as too deep all the same;
- a NUL character, which PostgreSQL cannot store: 422 naming the field;
- a lone surrogate (half of a UTF-16 pair, which JSON can spell ``"\\ud800"``), which cannot be
  written as UTF-8 at all: 422 naming the field;
- either of these in the name of an uploaded file: 422 naming the file's field;
- either of these anywhere in the address itself (``/news/%00``): 404, since nothing can ever be
  stored under such a name, for every route, whether or not the visitor has signed in.

Forms and query strings are decoded by the server with broken bytes replaced, so a surrogate
cannot arrive through them; they are checked all the same. Outside the API a refusal is the
bad-request page.
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, request

from .domain.input_rules import UNSTORABLE_TEXT, has_lone_surrogate

NUL = "\x00"
MESSAGE = "This contains a character that cannot be stored (a NUL byte)"
FILE_NAME_MESSAGE = "The file name contains a character that cannot be stored (a NUL byte)"

MAX_JSON_DEPTH = 32
MAX_JSON_BODY_BYTES = 2 * 1024 * 1024


def json_depth(value: Any) -> int:
    """How deeply the arrays and objects of a parsed JSON value nest (0 for a bare value)."""
    deepest = 0
    level = [value]
    # One level at a time: each pass keeps only the containers of the level below.
    while level := [item for item in level if isinstance(item, dict | list)]:
        deepest += 1
        level = [
            child for item in level for child in (item.values() if isinstance(item, dict) else item)
        ]
    return deepest


def _nested_too_deep() -> bool:
    try:
        parsed = request.get_json(silent=True)  # parsed once: the view reads the same value
    except RecursionError:
        # Thousands of levels: the parser's own stack gave out before the end.
        return True
    return json_depth(parsed) > MAX_JSON_DEPTH


def _max_json_bytes() -> int:
    return int(current_app.config.get("MAX_JSON_BODY_BYTES") or MAX_JSON_BODY_BYTES)


def json_body_problem() -> str | None:
    """Why this request's JSON body is refused before it is parsed (too large, too deep), or
    None."""
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or not request.is_json:
        return None
    limit = _max_json_bytes()
    too_large = f"The request body must be {limit // (1024 * 1024)} MB or smaller"
    if request.content_length is not None and request.content_length > limit:
        return too_large
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        return too_large
    if _nested_too_deep():
        return f"The request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep"
    return None


def _bad(text: str) -> str | None:
    """The message for text that cannot be stored, or None."""
    if NUL in text:
        return MESSAGE
    if has_lone_surrogate(text):
        return UNSTORABLE_TEXT
    return None


def _json_fields(value: Any, name: str = "") -> dict[str, str]:
    # The depth was bounded before parsing, so this recursion is too.
    if isinstance(value, str):
        problem = _bad(value)
        return {name or "body": problem} if problem else {}
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            label = f"{name}.{key}" if name else str(key)
            problem = _bad(str(key))
            if problem:
                found[label] = problem
            else:
                found.update(_json_fields(item, label))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(_json_fields(item, f"{name}-{index}" if name else str(index)))
    return found


def unstorable_fields() -> dict[str, str]:
    """The query, form or JSON fields of this request holding text that cannot be stored (a
    NUL or a lone surrogate), each with what is wrong."""
    found: dict[str, str] = {}
    sources = [request.args]
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        sources.append(request.form)
    for source in sources:
        for key, value in source.items(multi=True):
            problem = _bad(key + value)
            if problem:
                found[key] = problem
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, upload in request.files.items(multi=True):
            problem = _bad(key) or _bad(upload.filename or "")
            if problem:
                found[key] = FILE_NAME_MESSAGE if problem == MESSAGE else problem
        if request.is_json:
            found.update(_json_fields(request.get_json(silent=True)))
    return found


def address_is_unstorable() -> bool:
    """Whether this request's address (its decoded path) holds a NUL or a lone surrogate, so
    that nothing could ever be found under it."""
    return _bad(request.path) is not None


def fields_with_nul() -> list[str]:
    """The names of the query, form or JSON fields of this request that hold a NUL."""
    return [name for name, problem in unstorable_fields().items() if problem == MESSAGE]


def _refuse(status: int, code: str, message: str, fields: dict[str, str]):
    if request.path.startswith("/api/"):
        from .api import error_response

        return error_response(status, code, message, fields)
    abort(404 if status == 404 else 400)


def refuse_hostile_input():
    """Before every request: answer the refusal for a body too large or too deep, or for text
    that cannot be stored; None lets the request through."""
    if address_is_unstorable():
        return _refuse(404, "not_found", "Not found", {})
    problem = json_body_problem()
    if problem:
        return _refuse(400, "malformed", problem, {})
    fields = unstorable_fields()
    if not fields:
        return None
    kinds = set(fields.values())
    message = kinds.pop() if len(kinds) == 1 else "Some fields cannot be stored"
    return _refuse(422, "invalid", message, fields)


def init_app(app) -> None:
    app.before_request(refuse_hostile_input)
