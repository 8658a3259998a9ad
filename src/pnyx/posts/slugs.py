"""URL slugs as Stack Exchange makes them: `why-did-vladimir-putin-order-a-pullout-from-syria-in-late-2017`."""

from __future__ import annotations

import functools
import re
import unicodedata

MAX_SLUG_LENGTH = 80


@functools.lru_cache(maxsize=4096)
def slugify_title(title: str | None) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary near 80 characters.
    (Kept for the titles and names a process meets again and again: pages ask on every view.)"""
    if not title:
        return ""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0]
    return slug


def slugify_name(name: str | None) -> str:
    return slugify_title(name) or "user"
