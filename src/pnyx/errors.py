"""Errors that Pnyx reports to a person, rather than bugs.

Every error a user or operator can cause by what they type derives from `PnyxError`; the command
line prints its message on one line and exits with status 2, the web shows it beside the form.
Anything else that escapes is a bug and is allowed to surface as one.
"""


class PnyxError(Exception):
    """A problem with the input or the environment, described for the person who caused it."""


class ConfigurationError(PnyxError):
    """The environment or a setting is unusable (data directory, database URL...)."""


class ValidationError(PnyxError):
    """Input that breaks a domain rule (a title too short, a site name that is not a slug...)."""


class NotFound(PnyxError):
    """The thing asked for does not exist."""
