"""The database an import writes into: a new one, switched to only when the import succeeded.

An import never writes into the site's live database. It creates a sibling database (SQLite:
`NAME--iTOKEN.sqlite3` beside the current file; PostgreSQL: `DBNAME__iTOKEN`), fills it, and
only then points the site at it and drops the old one. If anything fails or the import is
interrupted the new database is dropped; if the process was killed, the next import of the
same site finds the half-made database by its name and drops it first. A lock file keeps two
imports of one site apart, so the one holding the lock may drop such leftovers safely.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings

from pnyx.config import private_dir
from pnyx.dbconfig import create_sqlite_file, database_settings, is_sqlite
from pnyx.dumps.bulk import open_sqlite_for_loading
from pnyx.dumps.errors import ImportBusy
from pnyx.network.models import Site
from pnyx.sites import registry
from pnyx.sites.ownership import (
    POSTGRES_SUFFIX_RE,
    SQLITE_SUFFIX_RE,
    postgres_stem,
    sqlite_base,
)
from pnyx.sites.services import create_database, drop_database, migrate_site
from pnyx.sites.templates import copy_template

SQLITE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True)
class TargetDatabase:
    """A database URL with what the import needs to open and drop it."""

    url: str

    @property
    def config(self) -> dict[str, Any]:
        return database_settings(self.url)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.config)

    @property
    def name(self) -> str:
        return str(self.config["NAME"])


def _with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def new_target(base_url: str) -> TargetDatabase:
    """A fresh, not yet existing database beside `base_url` (the site's current one)."""
    while True:
        token = "i" + secrets.token_hex(4)
        base = TargetDatabase(base_url)
        if base.is_sqlite:
            path = sqlite_base(Path(base.name))
            named = path.with_name(f"{path.stem}--{token}{path.suffix}")
            target = TargetDatabase(f"sqlite:///{named}")
        else:
            stem = postgres_stem(base.name)
            target = TargetDatabase(_with_database_name(base_url, f"{stem}__{token}"))
        if not exists(target):  # a clash is unlikely, but would drop what is there on failure
            return target


def leftovers(base_url: str, keep: str | None) -> list[TargetDatabase]:
    """Databases named as earlier imports beside `base_url` name theirs (all but `keep`).

    Names only: whether one may be dropped is for `pnyx.sites.ownership` to say (another
    site's database can have such a name when URLs were given by hand)."""
    base = TargetDatabase(base_url)
    keep_name = TargetDatabase(keep).name if keep else None
    found: list[TargetDatabase] = []
    if base.is_sqlite:
        path = sqlite_base(Path(base.name))
        if not path.parent.is_dir():
            return []
        for candidate in sorted(path.parent.glob(f"{path.stem}--i*{path.suffix}")):
            if SQLITE_SUFFIX_RE.search(candidate.stem) and str(candidate) != keep_name:
                found.append(TargetDatabase(f"sqlite:///{candidate}"))
        return found
    stem = postgres_stem(base.name)
    with psycopg.connect(**_admin_conninfo(base.config), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [stem + "__i"]
        ).fetchall()
    for (name,) in rows:
        if POSTGRES_SUFFIX_RE.search(name) and name != keep_name:
            found.append(TargetDatabase(_with_database_name(base_url, name)))
    return found


def _admin_conninfo(config: dict[str, Any]) -> dict[str, Any]:
    return {**_conninfo(config), "dbname": "postgres"}


def _conninfo(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "dbname": config["NAME"],
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": 10,
    }


def create(target: TargetDatabase) -> None:
    """Create the empty database with the site schema: on SQLite a copy of the template
    (`pnyx.sites.templates`), on PostgreSQL by running the site migrations."""
    if target.is_sqlite:
        path = Path(target.name)
        private_dir(path.parent)
        copy_template(path)
        return
    create_database(target.config)
    scratch = Site(name=f"import-{secrets.token_hex(6)}", database_url=target.url)
    try:
        migrate_site(scratch)
    finally:
        registry.forget_connection(scratch)


def drop(target: TargetDatabase) -> None:
    if target.is_sqlite:
        for suffix in SQLITE_FILE_SUFFIXES:
            Path(f"{target.name}{suffix}").unlink(missing_ok=True)
        return
    drop_database(target.config)


def wait_until_unused(target: TargetDatabase, seconds: float) -> None:
    """Wait (at most `seconds`) until no other session uses the PostgreSQL database."""
    if target.is_sqlite:
        return
    deadline = time.monotonic() + seconds
    with psycopg.connect(**_admin_conninfo(target.config), autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [target.name]
            ).fetchone()
            if not row or not row[0]:
                return
            time.sleep(0.1)


def exists(target: TargetDatabase) -> bool:
    if target.is_sqlite:
        return Path(target.name).exists()
    with psycopg.connect(**_admin_conninfo(target.config), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name])
        return row.fetchone() is not None


def connect_sqlite(target: TargetDatabase, keep_journal_mode: bool = False) -> sqlite3.Connection:
    """A raw connection for bulk loading (see `bulk.open_sqlite_for_loading`)."""
    return open_sqlite_for_loading(target.name, keep_journal_mode)


def copy_sqlite(source: TargetDatabase, path: Path) -> None:
    """Copy an SQLite database into a new file at `path`, whatever its journal holds."""
    create_sqlite_file(path)
    with closing(sqlite3.connect(source.name)) as origin, closing(sqlite3.connect(path)) as copy:
        origin.backup(copy)


def connect_postgres(target: TargetDatabase, snapshot: bool = False) -> psycopg.Connection[Any]:
    """A connection in UTC; with `snapshot`, read-only and seeing one snapshot throughout."""
    conn = psycopg.connect(**_conninfo(target.config), autocommit=False)
    if snapshot:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
    conn.execute("SET TIME ZONE 'UTC'")
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '256MB'")
    # The import runs one lane per core already: a query or index build that also starts
    # parallel workers only makes them share the same cores, at the cost of coordinating.
    conn.execute("SET max_parallel_workers_per_gather = 0")
    conn.execute("SET max_parallel_maintenance_workers = 0")
    if _has_lz4(conn):
        # Bodies and revisions over 2 KB are compressed as they are stored: pglz, the default,
        # costs the server a third more time on the biggest tables than lz4 (PostgreSQL 14 and
        # later, when built with it), and lz4 values read back faster too.
        conn.execute("SET default_toast_compression = 'lz4'")
    return conn


def _has_lz4(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression'"
        " AND 'lz4' = ANY(enumvals)"
    ).fetchone()
    return row is not None


@contextmanager
def site_lock(name: str) -> Iterator[None]:
    """Hold the import lock of site `name`, or refuse at once if another import holds it."""
    folder = Path(settings.DATA_DIR) / "locks"
    private_dir(folder)
    path = folder / f"import-{name}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ImportBusy(f"another import into site {name!r} is running") from exc
        yield
    finally:
        os.close(fd)


def work_folder(name: str) -> Path:
    """Where archives of site `name`'s imports are extracted; emptied before each import."""
    return Path(settings.DATA_DIR) / "tmp" / f"import-{name}"
