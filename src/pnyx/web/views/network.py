"""The network home: every site with its question count and its most active questions."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pnyx.network.models import Site
from pnyx.posts.overview_selectors import SiteOverview, site_overview
from pnyx.posts.slugs import slugify_title
from pnyx.sites import content_version
from pnyx.sites.context import activated
from pnyx.sites.paths import site_path
from pnyx.sites.registry import all_sites, ensure_connection

# Counting a large site's questions costs a scan, so each site's numbers are cached under its
# lists version (`pnyx.sites.content_version`, changed by every write a question list shows):
# the home page is never stale, and a site nobody writes to costs one tiny read per view. Old versions'
# entries are simply never read again and expire after this long.
OVERVIEW_SECONDS = 600


@dataclass
class ActiveQuestion:
    title: str
    url: str
    score: int
    answers: int


@dataclass
class SiteCard:
    site: Site
    question_count: int
    active: list[ActiveQuestion]


def _overview_key(site: Site, version: str) -> str:
    return f"pnyx:network-home:{site.id}:{site.name}:{version}"


def _card(site: Site) -> SiteCard:
    """The site's numbers: 1 query (its content version) when cached, 3 when its content changed."""
    ensure_connection(site)
    key = _overview_key(site, content_version.current(site.db_alias).key("lists"))
    cached = cache.get(key)
    if cached is None:
        with activated(site):
            overview: SiteOverview = site_overview()
        cached = (
            overview.question_count,
            [
                ActiveQuestion(
                    title=q.title or "",
                    url=site_path(site, "question", q.id, slugify_title(q.title) or "-"),
                    score=q.score,
                    answers=q.answer_count or 0,
                )
                for q in overview.active_questions
            ],
        )
        cache.set(key, cached, OVERVIEW_SECONDS)
    count, active = cached
    return SiteCard(site=site, question_count=count, active=active)


def network_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pnyx/network_home.html",
        {
            "cards": [_card(site) for site in all_sites()],
            "canonical": request.build_absolute_uri("/"),
        },
    )
