"""The JSON API under ``/api/v1``: bearer tokens for staff, the error shape of the contract."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, jsonify, request

from .. import clock
from ..domain.roles import has_role
from ..services import accounts
from ..services.errors import ServiceError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


@bp.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    body = {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}
    extra = getattr(exc, "api_extra", None)
    if callable(extra):
        body["error"].update(extra())
    response = jsonify(body)
    response.status_code = exc.status
    return response


_UNSET = object()


def bearer_user():
    """The staff member whose token came with the request, or None."""
    cached = request.environ.get("pressoffice.api_user", _UNSET)
    if cached is not _UNSET:
        return cached
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token:
        user = accounts.user_for_token(token.strip(), clock.now())
    request.environ["pressoffice.api_user"] = user
    return user


def token_required(role: str = "officer"):
    """A valid bearer token of a user with at least ``role``: 401 without, 403 below the role."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = bearer_user()
            if user is None:
                response = error_response(
                    401, "unauthorised", "A valid API token is required: Authorization: Bearer ..."
                )
                response.headers["WWW-Authenticate"] = 'Bearer realm="pressoffice"'
                return response
            if not has_role(user.role, role):
                return error_response(403, "forbidden", f"This needs the {role} role or higher")
            return view(*args, **kwargs)

        wrapped.access = f"role:{role}"
        return wrapped

    return decorator


def json_body() -> dict:
    """The request's JSON object; 400 for anything else."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise MalformedRequest("The request body must be a JSON object")
    return data


class MalformedRequest(ServiceError):
    code = "malformed"
    status = 400


# Importing a module registers its routes.
from . import (  # noqa: E402,F401
    contacts,
    distributions,
    enquiries,
    meta,
    openapi,
    public,
    recipients,
    releases,
    statements,
)
