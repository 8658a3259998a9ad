"""Loading a dump's files side by side, one lane per core.

Reading XML and turning its rows into database rows is Python work for one core, so a big
dump is loaded in several lanes, each taking the next file (the biggest first, as soon as the
files it reads from are in). The first lane is a thread of the import's own process, the
others are processes of their own. On PostgreSQL each lane writes into the new database
through its own connection and commits its tables with their indexes. SQLite has one writer
per file: posts and their history (`Task.in_place`) go into the new database itself, one
after the other, and every other file into a scratch copy of the empty database, indexed
there and copied in at the end with SQLite's transfer optimisation (`INSERT INTO t SELECT *
FROM other.t` into an empty table with the same indexes copies records and index entries
without decoding them). The `@name` replies and the checks are then shared out the same way.

A lane process dies with the import (Linux's parent-death signal), so a killed import leaves
no process writing behind it; when the import fails or is interrupted, the lane processes
are killed and the thread stops at its next progress report.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import shutil
import sqlite3
import threading
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import cast

from pnyx.dbconfig import create_sqlite_file
from pnyx.dumps.bulk import INSERT_ERRORS, BulkConnection, Deferred, insert_problem
from pnyx.dumps.errors import DumpError, out_of_space
from pnyx.dumps.lane_process import lane_main
from pnyx.dumps.loader import TASKS, LoadResult, Task
from pnyx.dumps.progress import Reporter
from pnyx.dumps.source import DumpSource
from pnyx.errors import PnyxError
from pnyx.network.models import Site

LANES_FROM_BYTES = 50_000_000  # below, starting lanes costs more than it saves


def lanes_for(total_bytes: int) -> int:
    """How many lanes pay off for a dump of `total_bytes` of XML: one per core, or none."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if total_bytes < LANES_FROM_BYTES or not cores or cores < 2:
        return 1
    return min(cores, len(TASKS))


@dataclass
class Lanes:
    """What every task of one import shares: where it writes and what it knows."""

    source: DumpSource
    site: Site
    target_url: str
    is_sqlite: bool
    deferred: list[Deferred]  # the new database's indexes and triggers
    scratch_dir: Path  # SQLite: the empty database's copy, and one file per task
    tag_ids: dict[str, int] = field(default_factory=dict)
    next_tag_id: int = 1
    # Tables whose indexes the import builds itself once the files are in (the posts, while
    # the lanes render the replies and run the checks), rather than the task's lane. Their
    # keys stay with the lane: adding one locks the table, which the finishing lanes read.
    later_indexes: tuple[str, ...] = ()
    # The comments that hold an `@` wait apart until their replies are rendered, and the
    # import then stores them (`DumpLoader.merge_mentions`); on PostgreSQL it builds the
    # comments' indexes and key after them.
    mentions_apart: bool = False

    def built_later(self, item: Deferred) -> bool:
        """Whether the import builds `item` beside the finishing lanes (see `later_indexes`)."""
        return item.kind == "index" and not item.constraint and item.table in self.later_indexes

    def built_after_replies(self, item: Deferred) -> bool:
        """Whether the import builds `item` once the replies are stored (`mentions_apart`)."""
        if self.is_sqlite:  # built in the lane's file, copied in with the comments
            return False
        return self.mentions_apart and item.kind == "index" and item.table == "comments"

    @property
    def template(self) -> Path:
        return self.scratch_dir / "empty.sqlite3"

    def scratch(self, task: Task) -> Path:
        """Where an SQLite lane loads `task`, unless it loads into the new database itself."""
        return self.scratch_dir / f"{task.file.removesuffix('.xml').lower()}.sqlite3"


class LaneFailed(PnyxError):
    """A lane stopped on something other than a problem of the dump (its traceback says what)."""


class LaneCancelled(Exception):
    """The import is failing or interrupted: the lane thread stops where it is."""


