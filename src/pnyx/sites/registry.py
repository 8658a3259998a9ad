"""Finding sites by name or host, and opening their databases on demand.

Site rows are few and change rarely, so each process keeps them in memory; a name it does not know
is looked up again, so a site created by another process is found on its first request.

A change to the site list must reach every process at once: `pnyx import --replace` switches a
site to a new database and then drops the old one. Whoever changes a site row calls
`sites_changed` (Site saves and deletes do it by signal), and each lookup asks, without a query,
whether anything changed since it last loaded:

- PostgreSQL network database: `sites_changed` sends `NOTIFY pnyx_sites` in the writer's
  transaction, so it arrives on commit. Each process keeps one connection of its own that
  LISTENs, and a lookup drains its pending notifications without waiting.
- SQLite network database: a lookup compares the size and modification time of the database
  file and its write-ahead log with what it saw last; when they moved, it loads the site
  databases again (one query) and reloads when they differ.

Everything is also loaded again every `RELOAD_SECONDS`, in case a notification was missed.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
from typing import Any

import psycopg
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import post_delete, post_save

from pnyx.dbconfig import database_settings
from pnyx.network.models import Site

_lock = threading.Lock()
_by_name: dict[str, Site] = {}
_by_host: dict[str, Site] = {}
_loaded_at = 0.0
_databases: list[tuple[int, str]] = []  # (site id, database URL) as last loaded
# A safety net only: changes are noticed at once (see above), but a notification can be lost
# (the listening connection broke, a row was edited by hand in SQLite's shell...).
RELOAD_SECONDS = 60.0
# How long `pnyx import --replace` waits for servers to stop using a replaced database.
FOLLOW_SECONDS = 5.0
CHANNEL = "pnyx_sites"
# This process's own changes, seen without asking the database (set on commit).
_changed_here = False
# PostgreSQL: the LISTEN connection, and the process that opened it (a forked child opens its own).
_listen_lock = threading.Lock()
_listener: psycopg.Connection[Any] | None = None
_listener_pid = 0
# SQLite: (mtime_ns, size) of the network database file and its -wal, as last seen.
_file_state: tuple[tuple[int, int] | None, ...] | None = None
# Kept in an alias's settings: the site database URL the alias was made for.
URL_KEY = "PNYX_DATABASE_URL"


def ensure_connection(site: Site) -> None:
    """Make `site.db_alias` a usable connection alias in this process.

    A site can move to another database (`pnyx import --replace` fills a new one and switches
    the site to it): when `site.database_url` is not the one the alias was made for, the alias
    is made again, and this thread's connection to the old database is closed.
    """
    alias = site.db_alias
    current = connections.settings.get(alias)
    if current is None or current.get(URL_KEY) != site.database_url:
        with _lock:
            current = connections.settings.get(alias)
            if current is None or current.get(URL_KEY) != site.database_url:
                # configure_settings fills in Django's defaults; it insists on seeing a `default`.
                configured = connections.configure_settings(
                    {
                        "default": dict(connections.settings["default"]),
                        alias: database_settings(site.database_url),
                    }
                )
                configured[alias][URL_KEY] = site.database_url
                connections.settings[alias] = configured[alias]
    # Connections are per thread: one opened before the move still holds the old settings.
    opened = getattr(connections._connections, alias, None)  # type: ignore[attr-defined]
    if opened is not None and opened.settings_dict is not connections.settings[alias]:
        try:
            # The old database may be gone already (an import dropped it after the switch).
            with contextlib.suppress(DatabaseError):
                opened.close()
        finally:
            delattr(connections._connections, alias)  # type: ignore[attr-defined]


def forget_connection(site: Site) -> None:
    """Close and drop the connection alias (before the database itself is removed)."""
    alias = site.db_alias
    if alias in connections.settings:
        try:
            connections[alias].close()
        finally:
            del connections.settings[alias]
            with contextlib.suppress(AttributeError):
                delattr(connections._connections, alias)  # type: ignore[attr-defined]


def sites_changed(using: str = "default") -> None:
    """Tell every process that the site list changed (on commit of the current transaction)."""

    def mark() -> None:
        global _changed_here
        _changed_here = True

    transaction.on_commit(mark, using=using)
    if connections[using].vendor == "postgresql":
        with connections[using].cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")


def _on_site_change(sender: type[Site], using: str, **kwargs: Any) -> None:
    sites_changed(using)


post_save.connect(_on_site_change, sender=Site, dispatch_uid="pnyx.sites.registry.save")
post_delete.connect(_on_site_change, sender=Site, dispatch_uid="pnyx.sites.registry.delete")


def close_listener() -> None:
    """Close this process's LISTEN connection (it is opened again when needed)."""
    global _listener
    with _listen_lock:
        if _listener is not None and _listener_pid == os.getpid():
            with contextlib.suppress(psycopg.Error):
                _listener.close()
        _listener = None


