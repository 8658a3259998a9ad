"""The search pages: results (`/search?q=`), similar questions while asking (a fragment), and
the duplicate finder of a question."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from pnyx.network.models import Site
from pnyx.posts.models import Post, PostType, Tag
from pnyx.posts.selectors import get_question
from pnyx.search import selectors
from pnyx.search.engines import Context
from pnyx.search.query import ME
from pnyx.web import params
from pnyx.web.listing import Link, pager

SORT_TABS = [
    ("relevance", "Relevance"),
    ("newest", "Newest"),
    ("active", "Active"),
    ("score", "Score"),
]
TAG_ALONE = re.compile(r"\s*\[([^\]\s]{1,35})\]\s*")
NUMBER_ALONE = re.compile(r"\s*#?(\d{1,10})\s*")
POST_PATH = re.compile(r"/(?:questions|q|a)/(\d{1,10})(?:/|$)")


def search(request: HttpRequest) -> HttpResponse:
    text = selectors.check_query_text(request.GET.get("q", ""))
    jump = _jump(request, text)
    if jump is not None:
        return redirect(jump)
    sort = params.choice(request, "tab", tuple(key for key, _ in SORT_TABS))
    page_size = params.page_size(request)
    user = getattr(request, "site_user", None)
    context = Context(user_id=user.id if user is not None else None, question_id=_this(request))
    found = selectors.search(
        _site(request),
        text,
        sort=sort,
        page=params.page_number(request),
        page_size=page_size,
        context=context,
    )

    def url(**changes: object) -> str:
        query: dict[str, object] = {"q": text}
        if found.sort != "relevance":
            query["tab"] = found.sort
        if found.page_size != selectors.DEFAULT_PAGE_SIZE:
            query["pagesize"] = found.page_size
        if context.question_id is not None:
            query["this"] = context.question_id
        query.update(changes)
        if query.get("page") == 1:
            del query["page"]
        if query.get("tab") == "relevance":
            del query["tab"]
        return f"{reverse('search')}?{urlencode(query)}"

    page_count = found.page_count if found.result is not None else 0
    response = render(
        request,
        "pnyx/search/results.html",
        {
            "found": found,
            "search_text": text,
            "sort_tabs": [Link(label, url(tab=key), key == found.sort) for key, label in SORT_TABS],
            **pager(found.page, page_count, lambda n: url(page=n)),
            "page_sizes": [
                Link(str(n), url(pagesize=n), n == found.page_size) for n in selectors.PAGE_SIZES
            ],
        },
    )
    if ME in (found.query.filters.user, found.query.filters.infavorites):
        patch_cache_control(response, private=True)
    return response


def _site(request: HttpRequest) -> Site:
    site: Site = request.site  # type: ignore[assignment]
    return site


def _this(request: HttpRequest) -> int | None:
    """The question `inquestion:this` means: the one whose page the search was made from."""
    value = request.GET.get("this", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _jump(request: HttpRequest, text: str) -> str | None:
    """Where a query that names one thing goes: `[tag]` alone to the tag's questions, a
    number alone or a post's address on this site to that post."""
    match = TAG_ALONE.fullmatch(text)
    if match:
        name = match.group(1).lower()
        if Tag.objects.filter(name=name).exists():
            return reverse("tagged", args=[name])
        return None
    match = NUMBER_ALONE.fullmatch(text)
    if match:
        return _post_url(int(match.group(1)))
    candidate = text.strip()
    if " " in candidate or "/" not in candidate:
        return None
    found = _own_post_id(request, candidate)
    return _post_url(found) if found is not None else None


def _own_post_id(request: HttpRequest, address: str) -> int | None:
    try:
        parts = urlsplit(address if "://" in address else f"http://{address}")
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    site = _site(request)
    own_hosts = {request.get_host().rsplit(":", 1)[0].lower(), *site.hostnames}
    own_hosts |= {(urlsplit(origin).hostname or "").lower() for origin in site.origins}
    if host not in own_hosts:
        return None
    path = parts.path
    if path.startswith(site.url_prefix + "/"):
        path = path[len(site.url_prefix) :]
    match = POST_PATH.match(path)
    return int(match.group(1)) if match else None


def _post_url(post_id: int) -> str | None:
    post = (
        Post.objects.filter(
            pk=post_id,
            post_type__in=(PostType.QUESTION, PostType.ANSWER),
            deletion_date__isnull=True,
        )
        .only("id", "post_type")
        .first()
    )
    if post is None:
        return None
    if post.post_type == PostType.QUESTION:
        return reverse("question_short", args=[post.id])
    return reverse("a", args=[post.id])


def similar(request: HttpRequest) -> HttpResponse:
    """The questions closest to the title being typed: a fragment for the ask page (htmx), or
    a page of its own without JavaScript."""
    title = selectors.check_query_text(request.GET.get("title", ""))[:300]
    questions = selectors.similar_questions(_site(request), title)
    fragment = request.headers.get("HX-Request") == "true"
    response = render(
        request,
        "pnyx/search/similar_fragment.html" if fragment else "pnyx/search/similar.html",
        {"questions": questions, "title": title},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def duplicates(request: HttpRequest, question_id: int) -> HttpResponse:
    """Questions this one may duplicate (for the close dialog): a fragment, or a page."""
    question = get_question(question_id)
    if question is None:
        raise Http404("no such question")
    candidates = selectors.duplicate_candidates(question)
    fragment = request.headers.get("HX-Request") == "true"
    response = render(
        request,
        "pnyx/search/duplicates_fragment.html" if fragment else "pnyx/search/duplicates.html",
        {"question": question, "candidates": candidates},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
