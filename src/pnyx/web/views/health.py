"""Network-level health check.

`/-/ping` answers "ok" without touching any database, so a load balancer can tell that a worker
is up even while a site's database is busy. It also serves `make bench` as the "bare Django
view": it crosses the same server and middleware as every page, and nothing else, so a page's
requests per second divided by this view's says what the page itself costs.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def ping(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok", content_type="text/plain; charset=utf-8")
    # A cached "ok" from a proxy would hide a dead worker.
    response["Cache-Control"] = "no-store"
    return response
