"""The bulk paths of the two backends behind one small interface.

SQLite gets batched `executemany` inserts inside one transaction (on a database with no journal,
see `open_sqlite_for_loading`); PostgreSQL gets `COPY ... FROM STDIN`, batch by batch, so other
statements can run between two batches on the same connection. Reads that must not load a whole
table stream in batches (a server-side cursor on PostgreSQL).
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pnyx.dbconfig import create_sqlite_file
from pnyx.dumps.convert import utc_naive
from pnyx.dumps.errors import DumpError

Row = Sequence[object]
SQLITE_IDS_PER_STATEMENT = 500
WRITES_IN_FLIGHT = 2  # PostgreSQL batches handed to the writer and not yet written
INSERT_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.IntegrityError,
    psycopg.errors.IntegrityError,
)
VALUE_ERRORS: tuple[type[BaseException], ...] = (
    psycopg.errors.DataError,
    OverflowError,
    sqlite3.DataError,
)


@dataclass(frozen=True)
class Deferred:
    """An index or trigger a bulk load is faster without: dropped before, made again after."""

    kind: str  # "index" or "trigger"
    name: str
    table: str
    statement: str  # what creates it again
    constraint: bool = False  # an index that is a constraint's (PostgreSQL: a primary key)


class BulkConnection:
    """What the importer and exporter need from a database, whatever its backend."""

    is_sqlite: bool
    param: str  # the parameter placeholder of the backend's SQL

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: list[Row],
        computed: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Insert `rows` into `columns`; `computed` names further columns with the SQL that
        works each out from the row (its values as ?1, ?2...: SQLite only)."""
        raise NotImplementedError

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        raise NotImplementedError

    def scalar(self, statement: str, params: Sequence[object] = ()) -> Any:
        raise NotImplementedError

    def stream(self, statement: str, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        raise NotImplementedError

    def rows_for_ids(self, statement: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """Run `statement`, whose `{ids}` stands for a condition's list of ids, for `ids`."""
        raise NotImplementedError

    def rows_for_ids_later(
        self, statement: str, ids: Sequence[int]
    ) -> Callable[[], list[tuple[Any, ...]]]:
        """`rows_for_ids`, started now; its rows when the returned function is called (which
        waits for them, and raises what stopped them)."""
        rows = self.rows_for_ids(statement, ids)
        return lambda: rows

    def flush(self) -> None:
        """Wait until every row handed to `insert` is written, raising what stopped one."""

    def claim(self, tables: Sequence[str]) -> None:
        """Say that `tables`, empty, are filled by this connection alone until it commits."""

    def deferrable(self) -> list[Deferred]:
        """What a bulk load is faster without: the indexes (on PostgreSQL also those of the
        primary keys and unique constraints, made again as constraints), and the triggers
        (which would bump the content version once per row on SQLite, and make parallel loads
        wait on the version row on PostgreSQL)."""
        raise NotImplementedError

    def drop(self, item: Deferred) -> None:
        raise NotImplementedError

    def create_scratch_table(self, table: str, like: str) -> None:
        """A table `table` with the columns of `like` and nothing else (no key, no index),
        for rows on their way to `like`; the import drops it before it completes."""
        raise NotImplementedError

    def reset_sequences(self, tables: Sequence[str]) -> None:
        """Move id sequences past the imported ids, so new rows get fresh ones."""

    def writing_meanwhile(self, statements: Sequence[str]) -> AbstractContextManager[None]:
        """Run `statements` on this connection, in a thread of their own, while the block
        runs and other connections read the database; the block must not use this one.

        If the block raises, the statement running is interrupted and no other starts; a
        statement that fails is raised once the block is done.
        """
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


@contextmanager
def _statements_meanwhile(
    statements: Sequence[str],
    execute: Callable[[Any], object],
    interrupt: Callable[[], object],
    before: Callable[[], object] = lambda: None,
    after: Callable[[], object] = lambda: None,
) -> Iterator[None]:
    """`execute` each of `statements` in a thread of its own (`before` them and `after` them
    too) while the block runs. If the block raises, `interrupt` stops the statement running
    and no other starts; a statement that fails is raised once the block is done."""
    failure: list[BaseException] = []
    stop = threading.Event()

    def write() -> None:
        try:
            before()
            for statement in statements:
                if stop.is_set():
                    return
                execute(statement)
            after()
        except BaseException as exc:  # raised in the caller's thread, after the block
            failure.append(exc)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        yield
    except BaseException:
        stop.set()
        interrupt()
        raise
    finally:
        writer.join()
    if failure:
        raise failure[0]


def open_sqlite_for_loading(path: str, keep_journal_mode: bool = False) -> sqlite3.Connection:
    """A raw connection to the SQLite file at `path` for bulk loading: no journal, no syncing
    (the file is thrown away on failure, so a crash cannot cost anything that matters). It
    needs no Django, so a helper process can write the posts (`posts_store`).

    `keep_journal_mode`: leave the database's journal mode as it is, for a connection that
    reads beside a writer in WAL mode (leaving WAL needs every other connection closed).
    """
    create_sqlite_file(path)  # owner-only, as every database Pnyx makes
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    if not keep_journal_mode:
        conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    # 16 MB of page cache (rows are appended in id order, so little is read back); index
    # builds sort in as much again before spilling to disk. Several lanes have one each.
    conn.execute("PRAGMA cache_size=-16384")
    conn.execute("PRAGMA temp_store=FILE")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def insert_problem(file: str, exc: BaseException) -> DumpError:
    """A database refusal during a bulk insert, told as a problem of the dump file."""
    said = str(exc).strip()
    if isinstance(exc, psycopg.Error) and exc.diag.message_primary:
        # On one line, with the server's detail (which id is repeated, say).
        said = "; ".join(filter(None, (exc.diag.message_primary, exc.diag.message_detail)))
    if isinstance(exc, INSERT_ERRORS):
        return DumpError(f"a row repeats an id or a name already imported ({said})", file)
    return DumpError(f"a value does not fit its column ({said})", file)


class SqliteBulk(BulkConnection):
    is_sqlite = True
    param = "?"

    def __init__(self, conn: sqlite3.Connection, final: bool = True) -> None:
        """`final`: the commit leaves the database as Pnyx runs it (WAL); an import's lanes
        commit without, since several connections write the new database in turn."""
        self.conn = conn
        self.final = final
        self.conn.execute("BEGIN")

    @property
    def path(self) -> str:
        """The file of the main database (for another connection to the same one)."""
        return str(self.conn.execute("PRAGMA database_list").fetchone()[2])

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: list[Row],
        computed: Sequence[tuple[str, str]] = (),
    ) -> None:
        names = [*columns, *(name for name, _ in computed)]
        if computed:
            values = [f"?{number}" for number in range(1, len(columns) + 1)]
            values += [expression for _, expression in computed]
        else:
            values = ["?"] * len(columns)
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(values)})", rows
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

    def rows_for_ids(self, statement: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        # In slices: SQLite before 3.32 takes at most 999 parameters in a statement.
        for start in range(0, len(ids), SQLITE_IDS_PER_STATEMENT):
            chunk = ids[start : start + SQLITE_IDS_PER_STATEMENT]
            marks = ", ".join("?" * len(chunk))
            rows += self.conn.execute(statement.format(ids=f"IN ({marks})"), chunk).fetchall()
        return rows

    def deferrable(self) -> list[Deferred]:
        return [
            Deferred(str(kind), str(name), str(table), str(statement))
            for kind, name, table, statement in self.conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('index', 'trigger') "
                "AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name"
            )
        ]

    def drop(self, item: Deferred) -> None:
        self.conn.execute(f'DROP {item.kind.upper()} "{item.name}"')

    def create_scratch_table(self, table: str, like: str) -> None:
        # Made the same way in a lane's file and in the new database, so the two match and
        # `copy_from` copies the rows as they are.
        self.conn.execute(f'CREATE TABLE "{table}" AS SELECT * FROM "{like}" WHERE 0')

    @contextmanager
    def attached(self, path: Path, alias: str) -> Iterator[None]:
        """The database file at `path` attached as `alias`, in a transaction of its own
        (SQLite attaches only outside a transaction)."""
        self.release()
        self.conn.execute(f"ATTACH DATABASE ? AS {alias}", [str(path)])
        try:
            self.conn.execute("BEGIN")
            yield
            self.conn.execute("COMMIT")
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.conn.execute(f"DETACH DATABASE {alias}")
            self.conn.execute("BEGIN")

    def copy_from(self, path: Path, tables: Sequence[str]) -> None:
        """Copy `tables`, empty here, from the database file at `path` (same schema).

        SQLite copies the records and index entries of a table as they are when the two
        tables and their indexes match and the target is empty (the "transfer
        optimisation"), far faster than inserting rows.
        """
        with self.attached(path, "part"):
            for table in tables:
                self.conn.execute(f'INSERT INTO main."{table}" SELECT * FROM part."{table}"')

    @contextmanager
    def writing_meanwhile(self, statements: Sequence[str]) -> Iterator[None]:
        """See `BulkConnection.writing_meanwhile`: in WAL mode, so that other connections
        read the database meanwhile (as it was before the statements). No other connection
        may be open on entry or on exit, when the database leaves WAL mode again."""
        self.release()
        self.conn.execute("PRAGMA journal_mode=WAL").close()
        with _statements_meanwhile(
            statements, self.conn.execute, self.conn.interrupt, self.resume, self.release
        ):
            yield
        # Leaving WAL folds what was written meanwhile into the file (a checkpoint).
        self.conn.execute("PRAGMA journal_mode=OFF").close()
        self.resume()

    def commit(self) -> None:
        """Commit, then (when `final`) leave the file as every Pnyx database is: WAL."""
        self.conn.execute("COMMIT")
        if self.final:
            self.conn.execute("PRAGMA journal_mode=WAL").close()

    def release(self) -> None:
        """Commit what is written so far and hold no lock, so another connection can write."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def resume(self) -> None:
        """Begin writing again after `release`, seeing what other connections changed."""
        if not self.conn.in_transaction:
            # Another connection may have changed the schema meanwhile (a lane drops the
            # posts' indexes). SQLite checks a CREATE against the schema it cached, without
            # reading it again: `CREATE INDEX` as the first statement after another
            # connection's `DROP INDEX` fails with "already exists". Reading a table makes it
            # look at the schema's version first; read outside the transaction, so that the
            # transaction holds no snapshot (in WAL mode a write on top of a snapshot taken
            # before another connection's commit fails with "database is locked").
            self.conn.execute("SELECT count(*) FROM sqlite_master").close()
            self.conn.execute("BEGIN")

    def close(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        self.conn.close()


class PostgresBulk(BulkConnection):
    """COPY batches written by a thread of their own, so that the server stores one batch
    while the import reads the next, on a core the import's other lanes may have left.

    `insert` hands a batch over (waiting only when `WRITES_IN_FLIGHT` are waiting already);
    every other call first waits for the writes handed over, so statements see them, and a
    write that failed is raised by the next call. `reader`, when given, is a connection of
    its own for `rows_for_ids`: it reads what other tasks have committed without waiting for
    this connection's writes.
    """

    is_sqlite = False
    param = "%s"

    def __init__(
        self, conn: psycopg.Connection[Any], reader: psycopg.Connection[Any] | None = None
    ) -> None:
        self.conn = conn
        self.reader = reader
        self._writes: queue.Queue[tuple[str, Sequence[str], list[Row]] | None] = queue.Queue(
            maxsize=WRITES_IN_FLIGHT
        )
        self._writer: threading.Thread | None = None
        self._failure: BaseException | None = None
        self._streams = 0  # `stream` reads under way, between which `insert` writes at once
        self._plans: dict[tuple[str, tuple[str, ...]], _CopyPlan] = {}
        self._lookups: ThreadPoolExecutor | None = None  # `rows_for_ids_later` on `reader`
        self._claimed: set[str] = set()  # tables emptied by this transaction: COPY FREEZE

    def insert(
        self,
        table: str,
        columns: Sequence[str],
        rows: list[Row],
        computed: Sequence[tuple[str, str]] = (),
    ) -> None:
        if computed:
            raise NotImplementedError("COPY takes values only")
        if self._streams:
            # This connection is reading a `stream` between writes: one statement at a time.
            self.flush()
            self._copy(table, columns, rows)
            return
        self._raise_failure()
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_batches, daemon=True)
            self._writer.start()
        self._writes.put((table, columns, rows))

    def _write_batches(self) -> None:
        while True:
            batch = self._writes.get()
            try:
                if batch is None:
                    return
                if self._failure is None:  # after a failure, the transaction is lost anyway
                    self._copy(*batch)
            except BaseException as exc:  # raised in the import's thread by its next call
                self._failure = exc
            finally:
                self._writes.task_done()

    def _copy(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        plan = self._plans.get((table, tuple(columns)))
        if plan is None:
            plan = self._plans[table, tuple(columns)] = self._plan(table, columns)
        with self.conn.cursor() as cursor, cursor.copy(plan.statement) as copy:
            if plan.types is None:
                for row in rows:
                    copy.write_row(row)
                return
            copy.set_types(plan.types)
            dates = _dates_given_as_text(rows, plan.dates)
            for row in rows:
                if dates:
                    row = list(row)
                    for at in dates:
                        row[at] = _utc_naive(row[at])
                copy.write_row(row)

    def claim(self, tables: Sequence[str]) -> None:
        """Empty `tables` in this transaction, so that COPY may write their rows frozen.

        A frozen row is visible to every transaction once this one commits, so no later
        reader has to look its inserting transaction up and mark it on the page, which
        would write every page of the table again (the checks and the replies read them all);
        and pages of frozen rows are marked all-visible, so index-only scans can answer the
        checks. PostgreSQL allows FREEZE only into a table created or emptied in the same
        transaction, which also keeps other sessions out of the table until the commit.
        A table that holds rows is refused: emptying it would lose them without a word.
        """
        self.flush()
        for table in tables:
            holds_rows = self.conn.execute(
                sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
            ).fetchone()
            if holds_rows and holds_rows[0]:
                raise ValueError(f"{table} holds rows: a load claims only empty tables")
        self.conn.execute(
            sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables)))
        )
        self._claimed.update(tables)
        self._plans.clear()

    def _plan(self, table: str, columns: Sequence[str]) -> _CopyPlan:
        """How to COPY `columns` of `table`: in binary when psycopg can write every column's
        type so (the server then parses no text: a third less of its work on posts), and
        with FREEZE into a table this transaction `claim`ed."""
        found = dict(
            self.conn.execute(
                "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute"
                " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                [sql.Identifier(table).as_string(self.conn)],
            ).fetchall()
        )
        types = [BINARY_COPY_TYPES.get(found.get(column, "")) for column in columns]
        target = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        freeze = sql.SQL(", FREEZE" if table in self._claimed else "")
        if None in types:
            return _CopyPlan(sql.SQL("{} (FORMAT TEXT{})").format(target, freeze), None, ())
        dates = tuple(at for at, column in enumerate(columns) if found[column] == TIMESTAMPTZ)
        binary = sql.SQL("{} (FORMAT BINARY{})").format(target, freeze)
        return _CopyPlan(binary, [str(name) for name in types], dates)

    def flush(self) -> None:
        if self._writer is not None:
            self._writes.join()
        self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def execute(self, statement: str, params: Sequence[object] = ()) -> None:
        self.flush()
        self.conn.execute(statement, params)  # type: ignore[arg-type]

    def scalar(self, statement: str, params: Sequence[object] = ()) -> Any:
        self.flush()
        row = self.conn.execute(statement, params).fetchone()  # type: ignore[arg-type]
        return row[0] if row else None

    def stream(self, statement: str, batch: int = 5000) -> Iterator[list[tuple[Any, ...]]]:
        self.flush()
        cursor = self.conn.cursor(name=f"pnyx_{uuid.uuid4().hex[:12]}")
        cursor.itersize = batch
        self._streams += 1
        try:
            cursor.execute(statement)  # type: ignore[arg-type]
            while rows := cursor.fetchmany(batch):
                yield rows
        finally:
            self._streams -= 1
            cursor.close()

    def rows_for_ids(self, statement: str, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        if self.reader is None:
            self.flush()
        query = statement.format(ids="= ANY(%s)")
        return (self.reader or self.conn).execute(query, [list(ids)]).fetchall()  # type: ignore[arg-type]

    def rows_for_ids_later(
        self, statement: str, ids: Sequence[int]
    ) -> Callable[[], list[tuple[Any, ...]]]:
        """On the reader connection, in a thread of its own: the import reads its next rows
        while the server looks these up (the posts' lane otherwise waits on every lookup,
        and leaves a core idle when it is the last one running)."""
        if self.reader is None:
            return super().rows_for_ids_later(statement, ids)
        if self._lookups is None:
            self._lookups = ThreadPoolExecutor(1, thread_name_prefix="pnyx-lookup")
        return self._lookups.submit(self.rows_for_ids, statement, list(ids)).result

    def deferrable(self) -> list[Deferred]:
        self.flush()
        indexes = self.conn.execute(
            "SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) ORDER BY i.indexname"
        ).fetchall()
        # Primary keys and unique constraints too: kept, each row a COPY writes is inserted
        # into their indexes one at a time (a seventh of the server's time in a profile), where
        # building them afterwards sorts the table once. The build refuses a repeated id.
        constraints = self.conn.execute(
            "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.connamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u') "
            "ORDER BY c.conname"
        ).fetchall()
        triggers = self.conn.execute(
            "SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY t.tgname"
        ).fetchall()
        add = "ALTER TABLE {} ADD CONSTRAINT {} {}"
        return [
            *(Deferred("index", str(n), str(t), str(d)) for n, t, d in indexes),
            *(
                Deferred(
                    "index",
                    str(n),
                    str(t),
                    sql.SQL(add)
                    .format(sql.Identifier(str(t)), sql.Identifier(str(n)), sql.SQL(str(d)))
                    .as_string(self.conn),
                    constraint=True,
                )
                for n, t, d in constraints
            ),
            *(Deferred("trigger", str(n), str(t), str(d)) for n, t, d in triggers),
        ]

    def create_scratch_table(self, table: str, like: str) -> None:
        # Unlogged: its rows are written once, not also to the write-ahead log; a crash
        # empties it, and a crashed import's database is dropped anyway.
        self.execute(
            sql.SQL("CREATE UNLOGGED TABLE {} (LIKE {})")
            .format(sql.Identifier(table), sql.Identifier(like))
            .as_string(self.conn)
        )

    def drop(self, item: Deferred) -> None:
        if item.constraint:
            statement = sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(item.table), sql.Identifier(item.name)
            )
        elif item.kind == "trigger":
            statement = sql.SQL("DROP TRIGGER {} ON {}").format(
                sql.Identifier(item.name), sql.Identifier(item.table)
            )
        else:
            statement = sql.SQL("DROP INDEX {}").format(sql.Identifier(item.name))
        self.flush()
        self.conn.execute(statement)

    @contextmanager
    def writing_meanwhile(self, statements: Sequence[str]) -> Iterator[None]:
        """See `BulkConnection.writing_meanwhile`: meant for CREATE INDEX, whose lock lets
        other sessions read the table (adding a key would lock them out until commit)."""
        self.flush()
        with _statements_meanwhile(statements, self.conn.execute, self.conn.cancel_safe):
            yield

    def reset_sequences(self, tables: Sequence[str]) -> None:
        self.flush()
        for table in tables:
            self.conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                    "COALESCE(MAX(id), 0) + 1, false) FROM {table}"
                ).format(name=sql.Literal(table), table=sql.Identifier(table))
            )

    def commit(self) -> None:
        self.flush()
        self.conn.commit()
        if self._claimed:  # a later transaction may not freeze rows into them
            self._claimed.clear()
            self._plans.clear()

    def close(self) -> None:
        """Stop the writer (after the batch it is writing) and close the connections."""
        if self._writer is not None:
            self._failure = self._failure or _Closed()  # what is still waiting is dropped
            self._writes.put(None)
            self._writer.join()
            self._writer = None
        if self._lookups is not None:
            self._lookups.shutdown(cancel_futures=True)
            self._lookups = None
        if self.reader is not None:
            self.reader.close()
        self.conn.close()


TIMESTAMPTZ = "timestamp with time zone"
# The column types a binary COPY writes, as psycopg names them. A `timestamp with time zone`
# travels as a `timestamp` of UTC: both are microseconds since 2000 on the wire, and a naive
# datetime (which the dump's UTC dates make) is what psycopg's timestamp writer takes.
BINARY_COPY_TYPES = {
    "bigint": "int8",
    "integer": "int4",
    "smallint": "int2",
    "boolean": "bool",
    "text": "text",
    "character varying": "text",  # the server still checks the column's length
    TIMESTAMPTZ: "timestamp",
}


@dataclass(frozen=True)
class _CopyPlan:
    statement: sql.Composed
    types: list[str] | None  # None: in text
    dates: tuple[int, ...]  # positions of the `timestamp with time zone` columns


def _dates_given_as_text(rows: list[Row], dates: tuple[int, ...]) -> tuple[int, ...]:
    """Which of the date columns `dates` of `rows` are to be made naive datetimes in UTC.

    The loader converts dates to those already (for PostgreSQL); other rows (read back from
    the database, or given as text) are converted here. A batch's rows come from one place,
    so the first value of a column that is not NULL says how the column is given.
    """
    given = []
    for at in dates:
        value = next((row[at] for row in rows if row[at] is not None), None)
        if value is not None and (type(value) is not datetime or value.tzinfo is not None):
            given.append(at)
    return tuple(given)


def _utc_naive(value: object) -> object:
    """A date as a binary COPY writes it: the importer's ISO text in UTC, or a datetime read
    back from the database, as a naive datetime in UTC."""
    if type(value) is str:
        return datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return utc_naive(value)
    return value


class _Closed(Exception):
    """The connection was closed with writes still waiting (the import is failing)."""
