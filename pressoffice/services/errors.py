"""The ways a use case can refuse, shared by the staff pages and the JSON API.

Each carries words a press officer understands; the API maps them to status codes
(``pressoffice.api.errors``) and the pages show them next to the form.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class: ``message`` is shown to the user as it is."""

    code = "error"
    status = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    """One or more fields are invalid; ``fields`` maps field name to message. Nothing changed."""

    code = "invalid"
    status = 422

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or "Some fields need correcting", fields)


class NotFound(ServiceError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "Not found"):
        super().__init__(message)


class NotAllowed(ServiceError):
    """The person may not do this (role, two-person rule, ...)."""

    code = "forbidden"
    status = 403


class WrongState(ServiceError):
    """The action does not apply to the thing in its current state."""

    code = "wrong_state"
    status = 409


class StaleVersion(ServiceError):
    """An edit started from a version that is no longer current. Both versions travel with it
    so that nothing the person typed is lost."""

    code = "stale_version"
    status = 409

    def __init__(self, current_version: int, submitted_version: int, current=None, submitted=None):
        super().__init__(
            f"Someone else saved this release (now version {current_version}) after you started "
            f"editing version {submitted_version}. Your changes have not been saved."
        )
        self.current_version = current_version
        self.submitted_version = submitted_version
        self.current = current
        self.submitted = submitted
