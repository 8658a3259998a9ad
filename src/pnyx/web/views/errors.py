"""Error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that, for a site imported from elsewhere, offers the post at its original address."""
    site = getattr(request, "site", None)
    original = None
    if site is not None and site.origins:
        original = site.origins[0] + request.path_info
        query = request.META.get("QUERY_STRING")
        if query:
            original += "?" + query
    return render(request, "pnyx/not_found.html", {"original_url": original}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old page, cookies off): say so in words,
    and for htmx in the page's message area rather than in place of what was clicked."""
    from pnyx.errors import NotAllowed
    from pnyx.web.errors import error_response

    return error_response(
        request,
        NotAllowed(
            "This form has expired or your browser did not send its security token (are "
            "cookies allowed?). Reload the page and try again.",
            code="csrf_failed",
        ),
    )
