"""A time limit on a search's statements, so no query runs for more than a second.

The planner bounds the work of every query it writes; this is the guard behind it, for what a
plan could not foresee. SQLite checks a deadline every few thousand virtual machine steps and
interrupts the statement; on PostgreSQL searches run on a connection whose `statement_timeout`
is set when it connects.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import OperationalError

SECONDS = 1.0
SQLITE_STEPS = 20_000  # how often the deadline is looked at (a step is well under a microsecond)


class TooSlow(Exception):
    """A search statement ran past its time and was stopped."""


@contextmanager
def time_limit(engine: Any, seconds: float = SECONDS) -> Iterator[None]:
    connection = engine.connection
    connection.ensure_connection()
    deadline = time.monotonic() + seconds
    if connection.vendor == "postgresql":
        # The connection's own `statement_timeout` (see `replica.search_alias`) stops it.
        try:
            yield
        except OperationalError as exc:
            if "statement timeout" in str(exc):
                raise TooSlow from exc
            raise
        return
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), SQLITE_STEPS)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" in str(exc) and time.monotonic() > deadline:
            raise TooSlow from exc
        raise
    finally:
        raw.set_progress_handler(None, SQLITE_STEPS)
