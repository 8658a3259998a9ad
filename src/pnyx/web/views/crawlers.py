"""What search engines read: `sitemap.xml` for each site and `robots.txt` for the network and sites.

A sitemap file holds at most 50,000 addresses (the sitemaps.org limit); a site with more questions
gets a sitemap index at `sitemap.xml` pointing to `sitemap-1.xml`, `sitemap-2.xml`, ... Files sit
at the site's root, since a sitemap may only list addresses under its own directory.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import get_script_prefix, reverse

from pnyx.posts.sitemap_selectors import question_count, question_entries
from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path
from pnyx.sites.registry import all_sites

SITEMAP_LIMIT = 50_000
XML_TYPE = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Revision histories are long, near-duplicate pages of every post: not worth a crawler's time.
DISALLOWED = ("posts/*/revisions",)


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _lastmod(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _question_url_maker(request: HttpRequest):  # type: ignore[no-untyped-def]
    """A fast `(id, title) -> absolute URL`: the URL pattern is reversed once, not per question."""
    marker_id, marker_slug = 999999999, "pnyx-slug-marker"
    pattern = _origin(request) + reverse("question", args=[marker_id, marker_slug])
    head, _, tail = pattern.partition(f"{marker_id}/{marker_slug}")

    def url(question_id: int, title: str | None) -> str:
        return f"{head}{question_id}/{slugify_title(title) or '-'}{tail}"

    return url


def _urlset(request: HttpRequest, offset: int) -> HttpResponse:
    url_for = _question_url_maker(request)
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n']
    for question_id, title, last_activity in question_entries(offset, SITEMAP_LIMIT):
        parts.append(
            f"<url><loc>{escape(url_for(question_id, title))}</loc>"
            f"<lastmod>{_lastmod(last_activity)}</lastmod></url>\n"
        )
    parts.append("</urlset>\n")
    return HttpResponse("".join(parts), content_type=XML_TYPE)


def sitemap(request: HttpRequest) -> HttpResponse:
    """The site's sitemap, or a sitemap index when the questions do not fit in one file."""
    count = question_count()
    if count <= SITEMAP_LIMIT:
        return _urlset(request, 0)
    files = math.ceil(count / SITEMAP_LIMIT)
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for number in range(1, files + 1):
        loc = _origin(request) + reverse("sitemap_page", args=[number])
        parts.append(f"<sitemap><loc>{escape(loc)}</loc></sitemap>\n")
    parts.append("</sitemapindex>\n")
    return HttpResponse("".join(parts), content_type=XML_TYPE)


def sitemap_page(request: HttpRequest, number: int) -> HttpResponse:
    """One file of a sitemap index: questions (number-1)*50,000 onwards."""
    if number < 1 or (number - 1) * SITEMAP_LIMIT >= question_count():
        raise Http404("no such sitemap file")
    return _urlset(request, (number - 1) * SITEMAP_LIMIT)


def _robots(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def site_robots(request: HttpRequest) -> HttpResponse:
    """robots.txt of a site served on its own host (or under its prefix, which is harmless)."""
    prefix = get_script_prefix()
    lines = ["User-agent: *", f"Allow: {prefix}"]
    lines += [f"Disallow: {prefix}{path}" for path in DISALLOWED]
    lines.append(f"Sitemap: {_origin(request)}{reverse('sitemap')}")
    return _robots(lines)


def network_robots(request: HttpRequest) -> HttpResponse:
    """robots.txt at the network's root: every site under its `/NAME/` prefix, with its sitemap."""
    sites = all_sites()
    lines = ["User-agent: *", "Allow: /"]
    for site in sites:
        lines += [f"Disallow: {site.url_prefix}/{path}" for path in DISALLOWED]
    lines.append("")
    lines += [f"Sitemap: {_origin(request)}{site_path(site, 'sitemap')}" for site in sites]
    return _robots(lines)
