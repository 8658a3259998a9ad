"""The user list and user pages, with Stack Exchange's tabs.

`/users/ID/name?tab=summary|answers|questions|badges|reputation|activity`; an unknown tab shows
the summary.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse

from pnyx.posts.models import PostType, SiteUser
from pnyx.posts.reputation_selectors import coverage, reputation_graph, reputation_page
from pnyx.posts.selectors import badge_counts, get_user
from pnyx.posts.slugs import slugify_name
from pnyx.posts.user_selectors import (
    DEFAULT_POST_SORT,
    DEFAULT_USER_SORT,
    POST_SORTS,
    USER_SORTS,
    posts_page,
    recent_activity,
    top_answers,
    top_questions,
    top_tags,
    user_badges,
    user_header,
    user_list_page,
)
from pnyx.render.markdown import sanitise_imported_html
from pnyx.sites.context import active_site
from pnyx.sites.paths import link_context
from pnyx.web import listing, params
from pnyx.web.charts import reputation_chart
from pnyx.web.redirects import with_query

USER_LIST_TABS = [("reputation", "Reputation"), ("newusers", "New users")]
USER_TABS = [
    ("summary", "Summary"),
    ("answers", "Answers"),
    ("questions", "Questions"),
    ("badges", "Badges"),
    ("reputation", "Reputation"),
    ("activity", "Activity"),
]
POST_SORT_TABS = [("votes", "Score"), ("newest", "Newest"), ("activity", "Activity")]
NAME_FILTER_MAX = 100
SUMMARY_ACTIVITY_ITEMS = 10


def user_list(request: HttpRequest) -> HttpResponse:
    sort = listing.tab(request, tuple(USER_SORTS), DEFAULT_USER_SORT)
    name_filter = listing.text_filter(request, NAME_FILTER_MAX)
    page = user_list_page(sort=sort, page=params.page_number(request), name_filter=name_filter)
    users: list[SiteUser] = list(page.object_list)
    counts = badge_counts([u.id for u in users])
    tab_param = sort if sort != DEFAULT_USER_SORT else None
    return render(
        request,
        "pnyx/users.html",
        {
            "page": page,
            "cards": [(u, counts[u.id]) for u in users],
            "sort": sort,
            "tabs": USER_LIST_TABS,
            "name_filter": name_filter,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "pager_prefix": listing.page_link_prefix(tab=tab_param, filter=name_filter),
            "canonical": listing.canonical_url(
                request,
                reverse("users"),
                tab=tab_param,
                page=page.number if page.number > 1 else None,
            ),
        },
    )


def _user_path(user: SiteUser) -> str:
    return reverse("user", args=[user.id, slugify_name(user.display_name)])


def user_redirect(request: HttpRequest, user_id: int, slug: str | None = None) -> HttpResponse:
    user = get_user(user_id)
    if user is None:
        raise Http404("no such user")
    return HttpResponsePermanentRedirect(with_query(_user_path(user), request))


def _website(url: str | None) -> str | None:
    """The profile's website, only when it is a web address a link may point to."""
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def user_page(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    user = get_user(user_id)
    if user is None:
        raise Http404("no such user")
    path = _user_path(user)
    if slug != slugify_name(user.display_name):
        return HttpResponsePermanentRedirect(with_query(path, request))
    tab = listing.tab(request, tuple(key for key, _ in USER_TABS), "summary")
    context: dict[str, Any] = {
        "profile": user,
        "header": user_header(user),
        "tab": tab,
        "tabs": USER_TABS,
        "user_path": path,
        "website": _website(user.website_url),
    }
    canonical_params: dict[str, object] = {"tab": tab if tab != "summary" else None}
    if tab == "summary":
        context.update(_summary(request, user))
    elif tab in ("answers", "questions"):
        sort = request.GET.get("sort", "").lower()
        sort = sort if sort in POST_SORTS else DEFAULT_POST_SORT
        post_type = PostType.ANSWER if tab == "answers" else PostType.QUESTION
        page = posts_page(user, post_type, sort=sort, page=params.page_number(request))
        sort_param = sort if sort != DEFAULT_POST_SORT else None
        context.update(
            page=page,
            sort=sort,
            sort_tabs=POST_SORT_TABS,
            page_range=page.paginator.get_elided_page_range(page.number),
            pager_prefix=listing.page_link_prefix(tab=tab, sort=sort_param),
        )
        canonical_params.update(sort=sort_param, page=page.number if page.number > 1 else None)
    elif tab == "badges":
        context["badges"] = user_badges(user)
    elif tab == "reputation":
        history = reputation_page(user, page=params.page_number(request))
        page = history.page
        context.update(
            history=history,
            page=page,
            page_range=page.paginator.get_elided_page_range(page.number),
            pager_prefix=listing.page_link_prefix(tab=tab),
        )
        canonical_params["page"] = page.number if page.number > 1 else None
    else:
        context["activity"] = recent_activity(user)
    context["canonical"] = listing.canonical_url(request, path, **canonical_params)
    return render(request, "pnyx/user.html", context)


def _summary(request: HttpRequest, user: SiteUser) -> dict[str, Any]:
    covered = coverage(user)
    history = reputation_graph(user, covered)
    about = (
        sanitise_imported_html(user.about_me, link_context(active_site())) if user.about_me else ""
    )
    return {
        "about_html": about,
        "top_answers": top_answers(user),
        "top_questions": top_questions(user),
        "top_tags": top_tags(user),
        "badges": user_badges(user),
        "coverage": covered,
        # Drawn once there is a change to draw: before that it would be one flat line.
        "reputation_chart": reputation_chart(history) if len(history) > 1 else "",
        "activity": recent_activity(user, limit=SUMMARY_ACTIVITY_ITEMS, with_badges=False),
    }
