"""A time limit on a search's statements, so no query runs for more than a second.

The planner bounds the work of every query it writes; this is the guard behind it, for what a
plan could not foresee. SQLite checks a deadline every few thousand virtual machine steps and
interrupts the statement; PostgreSQL gets a `statement_timeout` for the duration.
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
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(seconds * 1000)])
        try:
            yield
        except OperationalError as exc:
            if "canceling statement due to statement timeout" in str(exc):
                raise TooSlow from exc
            raise
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
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
