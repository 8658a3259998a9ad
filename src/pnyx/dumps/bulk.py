"""The bulk paths of the two backends behind one small interface.

SQLite gets batched `executemany` inserts inside one transaction (on a database with no journal,
see `target.connect_sqlite`); PostgreSQL gets `COPY ... FROM STDIN`, batch by batch, so other
statements can run between two batches on the same connection. Reads that must not load a whole
table stream in batches (a server-side cursor on PostgreSQL).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from psycopg import sql

from pnyx.dumps.errors import DumpError

Row = Sequence[object]
INSERT_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.IntegrityError,
    psycopg.errors.IntegrityError,
)
VALUE_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.errors.DataError,
    OverflowError,
    sqlite3.DataError,
)


class BulkConnection:
    """What the importer and exporter need from a database, whatever its backend."""

    is_sqlite: bool
    param: str  # the parameter placeholder of the backend's SQL

    def insert(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        raise NotImplementedError

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        raise NotImplementedError

    def scalar(self, statement: str, params: Sequence[object] = ()) -> Any:
        raise NotImplementedError

    def stream(self, statement: str, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        raise NotImplementedError

    def deferrable(self) -> list[tuple[str, str, str]]:
        """(kind, name, CREATE statement) of what a bulk load is faster without: the indexes
        no constraint needs, and on SQLite the triggers. Dropped before, made again after."""
        raise NotImplementedError

    def drop(self, kind: str, name: str) -> None:
        raise NotImplementedError

    def reset_sequences(self, tables: Sequence[str]) -> None:
        """Move id sequences past the imported ids, so new rows get fresh ones."""

    def commit(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def insert_problem(file: str, exc: BaseException) -> DumpError:
    """A database refusal during a bulk insert, told as a problem of the dump file."""
    if isinstance(exc, INSERT_ERRORS):
        return DumpError(f"a row repeats an id or a name already imported ({exc})".strip(), file)
    return DumpError(f"a value does not fit its column ({exc})".strip(), file)


class SqliteBulk(BulkConnection):
    is_sqlite = True
    param = "?"

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.conn.execute("BEGIN")

    def insert(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            rows,
        )

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        self.conn.execute(statement, params)

    def scalar(self, statement: str, params: Sequence[object] = ()) -> Any:
        cursor = self.conn.execute(statement, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return row[0] if row else None

    def stream(self, statement: str, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.conn.execute(statement)
        try:
            while rows := cursor.fetchmany(batch):
                yield rows
        finally:
            cursor.close()

    def deferrable(self) -> list[tuple[str, str, str]]:
        # Triggers too: SQLite's fire once per row, which would double the cost of a load.
        return [
            (str(kind), str(name), str(statement))
            for kind, name, statement in self.conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                "AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
            )
        ]

    def drop(self, kind: str, name: str) -> None:
        self.conn.execute(f'DROP {kind.upper()} "{name}"')

    def commit(self) -> None:
        """Commit, then leave the file as every Pnyx SQLite database is: WAL, durable."""
        self.conn.execute("COMMIT")
        self.conn.execute("PRAGMA journal_mode=WAL").close()

    def close(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


class PostgresBulk(BulkConnection):
    is_sqlite = False
    param = "%s"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def insert(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        self.conn.execute(statement, params)  # type: ignore[arg-type]

    def scalar(self, statement: str, params: Sequence[object] = ()) -> Any:
        row = self.conn.execute(statement, params).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None

    def stream(self, statement: str, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.conn.cursor(name=f"pnyx_{uuid.uuid4().hex[:12]}")
        cursor.itersize = batch
        try:
            cursor.execute(statement)  # type: ignore[arg-type]
            while rows := cursor.fetchmany(batch):
                yield rows
        finally:
            cursor.close()

    def deferrable(self) -> list[tuple[str, str, str]]:
        # Triggers stay: PostgreSQL's are per statement, once per batch.
        rows = self.conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname"
        ).fetchall()
        return [("index", str(name), str(definition)) for name, definition in rows]

    def drop(self, kind: str, name: str) -> None:
        assert kind == "index"
        self.conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))

    def reset_sequences(self, tables: Sequence[str]) -> None:
        for table in tables:
            self.conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                    "COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                ).format(name=sql.Literal(table), table=sql.Identifier(table))
            )

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()
