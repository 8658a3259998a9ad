"""Rewriting links to a site's public origins into links inside Pnyx.

A post that links `https://politics.stackexchange.com/questions/26186/...` while Pnyx serves that
site as `politics` should send the reader to Pnyx's copy. The rewrite keeps the path (Pnyx uses
Stack Exchange's URL scheme), so a post Pnyx does not have lands on the site's "not on this site"
page, which offers the original URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

# Paths under which Stack Exchange serves a site's posts, users and tags.
LOCAL_PATH_RE = re.compile(r"^/(questions|q|a|users|u|posts|tags|feeds)(/|$)")


@dataclass(frozen=True)
class LinkContext:
    """What the renderer needs to know about the site a text belongs to."""

    url_prefix: str = ""
    origins: tuple[str, ...] = ()

    @cached_property
    def hosts(self) -> tuple[str, ...]:
        """The origins' host names, lower case."""
        return tuple(host for origin in self.origins if (host := urlsplit(origin).hostname))


# What `urlsplit` removes from a URL before reading it.
URL_NOISE = frozenset("\t\r\n")


def localise_href(href: str, context: LinkContext) -> str:
    """Return the Pnyx path for `href` if it points into one of the site's origins, else `href`."""
    lowered = href.lower()
    if not context.origins or not lowered.startswith(("http://", "https://", "//")):
        return href
    if not any(host in lowered for host in context.hosts) and URL_NOISE.isdisjoint(href):
        return href  # most links point elsewhere: no need to take them apart
    try:
        parts = urlsplit(href)
    except ValueError:
        # A malformed host (`http://[bad`, characters NFKC turns into separators) points
        # nowhere local; nh3 would drop an href whose rewrite raised, so keep it as written.
        return href
    host = (parts.hostname or "").lower()
    for origin_host in context.hosts:
        if host == origin_host and LOCAL_PATH_RE.match(parts.path or "/"):
            local = context.url_prefix + parts.path
            if parts.query:
                local += "?" + parts.query
            if parts.fragment:
                local += "#" + parts.fragment
            return local
    return href
