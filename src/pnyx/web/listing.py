"""Query parameters of the tag, user and badge pages, parsed so that nothing a visitor types fails.

`pnyx.web.params` does the same for the question lists; these add the two kinds those lists do
not have: a tab chosen from a fixed set and a free-text filter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest

# Characters no database column holds: PostgreSQL rejects NUL outright, and the other C0 controls
# can never match a tag or a display name.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def tab(request: HttpRequest, allowed: tuple[str, ...], default: str) -> str:
    """`?tab=` in any letter case; anything else (missing, bogus, repeated) gives `default`."""
    value = request.GET.get("tab", "").strip().lower()
    return value if value in allowed else default


def text_filter(request: HttpRequest, max_length: int) -> str:
    """`?filter=` without control characters and surrounding space, cut to `max_length`."""
    value = _CONTROL_RE.sub("", request.GET.get("filter", ""))
    return value.strip()[:max_length].strip()


def clean_text(value: str, max_length: int) -> str | None:
    """A name from a URL path, or None when it cannot be one (empty, too long, control chars)."""
    value = value.strip()
    if not value or len(value) > max_length or _CONTROL_RE.search(value):
        return None
    return value


def query_string(**values: object) -> str:
    """`?a=1&b=x` from the values that are set, for links that keep the other parameters."""
    kept = {key: value for key, value in values.items() if value not in (None, "")}
    return "?" + urlencode(kept) if kept else ""


def canonical_url(request: HttpRequest, path: str, **values: object) -> str:
    """The absolute address search engines should index for this page, for `<link rel=canonical>`.

    Only the parameters that choose what the page shows are kept (a tab, a page number), never a
    filter typed by a visitor, so one page has one address.
    """
    return request.build_absolute_uri(path + query_string(**values))


def page_link_prefix(**values: object) -> str:
    """`?a=1&b=x&` for a pager to append `page=N` to, keeping the tab and filter."""
    kept = {key: value for key, value in values.items() if value not in (None, "")}
    return "?" + (urlencode(kept) + "&" if kept else "")


@dataclass(frozen=True)
class Link:
    """A link of a list's tabs, page sizes or pager; `current` marks the one shown."""

    label: str
    url: str
    current: bool = False


def pager(number: int, count: int, url: Callable[[int], str]) -> dict[str, object]:
    """The context of `pnyx/pagination.html`'s pager for page `number` of `count`: the first and
    last pages and two either side of `number`, gaps as "…", and the previous and next pages'
    addresses. A page past the last (a search's) links back to the pages there are."""
    pages: list[Link] = []
    if count > 1:
        shown = Paginator(range(count), 1).get_elided_page_range(
            min(number, count), on_each_side=2, on_ends=1
        )
        pages = [
            Link(str(n), url(n), n == number) if isinstance(n, int) else Link(str(n), "")
            for n in shown
        ]
    return {
        "pages": pages,
        "previous_url": url(number - 1) if number > 1 else None,
        "next_url": url(number + 1) if number < count else None,
    }
