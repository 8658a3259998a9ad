"""The Content-Security-Policy header, built once and added to every response.

A page may run only the scripts Pnyx serves itself: no inline `<script>`, no `on*=` attribute,
no `javascript:` URL, no `eval`. So even HTML that slipped past the sanitiser could run nothing;
the sanitiser (`pnyx.render.markdown`) stays the first line and is tested on its own too
(tests/browser/test_xss.py loads every page with and without this header).

The header is one string computed from `settings.PNYX_CONTENT_SECURITY_POLICY` when the process
starts, so a request pays for one dictionary insert. The middleware sits first in `MIDDLEWARE`,
outside the page cache, so cached pages and static files carry it too. A response that already
has a policy (a view with needs of its own) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def policy_header(directives: Mapping[str, Sequence[str]]) -> str:
    """`{"script-src": ["'self'"], ...}` as the header's text: `script-src 'self'; ...`."""
    return "; ".join(
        " ".join((name, *sources)) if sources else name for name, sources in directives.items()
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        directives = getattr(settings, "PNYX_CONTENT_SECURITY_POLICY", None)
        self.header = policy_header(directives) if directives else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and HEADER not in response.headers:
            response.headers[HEADER] = self.header
        return response
