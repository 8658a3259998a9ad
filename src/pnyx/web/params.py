"""Parsing list parameters: anything malformed or out of range falls back to the default."""

from __future__ import annotations

from django.http import HttpRequest

from pnyx.posts.selectors import DEFAULT_PAGE_SIZE, DEFAULT_SORT, PAGE_SIZES, QUESTION_SORTS

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
