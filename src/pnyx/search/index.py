"""Keeping a site's search index in step with its posts, and building it whole.

`update_posts(site, post_ids)` is what every write calls once its transaction has committed
(ask, answer, edit, delete, undelete): it reads those posts as they are now and makes the index
say the same, a question's answers included (they carry its tags, and go with it when it is
deleted). Votes, views and acceptances need no call: the filters read those from `posts`.

`rebuild(site)` (`pnyx reindex`) builds a new index beside the live one while the site goes on
serving and writing, then swaps it in; `fill` is its bulk core, which `pnyx import` also runs
at the end of an import into the new, empty database.

What is indexed: questions and answers that are not deleted, answers only while their question
is not deleted either. Each post's terms come from `analysis.document`; `search_terms` counts
the posts holding each term, exactly (the planner's statistics, and what decides which words
are too common to search on, so both engines must count alike).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connections, transaction

from pnyx.network.models import Site
from pnyx.search import analysis, schema
from pnyx.search.analysis import Document
from pnyx.search.documents import (
    POST_COLUMNS,
    Row,
    analyse_postgres,
    analyse_sqlite,
    compress,
    decompress,
    distinct,
    document_of,
    packed,
)

BATCH_POSTS = 2000
IN_FLIGHT = 4  # batches handed to the helpers and not yet written
# Below this, helper processes cost more to start than they save.
HELPERS_FROM_POSTS = 20_000
# Serialises the index's writers on PostgreSQL (SQLite has one writer at a time anyway): two
# updates of one post must not both delete its old row and insert a new one.
LOCK_KEY = 0x5EA7C4
TOTAL = ""  # the `search_terms` row that counts the indexed posts


# -- keeping in step ---------------------------------------------------------------------------


def update_posts(site: Site, post_ids: Iterable[int]) -> None:
    """Make the index say what the posts `post_ids` say now (see the module doc).

    Call it after the write's transaction has committed: it reads the committed posts. It runs
    in a transaction of its own on the site's database; on PostgreSQL it takes an advisory lock
    that serialises index writers (a few milliseconds each), so two calls for one post apply
    in turn and the later one leaves the latest state. It also bumps the site's content version,
    so no page cached before the index changed is served after.
    """
    ids = sorted({int(i) for i in post_ids})
    if not ids:
        return
    from pnyx.sites.registry import ensure_connection

    ensure_connection(site)
    alias = site.db_alias
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        store: _Store = (
            _PostgresStore(cursor) if connection.vendor == "postgresql" else _SqliteStore(cursor)
        )
        store.lock()
        _apply(store, ids, connection.ops.quote_name)
        if store.rebuilding():
            store.add_pending(ids)
        from pnyx.sites.content_version import TABLE

        cursor.execute(f"UPDATE {TABLE} SET version = version + 1 WHERE name = 'all'")


def _apply(store: _Store, ids: list[int], quote: Callable[[str], str]) -> None:
    marks = ", ".join(["%s"] * len(ids))
    store.cursor.execute(
        f"SELECT {POST_COLUMNS} FROM posts p LEFT JOIN posts q ON q.id = p.parent_id "
        f"WHERE p.id IN ({marks}) OR (p.parent_id IN ({marks}) AND p.post_type = 2)",
        [*ids, *ids],
    )
    rows = store.cursor.fetchall()
    affected = sorted({*ids, *(row[0] for row in rows)})
    delta: Counter[str] = Counter()
    for terms in store.remove(affected):
        delta.subtract(terms)
        delta[TOTAL] -= 1
    new = [(row[0], doc) for row in rows if (doc := document_of(row)) is not None]
    for doc_id, doc in new:
        delta.update(store.insert(doc_id, doc))
        delta[TOTAL] += 1
    store.count({term: n for term, n in delta.items() if n})


class _Store(Protocol):
    cursor: Any

    def lock(self) -> None: ...
    def rebuilding(self) -> bool: ...
    def add_pending(self, ids: list[int]) -> None: ...
    def remove(self, ids: list[int]) -> list[set[str]]: ...
    def insert(self, doc_id: int, doc: Document) -> set[str]: ...
    def count(self, delta: dict[str, int]) -> None: ...


class _SqliteStore:
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def lock(self) -> None:
        pass  # the transaction is IMMEDIATE: it holds SQLite's write lock already

    def rebuilding(self) -> bool:
        self.cursor.execute("SELECT 1 FROM search_state WHERE key = 'rebuilding'")
        return self.cursor.fetchone() is not None

    def add_pending(self, ids: list[int]) -> None:
        self.cursor.executemany(
            "INSERT OR IGNORE INTO search_pending (id) VALUES (%s)", [(i,) for i in ids]
        )

    def remove(self, ids: list[int]) -> list[set[str]]:
        marks = ", ".join(["%s"] * len(ids))
        self.cursor.execute(f"SELECT id, terms FROM search_docs WHERE id IN ({marks})", ids)
        found = self.cursor.fetchall()
        removed = []
        for doc_id, blob in found:
            columns = decompress(blob)
            self.cursor.execute(
                f"INSERT INTO {schema.FTS_TABLE} ({schema.FTS_TABLE}, rowid, "
                f"{', '.join(schema.FTS_COLUMNS)}) VALUES ('delete', %s, %s, %s, %s, %s)",
                [doc_id, *columns],
            )
            removed.append(distinct(columns))
        if found:
            self.cursor.execute(
                f"DELETE FROM search_docs WHERE id IN ({', '.join(['%s'] * len(found))})",
                [doc_id for doc_id, _ in found],
            )
        return removed

    def insert(self, doc_id: int, doc: Document) -> set[str]:
        columns = packed(doc)
        self.cursor.execute(
            f"INSERT INTO {schema.FTS_TABLE} (rowid, {', '.join(schema.FTS_COLUMNS)}) "
            "VALUES (%s, %s, %s, %s, %s)",
            [doc_id, *columns],
        )
        self.cursor.execute(
            "INSERT INTO search_docs (id, terms) VALUES (%s, %s)", [doc_id, compress(columns)]
        )
        return doc.distinct()

    def count(self, delta: dict[str, int]) -> None:
        items = sorted(delta.items())
        self.cursor.executemany(
            "INSERT INTO search_terms (term, docs) VALUES (%s, %s) "
            "ON CONFLICT (term) DO UPDATE SET docs = docs + excluded.docs",
            items,
        )
        gone = [term for term, n in items if n < 0]
        if gone:
            self.cursor.execute(
                f"DELETE FROM search_terms WHERE docs <= 0 AND term IN "
                f"({', '.join(['%s'] * len(gone))})",
                gone,
            )


class _PostgresStore(_SqliteStore):
    def lock(self) -> None:
        self.cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])

    def add_pending(self, ids: list[int]) -> None:
        self.cursor.execute(
            "INSERT INTO search_pending (id) SELECT unnest(%s::integer[]) ON CONFLICT DO NOTHING",
            [ids],
        )

    def remove(self, ids: list[int]) -> list[set[str]]:
        self.cursor.execute(
            "DELETE FROM search_docs WHERE id = ANY(%s) RETURNING tsvector_to_array(vec)", [ids]
        )
        return [set(terms) for (terms,) in self.cursor.fetchall()]

    def insert(self, doc_id: int, doc: Document) -> set[str]:
        self.cursor.execute(
            "INSERT INTO search_docs (id, vec) VALUES (%s, %s::tsvector)",
            [doc_id, analysis.tsvector_literal(doc)],
        )
        return doc.distinct()

    def count(self, delta: dict[str, int]) -> None:
        items = sorted(delta.items())  # one order for every writer: no deadlock on the rows
        if not items:
            return
        self.cursor.execute(
            "INSERT INTO search_terms (term, docs) "
            "SELECT * FROM unnest(%s::text[], %s::integer[]) "
            "ON CONFLICT (term) DO UPDATE SET docs = search_terms.docs + excluded.docs",
            [[t for t, _ in items], [n for _, n in items]],
        )
        gone = [term for term, n in items if n < 0]
        if gone:
            self.cursor.execute(
                "DELETE FROM search_terms WHERE docs <= 0 AND term = ANY(%s)", [gone]
            )


# -- building whole ---------------------------------------------------------------------------


class Progress(Protocol):
    def start_file(self, name: str, total_bytes: int) -> None: ...
    def advance(self, rows: int, bytes_read: int, name: str | None = None) -> None: ...
    def finish_file(self, rows: int, name: str | None = None) -> None: ...


@dataclass
class FillReport:
    posts: int
    seconds: float


class _Analyser:
    """Runs the analysis of batches inline or in helper processes, results in order."""

    def __init__(self, work: Callable[[list[Row]], list[tuple[Any, ...]]], helpers: int) -> None:
        self.work = work
        self.pool: ProcessPoolExecutor | None = None
        if helpers > 0:
            self.pool = ProcessPoolExecutor(
                max_workers=helpers, mp_context=multiprocessing.get_context("spawn")
            )

    def map(self, batches: Iterator[list[Row]]) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
        """(posts read, their analysed rows) per batch, in order."""
        if self.pool is None:
            for batch in batches:
                yield len(batch), self.work(batch)
            return
        waiting: deque[tuple[int, Future[list[tuple[Any, ...]]]]] = deque()
        for batch in batches:
            waiting.append((len(batch), self.pool.submit(self.work, batch)))
            if len(waiting) >= IN_FLIGHT:
                read, future = waiting.popleft()
                yield read, future.result()
        while waiting:
            read, future = waiting.popleft()
            yield read, future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _batches(read: Callable[[int], list[Row]]) -> Iterator[list[Row]]:
    after = -(2**62)
    while True:
        rows = read(after)
        if not rows:
            return
        yield rows
        after = rows[-1][0]


# In id order from the key: on SQLite `NOT INDEXED` keeps the planner from reading an index on
# the post type and sorting every post for each batch (an import has no statistics yet).
POSTS_AFTER = (
    f"SELECT {POST_COLUMNS} FROM posts p {{hint}} LEFT JOIN posts q ON q.id = p.parent_id "
    "WHERE p.id > {mark} AND p.post_type IN (1, 2) AND p.deletion_date IS NULL "
    f"ORDER BY p.id LIMIT {BATCH_POSTS}"
)


def fill_sqlite(
    conn: sqlite3.Connection,
    suffix: str = "",
    progress: Progress | None = None,
    commit_every: Callable[[], None] | None = None,
) -> FillReport:
    """Index every post into the empty tables `search_fts{suffix}`, `search_docs{suffix}` and
    `search_terms{suffix}` through the raw connection `conn` (in its transaction; with
    `commit_every`, called after each batch, in transactions of its own)."""
    started = time.monotonic()
    total = int(conn.execute("SELECT COUNT(*) FROM posts WHERE post_type IN (1, 2)").fetchone()[0])
    fts, docs, terms = (
        f"{schema.FTS_TABLE}{suffix}",
        f"search_docs{suffix}",
        f"search_terms{suffix}",
    )
    columns = ", ".join(schema.FTS_COLUMNS)
    analyser = _Analyser(analyse_sqlite, 2 if total >= HELPERS_FROM_POSTS else 0)
    read_sql = POSTS_AFTER.format(mark="?", hint="NOT INDEXED")
    indexed = read = 0
    if progress:
        progress.start_file("search index", total)
    try:
        for batch_read, rows in analyser.map(
            _batches(lambda after: conn.execute(read_sql, [after]).fetchall())
        ):
            conn.executemany(
                f"INSERT INTO {fts} (rowid, {columns}) VALUES (?, ?, ?, ?, ?)",
                [row[:5] for row in rows],
            )
            conn.executemany(
                f"INSERT INTO {docs} (id, terms) VALUES (?, ?)", [(r[0], r[5]) for r in rows]
            )
            indexed += len(rows)
            read += batch_read
            if commit_every:
                commit_every()
            if progress:
                progress.advance(read, read)
    finally:
        analyser.close()
    conn.execute(f"CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, {fts}, row)")
    try:
        conn.execute(
            f"INSERT INTO {terms} (term, docs) SELECT term, doc FROM temp.search_vocab "
            "WHERE term <> ?",
            [analysis.FILLER],
        )
    finally:
        conn.execute("DROP TABLE temp.search_vocab")
    conn.execute(f"INSERT INTO {terms} (term, docs) VALUES (?, ?)", [TOTAL, indexed])
    if progress:
        progress.finish_file(indexed)
    return FillReport(indexed, time.monotonic() - started)


def fill_postgres(
    conn: Any,
    suffix: str = "",
    progress: Progress | None = None,
    commit_every: Callable[[], None] | None = None,
) -> FillReport:
    """`fill_sqlite` for PostgreSQL (a psycopg connection): COPY into `search_docs{suffix}`,
    which has no GIN index yet (`finish_postgres` builds it), then the terms' counts."""
    started = time.monotonic()
    total = int(conn.execute("SELECT COUNT(*) FROM posts WHERE post_type IN (1, 2)").fetchone()[0])
    docs, terms = f"search_docs{suffix}", f"search_terms{suffix}"
    analyser = _Analyser(analyse_postgres, 2 if total >= HELPERS_FROM_POSTS else 0)
    read_sql = POSTS_AFTER.format(mark="%s", hint="")
    indexed = read = 0
    if progress:
        progress.start_file("search index", total)
    try:
        for batch_read, rows in analyser.map(
            _batches(lambda after: conn.execute(read_sql, [after]).fetchall())
        ):
            with conn.cursor() as cursor, cursor.copy(f"COPY {docs} (id, vec) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            indexed += len(rows)
            read += batch_read
            if commit_every:
                commit_every()
            if progress:
                progress.advance(read, read)
    finally:
        analyser.close()
    conn.execute(
        f"INSERT INTO {terms} (term, docs) SELECT word, ndoc FROM ts_stat(%s)",
        [f"SELECT vec FROM {docs}"],
    )
    conn.execute(f"INSERT INTO {terms} (term, docs) VALUES (%s, %s)", [TOTAL, indexed])
    if progress:
        progress.finish_file(indexed)
    return FillReport(indexed, time.monotonic() - started)


def finish_postgres(conn: Any, suffix: str = "") -> None:
    """Build the GIN index of `search_docs{suffix}` once it is filled, and its statistics."""
    conn.execute(schema.gin_create(f"search_docs{suffix}", f"{schema.GIN_INDEX}{suffix}"))
    conn.execute(f"ANALYZE search_docs{suffix}")
    conn.execute(f"ANALYZE search_terms{suffix}")


def fill_import(db: Any, progress: Progress | None = None) -> FillReport:
    """Index a new database at the end of `pnyx import`, on its bulk connection `db`
    (`pnyx.dumps.bulk`), in the import's transaction: the tables are empty there."""
    if db.is_sqlite:
        return fill_sqlite(db.conn, progress=progress)
    db.flush()
    db.conn.execute(f"DROP INDEX IF EXISTS {schema.GIN_INDEX}")
    report = fill_postgres(db.conn, progress=progress)
    finish_postgres(db.conn)
    return report


# -- pnyx reindex ------------------------------------------------------------------------------

NEW = "_new"
# SQLite: a rebuild commits this often, and pauses, so the site's own writes get their turn.
COMMIT_SECONDS = 2.0
PAUSE_SECONDS = 0.05


def rebuild(site: Site, progress: Progress | None = None) -> FillReport:
    """Build the site's index anew beside the live one and swap it in (see the module doc).

    The site goes on serving searches from the old index meanwhile, and writes go on: from
    the moment the rebuild starts, `update_posts` also notes the posts it changes, and those
    are indexed again right after the swap, from what they are then.
    """
    from pnyx.sites.registry import ensure_connection

    ensure_connection(site)
    alias = site.db_alias
    postgres = connections[alias].vendor == "postgresql"
    _start(alias, postgres)
    try:
        if postgres:
            report = _fill_postgres_beside(site, progress)
        else:
            report = _fill_sqlite_beside(site, progress)
        _swap(alias, postgres)
    except BaseException:
        _abandon(alias, postgres)
        raise
    return report


def _start(alias: str, postgres: bool) -> None:
    tables = _new_tables(postgres)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for drop in tables["drop"]:
            cursor.execute(drop)
        cursor.execute("DELETE FROM search_state WHERE key = 'rebuilding'")
        cursor.execute("INSERT INTO search_state (key, value) VALUES ('rebuilding', '1')")
        cursor.execute("DELETE FROM search_pending")
        for create in tables["create"]:
            cursor.execute(create)


def _new_tables(postgres: bool) -> dict[str, list[str]]:
    if postgres:
        return {
            "drop": [
                f"DROP TABLE IF EXISTS search_docs{NEW}",
                f"DROP TABLE IF EXISTS search_terms{NEW}",
            ],
            "create": [
                f"CREATE TABLE search_docs{NEW} (id integer PRIMARY KEY, vec tsvector NOT NULL)",
                f'CREATE TABLE search_terms{NEW} (term text COLLATE "C" PRIMARY KEY, '
                "docs integer NOT NULL)",
            ],
        }
    return {
        "drop": [
            f"DROP TABLE IF EXISTS {schema.FTS_TABLE}{NEW}",
            f"DROP TABLE IF EXISTS search_docs{NEW}",
            f"DROP TABLE IF EXISTS search_terms{NEW}",
        ],
        "create": [
            schema.sqlite_fts_create(f"{schema.FTS_TABLE}{NEW}"),
            f"CREATE TABLE search_docs{NEW} (id INTEGER PRIMARY KEY, terms BLOB NOT NULL)",
            f"CREATE TABLE search_terms{NEW} (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) "
            "WITHOUT ROWID",
        ],
    }


def _fill_sqlite_beside(site: Site, progress: Progress | None) -> FillReport:
    from pnyx.dbconfig import database_settings

    path = database_settings(site.database_url)["NAME"]
    conn = sqlite3.connect(path, isolation_level=None, timeout=20, check_same_thread=False)
    try:
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        last = time.monotonic()

        def commit_now_and_then() -> None:
            nonlocal last
            if time.monotonic() - last >= COMMIT_SECONDS:
                conn.execute("COMMIT")
                time.sleep(PAUSE_SECONDS)  # a writer waiting for the lock takes it now
                conn.execute("BEGIN IMMEDIATE")
                last = time.monotonic()

        report = fill_sqlite(conn, NEW, progress, commit_now_and_then)
        conn.execute("COMMIT")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            f"INSERT INTO {schema.FTS_TABLE}{NEW} ({schema.FTS_TABLE}{NEW}) VALUES ('optimize')"
        )
        conn.execute("COMMIT")
        return report
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def _fill_postgres_beside(site: Site, progress: Progress | None) -> FillReport:
    from pnyx.dumps.target import TargetDatabase, connect_postgres

    conn = connect_postgres(TargetDatabase(site.database_url))
    try:
        report = fill_postgres(conn, NEW, progress, conn.commit)
        finish_postgres(conn, NEW)
        conn.commit()
        return report
    finally:
        conn.close()


