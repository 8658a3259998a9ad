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
