"""The frame of a page (top bar, navigation, footer), rendered once and filled per request.

`pnyx/base.html` through Django's template engine costs far more than the rest of a cached
page: URL reversing, static paths, context processors. The frame is the same for every request
of one kind of page on one site reached one way, so `pnyx/shell.html` renders it once per
process with markers in its blocks, and each request joins the frame's pieces with its own
title, head, top bar corner, messages, content and sidebar.

The key: the site, the script prefix (the site reached by its `/NAME/` prefix or by its own host)
and the URL name (the navigation marks the current section).
"""

from __future__ import annotations

import threading

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape

from pnyx.network.models import Site

PARTS = ("title", "head", "body", "this", "corner", "messages", "content", "sidebar")
_lock = threading.Lock()
_frames: dict[tuple[int, str, str, str], list[str]] = {}


def _frame(request: HttpRequest, site: Site) -> list[str]:
    match = request.resolver_match
    key = (site.id, site.title, get_script_prefix(), (match.url_name or "") if match else "")
    frame = _frames.get(key)
    if frame is None:
        html = render_to_string("pnyx/shell.html", {"site": site}, request=request)
        pieces = html.split("\x00")
        # text, name, text, name, ... text: the names must be the parts, in their order.
        if pieces[1::2] != list(PARTS):
            raise RuntimeError(f"pnyx/shell.html marks {pieces[1::2]}, not {PARTS}")
        frame = pieces[0::2]
        with _lock:
            if len(_frames) > 1000:
                _frames.clear()
            _frames[key] = frame
    return frame


def page(request: HttpRequest, site: Site, **parts: str) -> str:
    """The whole page: the frame with `parts` (see `PARTS`; missing ones are empty)."""
    frame = _frame(request, site)
    out = [frame[0]]
    for name, text in zip(PARTS, frame[1:], strict=True):
        out.append(parts.get(name, ""))
        out.append(text)
    return "".join(out)


def title(text: str, site: Site) -> str:
    return f"{escape(text)} - {escape(site.title)}"
