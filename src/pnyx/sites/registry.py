"""Finding sites by name or host, and opening their databases on demand.

Site rows are few and change rarely, so each process keeps them in memory; a name it does not know
is looked up again, so a site created by another process is found on its first request. Which
database each site uses is checked every second (one small query), so that when an import
switches a site to a new database every process follows within a second, before the import
drops the old one.
"""

from __future__ import annotations

import contextlib
import threading
import time

from django.db import DatabaseError, connections

from pnyx.dbconfig import database_settings
from pnyx.network.models import Site

_lock = threading.Lock()
_by_name: dict[str, Site] = {}
_by_host: dict[str, Site] = {}
_loaded_at = 0.0
_checked_at = 0.0
_databases: list[tuple[int, str]] = []  # (site id, database URL) as last loaded
# Long enough to spare the network database a query per request, short enough that an edited
# site (a new origin or host name) shows up everywhere within a minute.
RELOAD_SECONDS = 60.0
# How soon a site's move to another database is followed (`pnyx import --replace` waits for it).
CHECK_SECONDS = 1.0
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


def reload_sites() -> None:
    global _loaded_at, _checked_at, _databases
    sites = list(Site.objects.using("default").order_by("pk"))
    with _lock:
        _by_name.clear()
        _by_host.clear()
        for site in sites:
            _by_name[site.name] = site
            for host in site.hostnames:
                _by_host[host.lower()] = site
        _databases = [(site.pk, site.database_url) for site in sites]
        _loaded_at = _checked_at = time.monotonic()


def _databases_now() -> list[tuple[int, str]]:
    return list(Site.objects.using("default").order_by("pk").values_list("pk", "database_url"))


def _maybe_reload(force: bool = False) -> None:
    global _checked_at
    now = time.monotonic()
    if force or now - _loaded_at > RELOAD_SECONDS:
        reload_sites()
    elif now - _checked_at > CHECK_SECONDS:
        _checked_at = now
        if _databases_now() != _databases:
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