def _swap(alias: str, postgres: bool) -> None:
    """Put the new tables in place of the live ones and index the posts changed meanwhile."""
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            statements = [
                "DROP TABLE search_docs",
                "DROP TABLE search_terms",
                f"ALTER TABLE search_docs{NEW} RENAME TO search_docs",
                f"ALTER INDEX search_docs{NEW}_pkey RENAME TO search_docs_pkey",
                f"ALTER INDEX {schema.GIN_INDEX}{NEW} RENAME TO {schema.GIN_INDEX}",
                f"ALTER TABLE search_terms{NEW} RENAME TO search_terms",
                f"ALTER INDEX search_terms{NEW}_pkey RENAME TO search_terms_pkey",
            ]
        else:
            statements = [
                f"DROP TABLE {schema.FTS_TABLE}",
                "DROP TABLE search_docs",
                "DROP TABLE search_terms",
                f"ALTER TABLE {schema.FTS_TABLE}{NEW} RENAME TO {schema.FTS_TABLE}",
                f"ALTER TABLE search_docs{NEW} RENAME TO search_docs",
                f"ALTER TABLE search_terms{NEW} RENAME TO search_terms",
            ]
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SELECT id FROM search_pending ORDER BY id")
        pending = [row[0] for row in cursor.fetchall()]
        store: _Store = _PostgresStore(cursor) if postgres else _SqliteStore(cursor)
        for start in range(0, len(pending), 500):
            _apply(store, pending[start : start + 500], connection.ops.quote_name)
        cursor.execute("DELETE FROM search_pending")
        cursor.execute("DELETE FROM search_state WHERE key = 'rebuilding'")
        from pnyx.sites.content_version import TABLE

        cursor.execute(f"UPDATE {TABLE} SET version = version + 1 WHERE name = 'all'")


def _abandon(alias: str, postgres: bool) -> None:
    """After a failed or interrupted rebuild: the live index stays, the new tables go."""
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        if postgres:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        for drop in _new_tables(postgres)["drop"]:
            cursor.execute(drop)
        cursor.execute("DELETE FROM search_pending")
        cursor.execute("DELETE FROM search_state WHERE key = 'rebuilding'")
