"""The badge pages: `/help/badges` (every badge, with how often it was awarded) and one badge's
recipients at `/help/badges/NAME` (or `/help/badges?name=NAME`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pnyx.posts.badge_selectors import (
    BADGE_NAME_MAX,
    all_badges,
    badge_types,
    recipients_page,
)
from pnyx.posts.models import BadgeClass
from pnyx.web import listing, params

CLASS_TABS = [("all", "All"), ("gold", "Gold"), ("silver", "Silver"), ("bronze", "Bronze")]
CLASS_BY_TAB = {"gold": BadgeClass.GOLD, "silver": BadgeClass.SILVER, "bronze": BadgeClass.BRONZE}


def badge_list(request: HttpRequest) -> HttpResponse:
    if "name" in request.GET:
        name = listing.clean_text(request.GET["name"], BADGE_NAME_MAX)
        if name is None:
            raise Http404("no such badge")
        return redirect(reverse("badge", args=[name]))
    tab = listing.tab(request, tuple(key for key, _ in CLASS_TABS), "all")
    badges = all_badges(CLASS_BY_TAB.get(tab))
    return render(
        request,
        "pnyx/badges.html",
        {
            "badges": [b for b in badges if not b.tag_based],
            "tag_badges": [b for b in badges if b.tag_based],
            "tab": tab,
            "tabs": CLASS_TABS,
            "canonical": listing.canonical_url(
                request, reverse("badges"), tab=tab if tab != "all" else None
            ),
        },
    )


def badge_page(request: HttpRequest, name: str) -> HttpResponse:
    """Who earned the badge, latest first, with the count per class."""
    clean = listing.clean_text(name, BADGE_NAME_MAX)
    if clean is None:
        raise Http404("no such badge")
    types = badge_types(clean)
    if not types:
        raise Http404("no such badge")
    page = recipients_page(clean, params.page_number(request))
    path = reverse("badge", args=[clean])
    return render(
        request,
        "pnyx/badge.html",
        {
            "name": clean,
            "types": types,
            "tag_based": any(t.tag_based for t in types),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "pager_prefix": "?",
            "canonical": listing.canonical_url(
                request, path, page=page.number if page.number > 1 else None
            ),
        },
    )
