"""The tag pages: `/tags` (popular, name, new, with a name filter) and `/tags/TAG/info`."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pnyx.posts.models import Tag
from pnyx.posts.rules import TAG_MAX_LENGTH
from pnyx.posts.tag_selectors import (
    DEFAULT_TAG_SORT,
    TAG_SORTS,
    get_tag,
    tag_info,
    tag_list_page,
)
from pnyx.web import listing, params

TAG_TABS = [("popular", "Popular"), ("name", "Name"), ("new", "New")]


def tag_list(request: HttpRequest) -> HttpResponse:
    sort = listing.tab(request, tuple(TAG_SORTS), DEFAULT_TAG_SORT)
    name_filter = listing.text_filter(request, TAG_MAX_LENGTH)
    page = tag_list_page(sort=sort, page=params.page_number(request), name_filter=name_filter)
    return render(
        request,
        "pnyx/tags.html",
        {
            "page": page,
            "sort": sort,
            "tabs": TAG_TABS,
            "name_filter": name_filter,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "pager_prefix": listing.page_link_prefix(
                tab=sort if sort != DEFAULT_TAG_SORT else None, filter=name_filter
            ),
            "canonical": listing.canonical_url(
                request,
                reverse("tags"),
                tab=sort if sort != DEFAULT_TAG_SORT else None,
                page=page.number if page.number > 1 else None,
            ),
        },
    )


def tag_or_404(name: str) -> Tag:
    tag = get_tag(name)
    if tag is None:
        raise Http404("no such tag")
    return tag


def tag_page(request: HttpRequest, tag: str) -> HttpResponse:
    """The tag's excerpt, full wiki and top users."""
    found = tag_or_404(tag)
    return render(
        request,
        "pnyx/tag_info.html",
        {
            "info": tag_info(found),
            "tag": found,
            "canonical": listing.canonical_url(request, reverse("tag_info", args=[found.name])),
        },
    )


def tag_redirect(request: HttpRequest, tag: str) -> HttpResponse:
    """`/tags/TAG` is the tag's question list, as on Stack Exchange."""
    found = tag_or_404(tag)
    return redirect(reverse("tagged", args=[found.name]), permanent=True)
