"""Errors in a dump, reported with the file and line they were found at."""

from __future__ import annotations

import errno
import sqlite3

import psycopg

from pnyx.errors import PnyxError


class DumpError(PnyxError):
    """A dump that cannot be imported as it is: unreadable, malformed, or breaking the schema."""

    def __init__(self, problem: str, file: str | None = None, line: int | None = None) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        where = file or ""
        if file and line:
            where = f"{file}, line {line}"
        super().__init__(f"{where}: {problem}" if where else problem)

    def __reduce__(self) -> tuple[type[DumpError], tuple[str, str | None, int | None]]:
        # Raised in a helper process and re-raised in the import's: keep the file and line.
        return (type(self), (self.problem, self.file, self.line))


class ImportBusy(PnyxError):
    """Another import into the same site is running."""


class OutOfSpace(PnyxError):
    """A disk filled up during an import: the import's own, or the database server's."""

    def __init__(self, said: str) -> None:
        self.said = said
        super().__init__(
            f"the disk filled up during the import ({said}); the site is as it was before:"
            " free some space and import again"
        )

    def __reduce__(self) -> tuple[type[OutOfSpace], tuple[str]]:
        return (type(self), (self.said,))


def out_of_space(exc: BaseException) -> OutOfSpace | None:
    """`exc` told as `OutOfSpace` when it says that a disk is full, else None.

    SQLite's error is matched by its text as well as its code: an error raised in a helper
    process reaches the import pickled, which keeps the text only.
    """
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutOfSpace(exc.strerror or str(exc))
    if isinstance(exc, sqlite3.OperationalError) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
        or "database or disk is full" in str(exc)
    ):
        return OutOfSpace(f"SQLite: {exc}")
    if isinstance(exc, psycopg.errors.DiskFull):
        return OutOfSpace(f"PostgreSQL: {exc.diag.message_primary or exc}")
    return None