def _drain(listener: psycopg.Connection[Any]) -> bool:
    """Read what the server sent to `listener`, without waiting; whether a notification came.

    Raises psycopg.Error when the connection is gone: a closed socket stays readable, and
    reading it again fails.
    """
    pgconn = listener.pgconn
    for _ in range(100):
        if not select.select([pgconn.socket], [], [], 0)[0]:
            break
        pgconn.consume_input()
    got = False
    while pgconn.notifies() is not None:
        got = True
    return got


def _notified() -> bool:
    """PostgreSQL: whether a `NOTIFY pnyx_sites` came since the last call; never waits.

    A newly opened listener (first use, after a fork, after it broke) answers True: what
    happened before it listened is unknown.
    """
    global _listener, _listener_pid
    with _listen_lock:
        if _listener is not None and _listener_pid == os.getpid() and not _listener.closed:
            try:
                return _drain(_listener)
            except psycopg.Error:
                with contextlib.suppress(psycopg.Error):
                    _listener.close()
        # One inherited across a fork is the parent's: psycopg does not close it when dropped.
        _listener = None
        params = connections["default"].get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("server_side_binding", None)
        params.pop("prepare_threshold", None)
        try:
            listener = psycopg.connect(**params, autocommit=True)
            listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            return True  # no listener: the caller loads again; the next lookup retries
        _listener, _listener_pid = listener, os.getpid()
        return True


def _sqlite_files_moved() -> bool:
    """SQLite: whether the network database file or its write-ahead log changed since last look."""
    global _file_state
    name = str(connections.settings["default"]["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        return False  # nobody else can write it; this process's changes set _changed_here
    state: list[tuple[int, int] | None] = []
    for path in (name, name + "-wal"):
        try:
            stat = os.stat(path)
        except OSError:
            state.append(None)
        else:
            state.append((stat.st_mtime_ns, stat.st_size))
    if tuple(state) == _file_state:
        return False
    _file_state = tuple(state)
    return True


def _changed_elsewhere() -> bool:
    if connections["default"].vendor == "postgresql":
        return _notified()
    return _sqlite_files_moved()


def reload_sites() -> None:
    """Load every site again; this covers any change announced before it."""
    global _loaded_at, _databases, _changed_here
    _changed_here = False
    _changed_elsewhere()  # taken in (drained, or the files' state noted) before reading
    sites = list(Site.objects.using("default").order_by("pk"))
    with _lock:
        _by_name.clear()
        _by_host.clear()
        for site in sites:
            _by_name[site.name] = site
            for host in site.hostnames:
                _by_host[host.lower()] = site
        _databases = [(site.pk, site.database_url) for site in sites]
        _loaded_at = time.monotonic()


def _databases_now() -> list[tuple[int, str]]:
    return list(Site.objects.using("default").order_by("pk").values_list("pk", "database_url"))


def _maybe_reload(force: bool = False) -> None:
    elsewhere = _changed_elsewhere()
    due = force or _changed_here or time.monotonic() - _loaded_at > RELOAD_SECONDS
    if due or (
        # SQLite: the file moves with any write; reload only when a site's database changed.
        elsewhere
        and (connections["default"].vendor == "postgresql" or _databases_now() != _databases)
    ):
        reload_sites()


def site_by_name(name: str) -> Site | None:
    _maybe_reload()
    site = _by_name.get(name)
    if site is None:
        _maybe_reload(force=True)
        site = _by_name.get(name)
    return site


def site_by_host(host: str) -> Site | None:
    _maybe_reload()
    return _by_host.get(host.lower())


def all_sites() -> list[Site]:
    _maybe_reload(force=True)
    return sorted(_by_name.values(), key=lambda s: s.name)
