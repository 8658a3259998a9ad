"""Errors in a dump, reported with the file and line they were found at."""

from __future__ import annotations

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
