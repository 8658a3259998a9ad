"""Paths inside a site, for HTML that is stored and must not depend on the request.

Pages build their links with `{% url %}`, which follows how the request reached the site (by path
prefix or by host). Rendered post and comment HTML is stored, so its links always use the path
prefix form `/NAME/...`; a site served by host name redirects such paths to its own.
"""

from __future__ import annotations

from django.urls import get_resolver

from pnyx.network.models import Site
from pnyx.render.links import LinkContext

SITE_URLCONF = "pnyx.web.site_urls"


def site_path(site: Site, name: str, *args: object) -> str:
    return f"{site.url_prefix}/{get_resolver(SITE_URLCONF).reverse(name, *args)}"


def link_context(site: Site) -> LinkContext:
    return LinkContext(url_prefix=site.url_prefix, origins=tuple(site.origins))
