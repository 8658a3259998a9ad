"""Where search reads run: a read replica of the site's PostgreSQL server when one is set.

`PNYX_READ_REPLICA_URLS` names replica servers (`postgresql://user:password@host:port`, comma
separated); each holds every site database of the primary under the same name, as streaming
replication gives. A site on PostgreSQL then runs its searches (results, similar, related and
duplicate questions) on one of them, chosen per process; a site on SQLite has no replica and
searches its own file. Pages other than search read the primary as before. Without a replica,
a PostgreSQL site's searches still have a connection of their own, with a time limit.

The database name comes from the site's current URL, so a site an import moved to a new
database is searched in that one on the replica too, once replication has brought it there.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connections

from pnyx.dbconfig import database_settings
from pnyx.network.models import Site
from pnyx.search.timeouts import SECONDS

_lock = threading.Lock()
URL_KEY = "PNYX_DATABASE_URL"  # as in `pnyx.sites.registry`: the URL an alias was made for


def replica_url(server: str, site_url: str) -> str:
    """The site's database on the replica server `server`."""
    database = urlsplit(site_url).path
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, database, parts.query, ""))


def search_alias(site: Site) -> str:
    """The connection alias search reads of `site` use.

    SQLite: the site's own. PostgreSQL: a connection of its own, to a replica when one is
    configured, else to the site's database, whose every statement has a time limit
    (`timeouts.SECONDS`) set once when it connects, rather than per statement."""
    from pnyx.sites.registry import ensure_connection

    ensure_connection(site)
    if connections[site.db_alias].vendor != "postgresql":
        return site.db_alias
    servers = settings.PNYX.read_replica_urls
    url = site.database_url
    if servers:
        url = replica_url(servers[os.getpid() % len(servers)], site.database_url)
    alias = f"{site.db_alias}_search"
    current = connections.settings.get(alias)
    if current is None or current.get(URL_KEY) != url:
        with _lock:
            current = connections.settings.get(alias)
            if current is None or current.get(URL_KEY) != url:
                wanted = database_settings(url)
                wanted["OPTIONS"] = {
                    **wanted.get("OPTIONS", {}),
                    "options": f"-c statement_timeout={int(SECONDS * 1000)}",
                }
                configured = connections.configure_settings(
                    {"default": dict(connections.settings["default"]), alias: wanted}
                )
                configured[alias][URL_KEY] = url
                connections.settings[alias] = configured[alias]
                opened = getattr(connections._connections, alias, None)  # type: ignore[attr-defined]
                if opened is not None:
                    opened.close()
                    delattr(connections._connections, alias)  # type: ignore[attr-defined]
    return alias
