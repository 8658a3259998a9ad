"""Question lists, the question page, a post's full comment list and Stack Exchange's short links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers

from pnyx.network.models import Site
from pnyx.posts.models import Post
from pnyx.posts.reader_selectors import reader_state
from pnyx.posts.rules import is_tag_name
from pnyx.posts.selectors import (
    DEFAULT_PAGE_SIZE,
    PAGE_SIZES,
    get_answer,
    get_question,
    post_comments,
    question_list_page,
    tag_with_excerpt,
)
from pnyx.posts.slugs import slugify_title
from pnyx.sites import content_version
from pnyx.web import fragments, params
from pnyx.web.actor import reader, site_of
from pnyx.web.listing import Link, pager
from pnyx.web.personal import facts, personal_for
from pnyx.web.viewer import Viewer

SORT_TABS = [
    ("newest", "Newest"),
    ("active", "Active"),
    ("score", "Score"),
    ("unanswered", "Unanswered"),
    ("frequent", "Frequent"),
]
FILTERS = [
    ("all", "All questions"),
    ("noanswers", "No answers"),
    ("noaccepted", "No accepted answer"),
]
ANSWER_TABS = [
    ("score", "Highest score"),
    ("newest", "Newest"),
    ("oldest", "Oldest"),
    ("active", "Recently active"),
]
MAX_TAGS = 5


def _question_url(question: Post) -> str:
    return reverse("question", args=[question.id, slugify_title(question.title) or "-"])


# Lists.


@dataclass(frozen=True)
class ListState:
    """The list parameters in use, and the links that change one of them."""

    path: str
    sort: str
    default_sort: str
    filter_name: str | None
    page_size: int

    def url(
        self,
        *,
        sort: str | None = None,
        filter_name: str | None = None,
        page_size: int | None = None,
        page: int = 1,
    ) -> str:
        """This list's address with the changes given (`filter_name="all"` drops the filter);
        defaults are left out of the query."""
        chosen_sort = sort or self.sort
        chosen_filter = self.filter_name if filter_name is None else filter_name
        chosen_size = page_size or self.page_size
        query: list[tuple[str, object]] = []
        if chosen_sort != self.default_sort:
            query.append(("tab", chosen_sort))
        if chosen_filter and chosen_filter != "all":
            query.append(("filter", chosen_filter))
        if chosen_size != DEFAULT_PAGE_SIZE:
            query.append(("pagesize", chosen_size))
        if page > 1:
            query.append(("page", page))
        return self.path + (f"?{urlencode(query)}" if query else "")


def site_home(request: HttpRequest) -> HttpResponse:
    return _list(request, title="Top questions", tags=[], default_sort="active")


def question_list(request: HttpRequest) -> HttpResponse:
    return _list(request, title="All questions", tags=[], default_sort="newest")


def tagged(request: HttpRequest, tags: str) -> HttpResponse:
    names = _tag_names(tags)
    whole = tags.lower()
    tag_rows = tag_with_excerpt([*names, whole]) if names else {}
    if whole in tag_rows:
        # A tag with "+" in its name (c++): the path decodes %2B to "+", the separator.
        names = [whole]
    if not names or not all(n in tag_rows for n in names):
        raise Http404("no such tag")
    title = "Questions tagged " + " and ".join(f"[{n}]" for n in names)
    return _list(
        request,
        title=title,
        tags=names,
        default_sort="newest",
        tag=tag_rows[names[0]] if len(names) == 1 else None,
    )


def _tag_names(tags: str) -> list[str]:
    """The tag names of `/questions/tagged/a+b` (or `a b`); [] when any is not a valid name."""
    names = list(dict.fromkeys(t.lower() for t in re.split(r"[+ ]", tags) if t))
    if len(names) > MAX_TAGS or not all(is_tag_name(n) for n in names):
        return []
    return names


def _list(
    request: HttpRequest,
    *,
    title: str,
    tags: list[str],
    default_sort: str,
    tag: object = None,
) -> HttpResponse:
    sort = params.question_sort(request, default=default_sort)
    if sort == "votes":
        sort = "score"
    state = ListState(
        path=request.path,
        sort=sort,
        default_sort=default_sort,
        filter_name=params.question_filter(request),
        page_size=params.page_size(request),
    )
    page = question_list_page(
        sort=sort,
        page=params.page_number(request),
        page_size=state.page_size,
        tags=tags,
        filter_name=state.filter_name,
    )
    page.object_list = list(page.object_list)
    return render(
        request,
        "pnyx/question_list.html",
        {
            "title": title,
            "page": page,
            "rows": _rows(site_of(request), page.object_list, active=sort == "active"),
            "tags": tags,
            "tag": tag,
            "sort": sort,
            "sort_tabs": [
                Link(label, state.url(sort=key), key == sort) for key, label in SORT_TABS
            ],
            "filters": [
                Link(label, state.url(filter_name=key), key == (state.filter_name or "all"))
                for key, label in FILTERS
            ],
            "page_sizes": [
                Link(str(n), state.url(page_size=n), n == state.page_size) for n in PAGE_SIZES
            ],
            **pager(page.number, page.paginator.num_pages, lambda n: state.url(page=n)),
        },
    )


def _rows(site: Site, questions: list[Post], *, active: bool) -> list[str]:
    """Each question's row of a list, from the fragment store under the question's version,
    rendered only when missing: a vote re-renders one row, not the page's fifty. What the
    version does not cover (relative times, view counts, the asker's reputation) is bounded by
    the store's time to live, as for a question page's blocks."""
    if not questions:
        return []
    epoch = content_version.current(site.db_alias).epoch
    prefix = (site.id, epoch, get_script_prefix(), "row", active)
    template = get_template("pnyx/question_row.html")
    sort = "active" if active else ""
    rows = []
    for question in questions:
        key = (*prefix, question.pk, question.version)
        html = fragments.store.get(key)
        if html is None:
            html = template.render({"q": question, "sort": sort})  # a SafeString
            fragments.store.set(key, html)
        rows.append(html)
    return rows


# Short links.


def question_redirect(
    request: HttpRequest, question_id: int, user_id: int | None = None
) -> HttpResponse:
    question = get_question(question_id)
    if question is None:
        raise Http404("no such question")
    return redirect(_question_url(question), permanent=True)


def answer_redirect(
    request: HttpRequest, answer_id: int, user_id: int | None = None
) -> HttpResponse:
    answer = get_answer(answer_id)
    if answer is None or answer.parent is None:
        raise Http404("no such answer")
    return HttpResponseRedirect(f"{_question_url(answer.parent)}#{answer.id}")


def answer_permalink(
    request: HttpRequest, question_id: int, slug: str, answer_id: int
) -> HttpResponse:
    """Stack Exchange's answer permalink, `/questions/QID/slug/AID` (with `#AID`): the answer on
    its question's page; 404 unless the answer is on that question and neither is deleted."""
    answer = get_answer(answer_id)
    if answer is None or answer.parent is None or answer.parent.id != question_id:
        raise Http404("no such answer on this question")
    return HttpResponsePermanentRedirect(f"{_question_url(answer.parent)}#{answer.id}")


# The question page.


def _viewer(request: HttpRequest, question: Post) -> Viewer:
    user = getattr(request, "user", None)
    return Viewer(
        site=site_of(request),
        user=reader(request),
        signed_in=bool(user is not None and user.is_authenticated),
        question_owner_id=question.owner_id,
    )


def vote_cell(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post's vote column, read fresh after a vote or a bookmark (the htmx answer)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404("no such post")
    question = post if post.is_question else Post.objects.filter(pk=post.parent_id or 0).first()
    if question is None:
        raise Http404("no such question")
    viewer = _viewer(request, question)
    viewer.state = reader_state(viewer.user_id, [post.id])
    personal = personal_for(request, viewer, accepted_answer_id=question.accepted_answer_id)
    return HttpResponse(personal.vote_cell(facts(post)))


def comments(request: HttpRequest, post_id: int) -> HttpResponse:
    """All the comments of a post: the fragment htmx swaps in, or a page of its own without JS;
    POST adds a comment (see `pnyx.web.views.commenting`)."""
    if request.method == "POST":
        from pnyx.web.views import commenting

        return commenting.add(request, post_id)
    return comments_fragment(request, post_id)


def comments_fragment(
    request: HttpRequest, post_id: int, *, focus: int | None = None
) -> HttpResponse:
    found = post_comments(post_id)
    if found is None:
        raise Http404("no such post")
    viewer = _viewer(request, found.question)
    viewer.state = reader_state(viewer.user_id, [found.post.id])
    personal = personal_for(request, viewer, accepted_answer_id=found.question.accepted_answer_id)
    fragment = request.headers.get("HX-Request") == "true"
    response = render(
        request,
        "pnyx/comments_fragment.html" if fragment else "pnyx/comments.html",
        {
            "post": found.post,
            "question": found.question,
            "comments": found.comments,
            "viewer": viewer,
            "personal": personal,
            "focus": focus,
            "post_url": _question_url(found.question)
            + ("" if found.post.id == found.question.id else f"#{found.post.id}"),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
