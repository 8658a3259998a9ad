"""Finding the site a request is for, by host name or by path prefix.

`politics.example.org/questions/1` (a host configured for the site) and `/politics/questions/1`
(any other host) reach the same view. For a prefixed request the prefix is moved from
`path_info` to the script prefix, so the site's URLconf and every `{% url %}` work unchanged in
both modes. The site is activated for the view, routing site models to its database.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import get_script_prefix, set_script_prefix
from django.utils.encoding import escape_uri_path

from pnyx.network.models import Site
from pnyx.sites.context import activated
from pnyx.sites.paths import SITE_URLCONF
from pnyx.sites.registry import site_by_host, site_by_name
from pnyx.sites.services import SITE_NAME_RE
from pnyx.web.redirects import with_query


class SiteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.site = None  # type: ignore[assignment]
        site = site_by_host(request.get_host().rsplit(":", 1)[0])
        if site is not None:
            if request.path_info == site.url_prefix or request.path_info.startswith(
                site.url_prefix + "/"
            ):
                # Stored HTML links use the /NAME/ form; on the site's own host drop the prefix.
                # The path is decoded: escaped again, and with its leading slashes made one,
                # so that `/NAME//evil.com` (or `%2F%2F`, a backslash, a tab) stays here.
                rest = "/" + request.path_info[len(site.url_prefix) :].lstrip("/")
                return HttpResponsePermanentRedirect(with_query(escape_uri_path(rest), request))
        else:
            first = request.path_info.split("/", 2)[1]
            if not SITE_NAME_RE.match(first):
                return self.get_response(request)
            site = site_by_name(first)
            if site is None:
                return self.get_response(request)
            if request.path_info == site.url_prefix:
                return HttpResponsePermanentRedirect(request.path + "/")
            request.path_info = request.path_info[len(site.url_prefix) :]
            script_name = request.META.get("SCRIPT_NAME", "").rstrip("/")
            previous_prefix = get_script_prefix()
            set_script_prefix(f"{script_name}{site.url_prefix}/")
            try:
                return self._serve(request, site)
            finally:
                set_script_prefix(previous_prefix)
        return self._serve(request, site)

    def _serve(self, request: HttpRequest, site: Site) -> HttpResponse:
        request.site = site  # type: ignore[assignment]
        request.urlconf = SITE_URLCONF  # type: ignore[attr-defined]
        with activated(site):
            return self.get_response(request)
