"""Which site the current request or command is working on.

Site content models have no fixed database: the router sends their queries to the database of the
site activated here. A view gets its site from the middleware; a command or a test activates one
with `activated(site)`. Using a site model with no site active is a bug and raises at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pnyx.network.models import Site

_active_site: ContextVar[Site | None] = ContextVar("pnyx_active_site", default=None)


class NoActiveSite(RuntimeError):
    """A site model was queried outside `activated(site)`."""


def active_site() -> Site:
    site = _active_site.get()
    if site is None:
        raise NoActiveSite("no site is active: wrap the work in pnyx.sites.context.activated(site)")
    return site


def active_site_or_none() -> Site | None:
    return _active_site.get()


@contextmanager
def activated(site: Site) -> Iterator[Site]:
    """Route site models to `site`'s database for the duration of the block."""
    from pnyx.sites.registry import ensure_connection

    ensure_connection(site)
    token = _active_site.set(site)
    try:
        yield site
    finally:
        _active_site.reset(token)
