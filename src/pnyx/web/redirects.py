"""Redirect targets built from a request: they always stay on the request's host."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.encoding import iri_to_uri
from django.utils.http import escape_leading_slashes


def with_query(path: str, request: HttpRequest) -> str:
    """`path` (a URL path, already escaped) with the request's query string, as a redirect
    target on this host: a leading `//` would make a browser read it as another host's address,
    so one slash is escaped (the query cannot change the host)."""
    query = request.META.get("QUERY_STRING")
    return escape_leading_slashes(path) + (f"?{iri_to_uri(query)}" if query else "")
