"""SQLite's bulk connection: writing in a thread while other connections read the database."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from pnyx.dumps.bulk import SqliteBulk
from pnyx.dumps.target import TargetDatabase, connect_sqlite


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
