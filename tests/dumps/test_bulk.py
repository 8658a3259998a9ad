"""The bulk connections: writing in a thread while other connections read the database."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from pnyx.dumps.bulk import PostgresBulk, SqliteBulk
from pnyx.dumps.target import TargetDatabase, connect_postgres, connect_sqlite


def _database(tmp_path: Path) -> tuple[TargetDatabase, SqliteBulk]:
    target = TargetDatabase(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    db = SqliteBulk(connect_sqlite(target), final=False)
    db.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, score integer, body text)")
    db.insert("posts", ["id", "score", "body"], [(n, n % 7, "x" * 2000) for n in range(1, 1001)])
    return target, db


def _table_names(target: TargetDatabase) -> set[str]:
    with closing(sqlite3.connect(target.name)) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}


def test_other_connections_read_while_the_statements_write(tmp_path: Path) -> None:
    target, db = _database(tmp_path)
    # A cache far smaller than the index, so the writer must write to the file while a
    # reader holds its transaction open: without WAL, the reader's lock would stop it.
    db.execute("PRAGMA cache_size=8")
    reader_has_read = threading.Event()
    db.conn.create_function("after_the_reader", 0, lambda: int(reader_has_read.wait(10)))
    statements = [
        "CREATE TABLE marks AS SELECT after_the_reader() AS waited",
        "CREATE INDEX posts_body ON posts (score, body)",
    ]
    with db.writing_meanwhile(statements):
        reader = connect_sqlite(target, keep_journal_mode=True)
        reader.execute("BEGIN")
        count = reader.execute("SELECT COUNT(*) FROM posts").fetchone()[0]
        reader_has_read.set()
        # The writer commits while the reader is still in its transaction.
        for _ in range(100):
            if "posts_body" in _table_names(target):
                break
            time.sleep(0.1)
        seen = {row[0] for row in reader.execute("SELECT name FROM sqlite_master")}
        reader.execute("COMMIT")
        reader.close()
    assert count == 1000
    assert {"posts_body", "marks"} <= _table_names(target)
    assert not {"posts_body", "marks"} & seen  # the reader saw the database as it was before
    # Back to the bulk load's journal mode, and writing on this connection again.
    assert db.conn.execute("PRAGMA journal_mode").fetchone() == ("off",)
    assert db.conn.in_transaction
    db.close()


def test_a_statement_that_fails_is_raised_after_the_block(tmp_path: Path) -> None:
    _target, db = _database(tmp_path)
    ran = []
    with (
        pytest.raises(sqlite3.OperationalError, match="no such table"),
        db.writing_meanwhile(["CREATE INDEX lost ON missing (x)"]),
    ):
        ran.append("block")
    assert ran == ["block"]
    db.close()


def test_a_block_that_fails_stops_the_statements(tmp_path: Path) -> None:
    target, db = _database(tmp_path)
    block_failed = threading.Event()
    db.conn.create_function("after_the_block", 0, lambda: int(block_failed.wait(10)))
    statements = [
        "CREATE TABLE first AS SELECT after_the_block() AS waited",
        "CREATE TABLE second (x integer)",
    ]
    with pytest.raises(KeyboardInterrupt), db.writing_meanwhile(statements):
        block_failed.set()
        raise KeyboardInterrupt
    assert "second" not in _table_names(target)
    db.close()


@pytest.fixture
def postgres_target(backend: str) -> Iterator[TargetDatabase]:
    """A database of its own on the test server, with a table of 1,000 posts."""
    if backend != "postgres":
        pytest.skip("in the PostgreSQL suite")
    # Named like the run's site databases, which the run drops at its end whatever happens.
    url = os.environ["PNYX_SITE_DATABASE_URL"].format(name=f"bulk_{uuid.uuid4().hex[:6]}")
    name = url.rsplit("/", 1)[1]
    admin_url = os.environ.get(
        "PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    target = TargetDatabase(url)
    with closing(connect_postgres(target)) as conn:
        conn.execute("CREATE TABLE posts (id integer PRIMARY KEY, score integer, body text)")
        conn.execute(
            "INSERT INTO posts SELECT n, n % 7, repeat('x', 2000) FROM generate_series(1, 1000) n"
        )
        conn.commit()
    yield target
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_indexes(target: TargetDatabase) -> set[str]:
    with closing(connect_postgres(target)) as conn:
        return {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes")}


def test_postgres_readers_go_on_while_an_index_is_built(postgres_target: TargetDatabase) -> None:
    db = PostgresBulk(connect_postgres(postgres_target))
    db.execute("SET lock_timeout = '10s'")  # fails, rather than hangs, if run before the block
    # The build waits (holding its lock on posts) until a reader has read the table.
    db.execute("CREATE TABLE marks (waited boolean)")
    db.commit()
    with closing(connect_postgres(postgres_target)) as other:
        other.execute("LOCK TABLE marks IN EXCLUSIVE MODE")  # the writer waits on this
        statements = [
            "CREATE INDEX posts_score ON posts (score)",
            "INSERT INTO marks VALUES (true)",
            "CREATE INDEX posts_body ON posts (score, body)",
        ]
        with db.writing_meanwhile(statements):
            with closing(connect_postgres(postgres_target)) as reader:
                reader.execute("SET lock_timeout = '5s'")
                for _ in range(100):  # until the writer holds its lock on posts
                    locked = reader.execute(
                        "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                        " WHERE c.relname = 'posts' AND l.mode = 'ShareLock' AND l.granted"
                    ).fetchone()
                    if locked:
                        break
                    time.sleep(0.05)
                assert locked, "the index build never started"
                count = reader.execute("SELECT COUNT(*) FROM posts").fetchone()
                reader.rollback()
            other.rollback()  # lets the writer go on
        assert count == (1000,)
    db.commit()
    assert {"posts_score", "posts_body"} <= _postgres_indexes(postgres_target)
    db.close()


def test_postgres_statement_that_fails_is_raised_after_the_block(
    postgres_target: TargetDatabase,
) -> None:
    db = PostgresBulk(connect_postgres(postgres_target))
    ran = []
    with (
        pytest.raises(psycopg.errors.UndefinedTable),
        db.writing_meanwhile(["CREATE INDEX lost ON missing (x)"]),
    ):
        ran.append("block")
    assert ran == ["block"]
    db.close()


def test_postgres_block_that_fails_cancels_the_statements(postgres_target: TargetDatabase) -> None:
    db = PostgresBulk(connect_postgres(postgres_target))
    statements = ["SELECT pg_sleep(60)", "CREATE INDEX posts_score ON posts (score)"]
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt), db.writing_meanwhile(statements):
        time.sleep(0.5)  # the sleep is running
        raise KeyboardInterrupt
    assert time.monotonic() - started < 30  # cancelled, not waited for
    db.conn.rollback()
    db.close()
    assert "posts_score" not in _postgres_indexes(postgres_target)


def test_postgres_rows_written_into_a_claimed_table_are_frozen(
    postgres_target: TargetDatabase,
) -> None:
    """Pages of rows COPYed into a table its transaction claimed are all-visible once it
    commits (no later reader has to mark them, and index-only scans can answer the checks);
    dates arrive whether the rows give them as datetimes or as text."""
    db = PostgresBulk(connect_postgres(postgres_target))
    for table in ("claimed", "unclaimed"):
        db.execute(f"CREATE TABLE {table} (id integer, at timestamp with time zone, body text)")
    db.commit()
    start = datetime(2014, 1, 21, 20, 26, 5, 383000)
    moments = [(n, start + timedelta(hours=n), "x" * 200) for n in range(1, 2001)]
    texts = [(n, at.isoformat(" "), body) for n, at, body in moments]
    db.claim(["claimed"])
    for table in ("claimed", "unclaimed"):
        db.insert(table, ["id", "at", "body"], moments[:1000])
        db.insert(table, ["id", "at", "body"], texts[1000:])
    db.commit()
    db.conn.autocommit = True
    db.execute("ANALYZE claimed, unclaimed")
    pages = {
        name: (total, visible)
        for name, total, visible in db.conn.execute(
            "SELECT relname, relpages, relallvisible FROM pg_class"
            " WHERE relname IN ('claimed', 'unclaimed')"
        ).fetchall()
    }
    stored = db.conn.execute("SELECT id, at FROM claimed ORDER BY id").fetchall()
    db.close()
    assert pages["claimed"][0] > 1 and pages["claimed"][1] == pages["claimed"][0]
    assert pages["unclaimed"][1] == 0
    assert stored == [(n, at.replace(tzinfo=UTC)) for n, at, _ in moments]


def test_postgres_a_table_with_rows_is_not_claimed(postgres_target: TargetDatabase) -> None:
    """Claiming empties a table: one that holds rows is refused, and keeps them."""
    db = PostgresBulk(connect_postgres(postgres_target))
    with pytest.raises(ValueError, match="posts holds rows"):
        db.claim(["posts"])
    db.conn.rollback()
    assert db.conn.execute("SELECT COUNT(*) FROM posts").fetchone() == (1000,)
    db.close()
