"""Answering a `PnyxError` that escapes a view, in one place.

A view that shows a form catches the domain's error itself and renders the form again with the
message beside it, keeping what was typed. Anything else (a vote, an acceptance, a deletion)
lets the error escape: this middleware answers with the error's HTTP status and message, as a
page, or for htmx as a fragment retargeted to the page's message area, so that the part of the
page the request meant to change stays as it was. A request that needs signing in goes to the
log-in page and comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from pnyx.errors import NotSignedIn, PnyxError, RateLimited

MESSAGES_TARGET = "#messages"


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def login_url(request: HttpRequest, *, back: str | None = None) -> str:
    """The log-in page, coming back to `back` (by default the page the reader was on)."""
    try:
        base = reverse("account_login")
    except NoReverseMatch:
        base = "/users/login"
    if back is None:
        back = request.headers.get("HX-Current-URL") if is_htmx(request) else None
        if request.method == "GET" and not back:
            back = request.get_full_path()
        if not back:
            back = request.META.get("HTTP_REFERER") or ""
    return base + ("?" + urlencode({"next": back}) if back else "")


def error_response(request: HttpRequest, error: PnyxError) -> HttpResponse:
    """The page (or htmx fragment) that tells the person what went wrong."""
    if isinstance(error, NotSignedIn) and not is_htmx(request):
        return HttpResponseRedirect(login_url(request))
    context = {
        "error": error,
        "message": str(error),
        "login_url": login_url(request) if isinstance(error, NotSignedIn) else None,
    }
    if is_htmx(request):
        response = render(request, "pnyx/error_fragment.html", context, status=error.status)
        response["HX-Retarget"] = MESSAGES_TARGET
        response["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "pnyx/error.html", context, status=error.status)
    if isinstance(error, RateLimited):
        response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


class PnyxErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PnyxError):
            return error_response(request, exception)
        return None