class LanePool:
    """`jobs` lanes, started once for the files and the finishing steps after them.

    The first lane is a thread of the import's own process, which has nothing else to do but
    wait meanwhile (and holds Django, the parser and the renderers already: a process less
    to fill memory with them); the others are processes. Leaving the `with` block stops
    them, or kills the processes if the import is failing (the thread dies with the import).
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.workers: list[tuple[BaseProcess | threading.Thread, Connection]] = []
        self.cancelled = threading.Event()

    def __enter__(self) -> LanePool:
        context = multiprocessing.get_context("spawn")
        for number in range(self.jobs):
            parent, child = context.Pipe()
            lane: BaseProcess | threading.Thread
            if number == 0:
                lane = threading.Thread(target=serve, args=(child, self.cancelled), daemon=True)
                lane.start()
            else:
                lane = context.Process(target=lane_main, args=(child, os.getpid()))
                lane.start()
                child.close()
            self.workers.append((lane, parent))
        return self

    def __exit__(self, *failure: object) -> None:
        if failure[0] is None:
            for _, conn in self.workers:
                conn.send(("stop",))
            for lane, _ in self.workers:
                lane.join(timeout=10)
        else:
            self.cancelled.set()
        for lane, conn in self.workers:
            if isinstance(lane, BaseProcess) and lane.is_alive():
                lane.kill()
                lane.join()
            conn.close()

    def run(self, lanes: Lanes, tasks: list[Task], reporter: Reporter) -> LoadResult:
        """Run `tasks`, the biggest first once what each reads is in; return what they
        loaded, or raise what stopped one of them."""
        files = lanes.source.files
        pending = sorted(
            tasks, key=lambda t: files[t.file].size if t.file in files else 0, reverse=True
        )
        waits_for = {task.file for task in tasks}
        done: set[str] = set()
        result = LoadResult()
        busy: dict[Connection, Task] = {}
        idle = [conn for _, conn in self.workers]
        while pending or busy:
            for conn in list(idle):
                ready = next(
                    (t for t in pending if all(a in done or a not in waits_for for a in t.after)),
                    None,
                )
                if ready is None:
                    break
                pending.remove(ready)
                idle.remove(conn)
                busy[conn] = ready
                conn.send(("task", lanes, ready))
            if not busy:
                raise LaneFailed("tasks wait on each other: " + ", ".join(t.file for t in pending))
            for ready_conn in wait(list(busy)):
                conn = cast(Connection, ready_conn)
                try:
                    message = conn.recv()
                except (EOFError, OSError) as exc:
                    raise LaneFailed(f"the helper process for {busy[conn].file} died") from exc
                kind = message[0]
                if kind == "start":
                    reporter.start_file(message[1], message[2])
                elif kind == "advance":
                    reporter.advance(message[2], message[3], message[1])
                elif kind == "finish":
                    reporter.finish_file(message[2], message[1])
                elif kind == "done":
                    result.add(message[1])
                    done.add(busy.pop(conn).file)
                    idle.append(conn)
                elif kind == "dump-error":
                    raise message[1]
                else:
                    raise LaneFailed(f"{busy[conn].file} failed:\n{message[1]}")
        return result


REPLIES_TABLE = "pnyx_import_replies"  # a lane's rendered replies, before they are stored
CHECKS = "checks"


def is_checks(task: Task) -> bool:
    return task.file.startswith(CHECKS)


def finishing_tasks(jobs: int, replies: bool) -> list[Task]:
    """The steps after the files, as tasks: the `@name` replies shared out, and the checks."""
    # The checks first, in two halves of about the same cost: the longest single pieces.
    tasks = [Task(f"{CHECKS}-{part + 1}", (), part=part, parts=2) for part in range(2)]
    if replies:
        parts = 2 * jobs  # smaller shares even out between lanes
        tasks += [Task(f"replies-{part + 1}", (), part=part, parts=parts) for part in range(parts)]
    return tasks


class _PipeReporter(Reporter):
    """A lane's progress, sent to the import's display; where the lane thread learns that
    the import stopped waiting for it."""

    def __init__(self, conn: Connection, cancelled: threading.Event | None) -> None:
        self.conn = conn
        self.name = ""
        self.cancelled = cancelled

    def start_file(self, name: str, total_bytes: int) -> None:
        self.name = name
        self.conn.send(("start", name, total_bytes))

    def advance(self, rows: int, bytes_read: int, name: str | None = None) -> None:
        if self.cancelled is not None and self.cancelled.is_set():
            raise LaneCancelled
        self.conn.send(("advance", name or self.name, rows, bytes_read))

    def finish_file(self, rows: int, name: str | None = None) -> None:
        self.conn.send(("finish", name or self.name, rows))


def serve(conn: Connection, cancelled: threading.Event | None = None) -> None:
    """In a lane: run the tasks the import sends until told to stop (or until it is gone,
    or, in the lane thread, until `cancelled` is set)."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] != "task":
            return
        lanes, task = message[1], message[2]
        try:
            try:
                reporter = _PipeReporter(conn, cancelled)
                reply: tuple[str, object] = ("done", _run(lanes, task, reporter))
            except LaneCancelled:
                return
            except DumpError as exc:
                reply = ("dump-error", exc)
            except Exception as exc:  # sent whole to the import, which stops and reports it
                full = out_of_space(exc)
                reply = ("dump-error", full) if full else ("failed", traceback.format_exc())
            conn.send(reply)
        except OSError:  # the import stopped listening: it is failing or gone
            return
        _give_back_memory()


