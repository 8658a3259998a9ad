"""Whole-page cache for readers who carry no cookie, kept correct by the site's versions.

Most of a page's cost is Django building queries and rendering templates (see "Where time goes"
in docs/benchmarks.md). Anonymous readers without cookies, crawlers included, all get the same
HTML for a URL, so it is rendered once and kept in this process's memory, under a key holding
the versions its content depends on (`pnyx.sites.content_version`): a question page its
thread's post versions, so a vote elsewhere on the site leaves it cached; a question list the
site's `lists` version; any other page the `all` version, which every write moves. A page
therefore changes the moment its content does. What the versions do not cover is bounded by
`PNYX_PAGE_CACHE_SECONDS` (default 60): relative times ("5 mins ago"), view counts, other
questions in a page's sidebar, users' reputation beside their posts, and the site's own
settings from the network database, which each process reloads every minute anyway.

While one request of this process renders a page again (its content changed), others asking
for it at that moment are not made to render it too: they get the page as it was last
rendered, if that was under `STALE_SECONDS` ago, marked `stale` in `X-Pnyx-Cache`. So a page
changing many times a second (votes on a busy question) costs one render at a time per process,
and a reader is at most the one render in flight behind; a reader alone always gets the new page.

Left to the view every time: requests with any cookie or an Authorization header (a session, a
CSRF token or a message may shape the page), methods other than GET and HEAD, and responses that
are not 200, stream, set cookies, use the CSRF token, add a message, or say `private`,
`no-cache` or `no-store`. The response's `Vary` headers (such as htmx's `HX-Request`) are part
of the key, through Django's own cache-key helpers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import get_cache_key, learn_cache_key

from pnyx.network.models import Site
from pnyx.sites import content_version
from pnyx.sites.paths import SITE_URLCONF
from pnyx.web.viewcounts import count_view

CACHE_ALIAS = "pages"
STATUS_HEADER = "X-Pnyx-Cache"
UNCACHEABLE_DIRECTIVES = ("private", "no-cache", "no-store")
# How old a page may be and still be served while this process renders its new version.
STALE_SECONDS = 10.0

# Keys (of the latest rendering of a page) that a request of this process is rendering now.
_rendering: set[str] = set()
_rendering_lock = threading.Lock()


def _enabled() -> bool:
    return int(getattr(settings, "PNYX_PAGE_CACHE_SECONDS", 0)) > 0


def _request_is_shared(request: HttpRequest) -> bool:
    """Whether every reader sending this request sees the same page."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("HTTP_COOKIE")
        and not request.META.get("HTTP_AUTHORIZATION")
    )


def _response_is_shared(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "added_new", False)


LIST_PAGES = frozenset({"site_home", "questions", "tagged"})


def _key_prefixes(request: HttpRequest, site: Site) -> tuple[str, str]:
    """The page's kind (for its latest rendering, whatever the versions) and the versions the
    requested page depends on (1 query)."""
    try:
        match = resolve(request.path_info, urlconf=SITE_URLCONF)
    except Resolver404:
        match = None
    if match is not None and match.url_name == "question":
        question_id = int(match.kwargs["question_id"])
        kind = f"pnyx.{site.id}.q{question_id}"
        return kind, f"{kind}.{content_version.thread(site.db_alias, question_id)}"
    scope = "lists" if match is not None and match.url_name in LIST_PAGES else "all"
    kind = f"pnyx.{site.id}.{scope}"
    return kind, f"{kind}.{content_version.current(site.db_alias).key(scope)}"


def _hit(request: HttpRequest, site: Site, response: HttpResponse, status: str) -> HttpResponse:
    response[STATUS_HEADER] = status
    question_id = getattr(response, "pnyx_question_id", None)
    if question_id is not None:
        count_view(request, site, question_id)
    return response


class PageCacheMiddleware:
    """Placed after `SiteMiddleware`, so that the request's site is known and active."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        site = getattr(request, "site", None)
        if site is None or not _enabled() or not _request_is_shared(request):
            return self.get_response(request)
        cache = caches[CACHE_ALIAS]
        # The versions are read before anything else, so a page rendered below can only be
        # newer than the versions it is stored under, never older.
        kind, prefix = _key_prefixes(request, site)
        key = get_cache_key(request, prefix, "GET", cache=cache)
        if key is not None:
            cached: HttpResponse | None = cache.get(key)
            if cached is not None:
                return _hit(request, site, cached, "hit")
        latest_key = get_cache_key(request, kind, "GET", cache=cache)
        claimed = None
        if latest_key is not None:
            with _rendering_lock:
                busy = latest_key in _rendering
                if not busy:
                    _rendering.add(latest_key)
                    claimed = latest_key
            if busy:
                latest: HttpResponse | None = cache.get(latest_key)
                stored = getattr(latest, "pnyx_stored_at", None)
                if latest is not None and stored and time.time() - stored < STALE_SECONDS:
                    return _hit(request, site, latest, "stale")
        try:
            response = self.get_response(request)
            if request.method == "GET" and _response_is_shared(request, response):
                seconds = int(settings.PNYX_PAGE_CACHE_SECONDS)
                response[STATUS_HEADER] = "miss"
                response.pnyx_stored_at = time.time()  # type: ignore[attr-defined]
                for key_prefix in (prefix, kind):
                    key = learn_cache_key(request, response, seconds, key_prefix, cache=cache)
                    cache.set(key, response, seconds)
        finally:
            if claimed is not None:
                with _rendering_lock:
                    _rendering.discard(claimed)
        return response
