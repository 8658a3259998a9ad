"""Rewriting links to a site's public origins into links inside Pnyx.

A post that links `https://politics.stackexchange.com/questions/26186/...` while Pnyx serves that
site as `politics` should send the reader to Pnyx's copy. The rewrite keeps the path (Pnyx uses
Stack Exchange's URL scheme), so a post Pnyx does not have lands on the site's "not on this site"
page, which offers the original URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# Paths under which Stack Exchange serves a site's posts, users and tags.
LOCAL_PATH_RE = re.compile(r"^/(questions|q|a|users|u|posts|tags|feeds)(/|$)")


@dataclass(frozen=True)
class LinkContext:
    """What the renderer needs to know about the site a text belongs to."""

    url_prefix: str = ""
    origins: tuple[str, ...] = ()


def localise_href(href: str, context: LinkContext) -> str:
    """Return the Pnyx path for `href` if it points into one of the site's origins, else `href`."""
    if not context.origins or not href.lower().startswith(("http://", "https://", "//")):
        return href
    try:
        parts = urlsplit(href)
    except ValueError:
        # A malformed host (`http://[bad`, characters NFKC turns into separators) points
        # nowhere local; nh3 would drop an href whose rewrite raised, so keep it as written.
        return href
    host = (parts.hostname or "").lower()
    for origin in context.origins:
        origin_host = urlsplit(origin).hostname
        if host == origin_host and LOCAL_PATH_RE.match(parts.path or "/"):
            local = context.url_prefix + parts.path
            if parts.query:
                local += "?" + parts.query
            if parts.fragment:
                local += "#" + parts.fragment
            return local
    return href
