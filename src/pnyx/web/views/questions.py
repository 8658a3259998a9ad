"""Question lists, the question page and Stack Exchange's short links."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from pnyx.posts.models import Post, PostType
from pnyx.posts.rules import TAG_RE
from pnyx.posts.selectors import (
    PAGE_SIZES,
    get_question,
    question_list_page,
    question_thread,
    tags_by_name,
)
from pnyx.posts.slugs import slugify_title
from pnyx.web import params

SORT_TABS = [("active", "Active"), ("newest", "Newest"), ("score", "Score")]


def _question_url(question: Post) -> str:
    return reverse("question", args=[question.id, slugify_title(question.title) or "-"])


def site_home(request: HttpRequest) -> HttpResponse:
    return _list(request, template_title="Top questions", tags=[])


def question_list(request: HttpRequest) -> HttpResponse:
    return _list(request, template_title="All questions", tags=[])


def tagged(request: HttpRequest, tags: str) -> HttpResponse:
    names = [t for t in tags.replace(" ", "+").split("+") if t]
    if not names or len(names) > 5 or not all(TAG_RE.match(n) for n in names):
        raise Http404("no such tag")
    return _list(
        request, template_title="Questions tagged " + " ".join(f"[{n}]" for n in names), tags=names
    )


def _list(request: HttpRequest, template_title: str, tags: list[str]) -> HttpResponse:
    sort = params.question_sort(request)
    size = params.page_size(request)
    page = question_list_page(
        sort=sort, page=params.page_number(request), page_size=size, tags=tags
    )
    return render(
        request,
        "pnyx/question_list.html",
        {
            "title": template_title,
            "page": page,
            "sort": sort,
            "page_size": size,
            "tags": tags,
            "tag_info": tags_by_name(tags) if tags else {},
            "sort_tabs": SORT_TABS,
            "page_sizes": PAGE_SIZES,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


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
    answer = (
        Post.objects.filter(pk=answer_id, post_type=PostType.ANSWER)
        .select_related("parent")
        .first()
    )
    if answer is None or answer.parent is None:
        raise Http404("no such answer")
    return HttpResponseRedirect(f"{_question_url(answer.parent)}#{answer.id}")


def question_page(request: HttpRequest, question_id: int, slug: str) -> HttpResponse:
    question = get_question(question_id)
    if question is None:
        raise Http404("no such question")
    canonical = _question_url(question)
    if slug != (slugify_title(question.title) or "-"):
        return redirect(canonical, permanent=True)
    thread = question_thread(question)
    return render(
        request,
        "pnyx/question.html",
        {"thread": thread, "question": question, "canonical": canonical},
    )
