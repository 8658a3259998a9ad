"""Logging filters named in `settings.LOGGING`."""

from __future__ import annotations

import logging


class WithoutTraceback(logging.Filter):
    """Log the record's message alone, on one line, without its traceback.

    For events a client causes whose message says everything: a request naming a host that is
    not in ALLOWED_HOSTS is answered 400, and scanners send many; a traceback of Django's own
    frames for each would bury the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
