"""Counting question views: once per reader per 15 minutes, batched, crawlers left out.

A view is counted when a question page is served (by the view or from the page cache). Whether
this reader has seen this question in the last 15 minutes is asked of Django's default cache
(`cache.add`, Redis when configured, so that all processes agree; without Redis each process
keeps its own memory, so a reader served by two processes may count twice in 15 minutes). Counts
gather in the process and are written in one transaction per site every few seconds, never as a
write per request; `Post.view_count` changes no post version, so no cached page is thrown away
for a view.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections, transaction
from django.http import HttpRequest

from pnyx.network.models import Site

SEEN_SECONDS = 15 * 60
FLUSH_SECONDS = 5.0
FLUSH_AT = 200  # views pending in a process
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|curl|wget|"
    r"python-requests|httpclient|headless",
    re.IGNORECASE,
)

_lock = threading.Lock()
_pending: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
_count = 0
_last_flush = time.monotonic()


def reader_key(request: HttpRequest) -> str | None:
    """Who is reading, for the once-per-15-minutes rule; None for crawlers."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent or BOTS.search(agent):
        return None
    user = getattr(request, "_cached_user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return f"a{user.pk}"
    address = request.META.get("REMOTE_ADDR", "")
    return "h" + hashlib.blake2b(f"{address}|{agent}".encode(), digest_size=12).hexdigest()


_seen: dict[str, float] = {}


def _first_view(key: str) -> bool:
    """Whether this reader's view of the question is the first in 15 minutes: asked of Redis
    when configured (every process agrees), else of this process's memory (a dict, cheaper than
    Django's local-memory cache, which pickles)."""
    if getattr(settings, "PNYX_REDIS_URL", None):
        return bool(cache.add(key, 1, SEEN_SECONDS))
    now = time.monotonic()
    seen = _seen.get(key)
    if seen is not None and now - seen < SEEN_SECONDS:
        return False
    if len(_seen) > 100_000:
        _seen.clear()
    _seen[key] = now
    return True


def count_view(request: HttpRequest, site: Site, question_id: int) -> None:
    """Note a view of `question_id` by this request's reader, if it is a new one."""
    global _count
    key = reader_key(request)
    if key is None or not _first_view(f"pnyx.seen.{site.id}.{question_id}.{key}"):
        return
    with _lock:
        _pending[(site.id, site.db_alias)][question_id] += 1
        _count += 1
        due = _count >= FLUSH_AT or time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        flush()


def flush() -> None:
    """Write the views gathered so far (one transaction per site)."""
    global _count, _last_flush
    with _lock:
        batches = {key: dict(counts) for key, counts in _pending.items() if counts}
        _pending.clear()
        _count = 0
        _last_flush = time.monotonic()
    for (_site_id, alias), counts in batches.items():
        if alias not in connections.settings:
            continue
        try:
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                # Ascending ids: two processes flushing at once lock rows in the same order.
                cursor.executemany(
                    "UPDATE posts SET view_count = COALESCE(view_count, 0) + %s WHERE id = %s",
                    [(n, question_id) for question_id, n in sorted(counts.items())],
                )
        except DatabaseError:
            # A site whose database went away (an import switched it) loses a few views.
            continue


atexit.register(flush)
