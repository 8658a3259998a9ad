"""Errors that Pnyx reports to a person, rather than bugs.

Every error a user or operator can cause by what they type derives from `PnyxError`; the command
line prints its message on one line and exits with status 2, the web shows it beside the form (or
answers with the error's HTTP status), and the API will answer with the same status and code.
Anything else that escapes is a bug and is allowed to surface as one.

Each class carries a stable `code` (a short word for programs: the API's `error_name`, a test's
assertion) and the HTTP `status` a web request that raised it is answered with. This module is
the one place where that mapping lives.
"""

from __future__ import annotations


class PnyxError(Exception):
    """A problem with the input or the environment, described for the person who caused it."""

    code = "error"
    status = 400

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)


class ConfigurationError(PnyxError):
    """The environment or a setting is unusable (data directory, database URL...)."""

    code = "configuration"
    status = 500


class ValidationError(PnyxError):
    """Input that breaks a domain rule (a title too short, a site name that is not a slug...)."""

    code = "bad_parameter"
    status = 400


class NotFound(PnyxError):
    """The thing asked for does not exist (or is deleted, or belongs to another site)."""

    code = "not_found"
    status = 404


class NotSignedIn(PnyxError):
    """The action needs a signed-in account."""

    code = "access_token_required"
    status = 401


class NotAllowed(PnyxError):
    """The actor may not do this (own post, locked post, not the asker...)."""

    code = "access_denied"
    status = 403


class PrivilegeRequired(NotAllowed):
    """The actor lacks the reputation a privilege needs; the message says how much it takes."""

    code = "privilege_required"

    def __init__(self, message: str, *, privilege: str, reputation: int) -> None:
        super().__init__(message)
        self.privilege = privilege
        self.reputation = reputation


class Conflict(PnyxError):
    """The action collides with a newer state (an edit over a newer revision, a double submit)."""

    code = "conflict"
    status = 409


class RateLimited(PnyxError):
    """Too many attempts in too short a time; `retry_after` is in seconds."""

    code = "throttle_violation"
    status = 429

    def __init__(self, message: str, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def http_status(error: PnyxError) -> int:
    """The HTTP status a web or API request that raised `error` is answered with."""
    return error.status
