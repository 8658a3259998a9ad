"""Parsing list parameters: anything malformed or out of range falls back to the default."""

from __future__ import annotations

from django.http import HttpRequest

from pnyx.posts.selectors import (
    ANSWER_SORTS,
    DEFAULT_ANSWER_SORT,
    DEFAULT_PAGE_SIZE,
    DEFAULT_SORT,
    PAGE_SIZES,
    QUESTION_FILTERS,
    QUESTION_SORTS,
)

MAX_PAGE = 100_000


def page_number(request: HttpRequest) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("pagesize", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def question_sort(request: HttpRequest, default: str = DEFAULT_SORT) -> str:
    sort = request.GET.get("tab") or request.GET.get("sort") or default
    sort = sort.lower()
    return sort if sort in QUESTION_SORTS else default


def question_filter(request: HttpRequest) -> str | None:
    """`filter=noanswers|noaccepted`, or None for every question."""
    value = request.GET.get("filter", "").lower()
    return value if value in QUESTION_FILTERS else None


def answer_sort(request: HttpRequest) -> str:
    """`answertab=score|newest|oldest|active` on the question page."""
    value = request.GET.get("answertab", "").lower()
    return value if value in ANSWER_SORTS else DEFAULT_ANSWER_SORT


def choice(request: HttpRequest, name: str, allowed: tuple[str, ...]) -> str:
    """The value of `name` if it is one of `allowed`, else the first of them."""
    value = request.GET.get(name, "").lower()
    return value if value in allowed else allowed[0]
