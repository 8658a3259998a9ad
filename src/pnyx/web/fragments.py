"""Rendered parts of pages kept in this process's memory, under keys that hold their versions.

A question page is put together from blocks: the question's head (title, stats, notices), one
block per post (body, tags, signatures, comments) and the sidebar. Each block is the same for
every reader, so it is rendered once and kept here under a key holding the version of what it
shows (a post's `version`, which every write to the post, its comments or its votes moves; the
database's epoch), and the reader's own parts are filled in per request (`pnyx.web.personal`).
A change to one post re-renders that post's block only.

The versions come from the database on every request, so no process serves a stale post; only
the blocks live in memory, per process, which is where a hit costs least (a shared cache would
cost a round trip per block). What the versions do not cover (relative times, view counts, users'
reputation beside their posts, other questions in the sidebar) is bounded by the blocks' time to
live, `PNYX_PAGE_CACHE_SECONDS`; 0 turns the store off (blocks are rendered on every request).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from django.conf import settings

MAX_ENTRIES = 4000


def seconds() -> int:
    return int(getattr(settings, "PNYX_PAGE_CACHE_SECONDS", 0))


class FragmentStore:
    """A bounded LRU of rendered parts (strings, or blocks parsed at their markers) with a time
    to live."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        ttl = seconds()
        if ttl <= 0:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            stored_at, value = item
            if time.monotonic() - stored_at > ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def set(self, key: Hashable, value: Any) -> None:
        if seconds() <= 0:
            return
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


store = FragmentStore()
