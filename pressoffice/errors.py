"""Friendly error pages, and the JSON error shape for anything under /api/."""

from __future__ import annotations

from flask import make_response, render_template, request
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: ("Something was wrong with that request", "Go back and try again."),
    401: ("Sign in needed", "Sign in to continue."),
    403: (
        "You cannot do that",
        "Your account does not allow this. Ask an administrator if you need it.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("That is not allowed here", "Go back and try again."),
    409: ("That has changed", "Someone else changed this. Reload the page and try again."),
    413: ("That file is too large", "Files must be 25 MB or smaller."),
    429: (
        "Too many attempts",
        "You have tried too many times. Wait a few minutes, then try again.",
    ),
    500: (
        "Sorry, there is a problem with the service",
        "Try again later. If you were saving a change, check whether it was saved before you "
        "try again.",
    ),
}

CODES = {
    400: "malformed",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None):
    if wants_json():
        from .api import error_response

        title, _ = MESSAGES.get(status, MESSAGES[500])
        return error_response(status, CODES.get(status, "error"), message or title)
    title, advice = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title, advice=advice), status


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response = make_response(render_error(exc.code or 500))
        # The exception's own headers carry what the status promises: Allow for a 405.
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        app.logger.exception("Unhandled error on %s", request.path)
        from .extensions import db

        db.session.rollback()
        return render_error(500)