def _give_back_memory() -> None:
    """Return what a task freed to the system, so the lanes' memory stays flat.

    Texts are allocated with malloc, and glibc keeps freed blocks for reuse: after a task
    that read big texts a lane would go on holding them (and the next lane's task its own).
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _run(lanes: Lanes, task: Task, reporter: Reporter) -> LoadResult:
    from pnyx.dumps import target as targets
    from pnyx.dumps.bulk import PostgresBulk, SqliteBulk
    from pnyx.dumps.loader import DumpLoader
    from pnyx.dumps.rendering import Renderer

    if task.parts:
        return _finish(lanes, task, reporter)
    db: BulkConnection
    if not lanes.is_sqlite:
        target = targets.TargetDatabase(lanes.target_url)
        # The posts look their revisions up (committed by the history's task) on a connection
        # of their own, so lookups need not wait for the posts' writes.
        reader = targets.connect_postgres(target) if task.after else None
        db = PostgresBulk(targets.connect_postgres(target), reader)
    elif task.in_place:
        # Into the new database itself, while the import holds no transaction on it.
        conn = targets.connect_sqlite(targets.TargetDatabase(lanes.target_url))
        db = SqliteBulk(conn, final=False)
        for item in lanes.deferred:
            if item.kind == "index" and item.table in task.tables:
                db.drop(item)
    else:
        path = lanes.scratch(task)
        create_sqlite_file(path)  # owner-only; copyfile keeps the mode of a file it overwrites
        shutil.copyfile(lanes.template, path)
        conn = targets.connect_sqlite(targets.TargetDatabase(f"sqlite:///{path}"))
        for table in task.tables:
            _without_autoincrement(conn, table)
        db = SqliteBulk(conn, final=False)
        for item in db.deferrable():
            db.drop(item)
    # The posts are the longest task and wait for the history: their bodies are sanitised
    # in a process of their own, which takes up the core the other lanes leave at the end.
    renderer = Renderer(1 if task.file == "Posts.xml" else 0)
    try:
        loader = DumpLoader(db, lanes.source, lanes.site, reporter, renderer)
        loader.tag_ids = dict(lanes.tag_ids)
        loader.next_tag_id = lanes.next_tag_id
        loader.mentions_apart = lanes.mentions_apart
        result = loader.run(task)
        now = [
            item
            for item in lanes.deferred
            if not lanes.built_later(item) and not lanes.built_after_replies(item)
        ]
        build(db, now, task.tables, kinds=("index",), file=task.file)
        if not lanes.is_sqlite:
            # While the other lanes still load: as the import's last step, the statistics
            # of every table would be gathered by one server process with a core idle.
            for table in task.tables:
                if not (lanes.mentions_apart and table == "comments"):  # analysed when whole
                    db.execute(f'ANALYZE "{table}"')
        db.commit()
    finally:
        renderer.close()
        db.close()
    return result


def _finish(lanes: Lanes, task: Task, reporter: Reporter) -> LoadResult:
    """A finishing step, reading the new database: the checks, or a share of the `@name`
    replies (on PostgreSQL into a table the import stores them from, with the comments kept
    apart; on SQLite into a file the import copies in, since the database has one writer)."""
    from pnyx.dumps import target as targets
    from pnyx.dumps.bulk import PostgresBulk, SqliteBulk
    from pnyx.dumps.loader import DumpLoader

    db: BulkConnection
    into = REPLIES_TABLE
    if lanes.is_sqlite:
        # The import may be building indexes meanwhile, in WAL mode (see `importer`).
        target = targets.TargetDatabase(lanes.target_url)
        conn = targets.connect_sqlite(target, keep_journal_mode=True)
        if not is_checks(task):  # SQLite: into a file of this lane's, copied in after
            conn.execute("ATTACH DATABASE ? AS out", [str(lanes.scratch(task))])
            conn.execute("CREATE TABLE out.comment_html (id INTEGER PRIMARY KEY, html text)")
            into = "out.comment_html"
        db = SqliteBulk(conn, final=False)
    else:
        db = PostgresBulk(targets.connect_postgres(targets.TargetDatabase(lanes.target_url)))
    try:
        loader = DumpLoader(db, lanes.source, lanes.site, reporter)
        loader.mentions_apart = lanes.mentions_apart
        if is_checks(task):
            loader.count_dangling(task.part, task.parts)
        else:
            loader.render_replies(into, task.part, task.parts)
        db.commit()
    finally:
        db.close()
    return loader.result


def _without_autoincrement(conn: sqlite3.Connection, table: str) -> None:
    """Make a scratch table plain: AUTOINCREMENT costs a write of its counter per row, and
    the copy into the new database (which keeps it) sets the counter right."""
    row = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    conn.execute(f'DROP TABLE "{table}"')
    conn.execute(str(row[0]).replace(" AUTOINCREMENT", ""))


def build(
    db: BulkConnection,
    deferred: list[Deferred],
    tables: tuple[str, ...],
    kinds: tuple[str, ...],
    file: str | None = None,
) -> None:
    """Create the deferred indexes (or triggers) of `tables` again; a unique index that the
    rows break (PostgreSQL builds primary keys after the rows) is a problem of `file`."""
    for item in deferred:
        if item.table in tables and item.kind in kinds:
            try:
                db.execute(item.statement)
            except INSERT_ERRORS as exc:
                if file is None:
                    raise
                raise insert_problem(file, exc) from exc
