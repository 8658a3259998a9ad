"""Turn a database URL into a Django database settings dictionary.

Every database Pnyx opens, the network's and each site's, goes through `database_settings`, so
SQLite always runs in WAL mode with a busy timeout and foreign keys on, and PostgreSQL always
keeps its connections open between requests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from pnyx.errors import ConfigurationError

# Django's SQLite backend with a process's writers queued in Python (`pnyx.sqlite_backend`).
SQLITE_ENGINE = "pnyx.sqlite_backend"

SUPPORTED_ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    SQLITE_ENGINE: "sqlite",
    "django.db.backends.postgresql": "postgresql",
}

# WAL lets readers go on while one writer writes; NORMAL sync is safe with WAL (no corruption,
# at worst the last transactions before a power cut are lost). The page size applies only to a
# new, empty file (before WAL is set): 16 KB pages hold a typical post (HTML and Markdown, 3 to
# 4 KB) where 4 KB pages send it to overflow pages, so a dump import writes the big tables a
# quarter faster and the file is a tenth smaller.
SQLITE_INIT = (
    "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
    "PRAGMA foreign_keys=ON;"
)


def database_settings(url: str) -> dict[str, Any]:
    """Parse `url` (sqlite:///path or postgresql://...) into a settings dict, or say what is wrong."""
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except (ValueError, KeyError) as exc:
        raise ConfigurationError(f"database URL {url!r} cannot be used: {exc}") from exc
    engine = config.get("ENGINE")
    if engine not in SUPPORTED_ENGINES:
        raise ConfigurationError(
            f"database URL {url!r} is not supported: use sqlite:///PATH or postgresql://..."
        )
    if engine == "django.db.backends.sqlite3":
        name = str(config.get("NAME") or "")
        if not name or name == ":memory:":
            raise ConfigurationError(f"database URL {url!r} names no file")
        config["NAME"] = str(Path(name).expanduser().absolute())
        config["ENGINE"] = SQLITE_ENGINE
        config["OPTIONS"] = {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = None
    else:
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})
    config["TEST"] = {"NAME": None}
    return config


def is_sqlite(config: dict[str, Any]) -> bool:
    """Whether a settings dict (from `database_settings`) is for SQLite."""
    return SUPPORTED_ENGINES.get(str(config.get("ENGINE"))) == "sqlite"


def backend_name(url: str) -> str:
    """`sqlite` or `postgresql`, for messages and for choosing bulk paths."""
    return SUPPORTED_ENGINES[database_settings(url)["ENGINE"]]


def create_sqlite_file(path: str | Path) -> bool:
    """Create `path` as an empty SQLite database readable by its owner only, unless it exists;
    return whether this call created it.

    SQLite would create the file itself under the process's umask (0644 as a rule), readable by
    every local user; it gives a database's -wal, -shm and -journal files the database's own
    mode, so they are owner-only too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(fd)  # an empty file is an empty database
    return True
