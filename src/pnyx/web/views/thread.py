"""The question page, put together from cached blocks and the reader's own parts.

Every request reads the thread's facts (`pnyx.posts.thread_selectors.thread_facts`: each post's
version, score, owner...) and, for a signed-in reader, their votes and bookmarks: two small
queries. The blocks shared by every reader (the question's head, one per post, the sidebar) come
from `pnyx.web.fragments` under keys holding the posts' versions; only the blocks whose post
changed are rendered, from the full thread, by the templates `question_head.html`,
`post_block.html` and `question_sidebar.html` with markers where the reader's parts go. Those
parts (`pnyx.web.personal`) and the page's frame (`pnyx.web.shell`) are plain strings.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.messages import get_messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils.html import escape

from pnyx.errors import PnyxError
from pnyx.network.models import Site
from pnyx.posts import privileges
from pnyx.posts.reader_selectors import reader_state
from pnyx.posts.selectors import DEFAULT_ANSWER_SORT, get_question, question_thread
from pnyx.posts.slugs import slugify_title
from pnyx.posts.thread_selectors import PostRow, ThreadFacts, order_answers, thread_facts
from pnyx.web import fragments, params, shell
from pnyx.web.actor import reader, site_of
from pnyx.web.personal import (
    Markers,
    Personal,
    PostFacts,
    corner,
    fill,
    parse,
    personal_for,
    request_token,
)
from pnyx.web.redirects import with_query
from pnyx.web.viewcounts import count_view
from pnyx.web.viewer import Viewer

ANSWER_TABS = (
    ("score", "Highest score"),
    ("newest", "Newest"),
    ("oldest", "Oldest"),
    ("active", "Recently active"),
)
CSRF_MARK = "\x00csrf\x00"


def _facts(row: PostRow) -> PostFacts:
    return PostFacts(
        id=row.id,
        post_type=row.post_type,
        score=row.score,
        owner_id=row.owner_id,
        deleted=row.deleted,
        community_wiki=row.community_wiki,
        favorite_count=row.favorite_count,
    )


def _viewer(request: HttpRequest, site: Site, question: PostRow) -> Viewer:
    user = getattr(request, "user", None)
    return Viewer(
        site=site,
        user=reader(request),
        signed_in=bool(user is not None and user.is_authenticated),
        question_owner_id=question.owner_id,
    )


def _may_see_deleted(viewer: Viewer, row: PostRow) -> bool:
    if viewer.user is None:
        return False
    return row.owner_id == viewer.user.pk or viewer.has(privileges.TRUSTED_USER)


def question_page(request: HttpRequest, question_id: int, slug: str) -> HttpResponse:
    site = site_of(request)
    facts = thread_facts(question_id)
    if facts is None:
        raise Http404("no such question")
    question = facts.question
    viewer = _viewer(request, site, question)
    if question.deleted and not _may_see_deleted(viewer, question):
        raise Http404("no such question")
    canonical = _question_path(question)
    if slug != (slugify_title(question.title) or "-"):
        return HttpResponsePermanentRedirect(with_query(canonical, request))
    return build(request, site, facts, viewer)


def question_page_with_error(
    request: HttpRequest, question_id: int, *, answer_body: str, error: PnyxError
) -> HttpResponse:
    """The question page again after a refused answer, keeping the text and saying why."""
    site = site_of(request)
    facts = thread_facts(question_id)
    if facts is None:
        raise Http404("no such question")
    viewer = _viewer(request, site, facts.question)
    if facts.question.deleted and not _may_see_deleted(viewer, facts.question):
        raise Http404("no such question")
    return build(request, site, facts, viewer, answer_body=answer_body, error=error)


def _question_path(question: PostRow) -> str:
    return f"{get_script_prefix()}questions/{question.id}/{slugify_title(question.title) or '-'}"


def build(
    request: HttpRequest,
    site: Site,
    facts: ThreadFacts,
    viewer: Viewer,
    *,
    answer_body: str = "",
    error: PnyxError | None = None,
) -> HttpResponse:
    question = facts.question
    answers = [a for a in facts.answers if not a.deleted or _may_see_deleted(viewer, a)]
    sort = params.answer_sort(request)
    answers = order_answers(question, answers, sort)
    viewer.state = reader_state(viewer.user_id, [question.id, *(a.id for a in answers)])
    personal = personal_for(request, viewer, accepted_answer_id=question.accepted_answer_id)

    blocks = _blocks(site, facts, [question, *answers])
    title_text, head_html = blocks["head"].split("\x01", 1)
    canonical = _question_path(question)
    content = [head_html, fill(blocks[question.id], personal, _facts(question))]
    content.append(_answers_header(len(answers), sort, canonical))
    content.extend(fill(blocks[a.id], personal, _facts(a)) for a in answers)
    content.append("</section>")
    content.append(_answer_form(request, site, question, personal, answer_body, error))

    html = shell.page(
        request,
        site,
        title=shell.title(title_text, site),
        head=_head(site, question, canonical, viewer),
        body=_body_attrs(request, viewer),
        this=f'<input type="hidden" name="this" value="{question.id}">',
        corner=corner(personal, full_path=request.get_full_path()),
        messages=_messages(request),
        content="".join(content),
        sidebar=blocks["sidebar"],
    )
    if error is None and request.method == "GET":
        count_view(request, site, question.id)
    response = HttpResponse(html, status=error.status if error else 200)
    response.pnyx_question_id = question.id  # type: ignore[attr-defined]  # see pagecache
    return response


def _key(site: Site, facts: ThreadFacts, *parts: object) -> tuple[object, ...]:
    return (site.id, facts.epoch, *parts)


def _blocks(site: Site, facts: ThreadFacts, posts: list[PostRow]) -> dict[object, Any]:
    """The shared blocks of the page: from the store, or rendered (all missing ones at once)."""
    question = facts.question
    wanted: dict[object, tuple[object, ...]] = {
        "head": _key(site, facts, "head", question.id, question.version),
        "sidebar": _key(site, facts, "side", question.id, question.version),
    }
    for post in posts:
        accepted = post.id == question.accepted_answer_id
        wanted[post.id] = _key(site, facts, "post", post.id, post.version, accepted)
    found: dict[object, Any] = {}
    missing = []
    for name, key in wanted.items():
        block = fragments.store.get(key)
        if block is None:
            missing.append(name)
        else:
            found[name] = block
    if missing:
        rendered = _render(site, question.id, missing)
        for name in missing:
            made: Any = rendered[name]
            if name not in ("head", "sidebar"):
                made = parse(made)  # cut at its markers once, filled per request
            found[name] = made
            fragments.store.set(wanted[name], made)
    return found


def _render(site: Site, question_id: int, names: list[object]) -> dict[object, str]:
    """Render the blocks named, from the whole thread (read afresh: the slow path)."""
    question = get_question(question_id, include_deleted=True)
    if question is None:
        raise Http404("no such question")
    thread = question_thread(question, DEFAULT_ANSWER_SORT, all_deleted=True)
    posts = {question.id: question, **{a.id: a for a in thread.answers}}
    base = {"thread": thread, "question": question, "site": site, "personal": Markers()}
    rendered: dict[object, str] = {}
    for name in names:
        if name == "head":
            duplicate = question.closed_date is not None and bool(thread.duplicate_of)
            closed = " [duplicate]" if duplicate else " [closed]" if question.closed_date else ""
            html = render_to_string("pnyx/question_head.html", base)
            rendered[name] = f"{question.title}{closed}\x01{html}"
        elif name == "sidebar":
            rendered[name] = render_to_string("pnyx/question_sidebar.html", base)
        else:
            post = posts.get(int(name))  # type: ignore[call-overload]
            if post is None:  # written since the facts were read: shown on the next request
                rendered[name] = ""
                continue
            rendered[name] = render_to_string("pnyx/post_block.html", {**base, "post": post})
    return rendered


def _answers_header(count: int, sort: str, canonical: str) -> str:
    tabs = ""
    if count > 1:
        links = "".join(
            f'<li><a href="{canonical}{"" if key == DEFAULT_ANSWER_SORT else f"?answertab={key}"}'
            f'#answers"{" aria-current=" + chr(34) + "true" + chr(34) if key == sort else ""}>'
            f"{label}</a></li>"
            for key, label in ANSWER_TABS
        )
        tabs = f'<nav class="tabs tabs-small" aria-label="Sort answers"><ul>{links}</ul></nav>'
    return (
        '<section class="answers" id="answers" aria-labelledby="answers-heading">'
        f'<div class="answers-header"><h2 id="answers-heading">{count} '
        f"Answer{'' if count == 1 else 's'}</h2>{tabs}</div>"
    )


@functools.cache
def _script(name: str) -> str:
    """A static script's tag (its hashed address is the same for the process's life)."""
    return f'<script src="{static(name)}" defer></script>'


def _head(site: Site, question: PostRow, canonical: str, viewer: Viewer) -> str:
    feed = f"{get_script_prefix()}feeds/question/{question.id}"
    parts = [
        f'<link rel="alternate" type="application/atom+xml" title="{escape(question.title or "")}" '
        f'href="{feed}">',
        f'<link rel="canonical" href="{canonical}">',
        _script("vendor/htmx-2.0.11.min.js"),
    ]
    if viewer.signed_in:
        parts.append(_script("pnyx/mentions.js"))
        parts.append(_editor_assets())
    return "\n".join(parts)


@functools.cache
def _editor_assets() -> str:
    """The answer form's editor files (static paths: the same for the process's life)."""
    return render_to_string("pnyx/editor_assets.html")


def _body_attrs(request: HttpRequest, viewer: Viewer) -> str:
    if not viewer.signed_in:
        return ""
    return f""" hx-headers='{{"X-CSRFToken": "{request_token(request)}"}}'"""


def _messages(request: HttpRequest) -> str:
    stored = list(get_messages(request))
    if not stored:
        return ""
    return render_to_string("accounts/messages.html", {"messages": stored})


def _answer_form(
    request: HttpRequest,
    site: Site,
    question: PostRow,
    personal: Personal,
    body: str,
    error: PnyxError | None,
) -> str:
    """The answer form: for a signed-in reader rendered once per question and kept, with the
    reader's CSRF token put in; with an error or a kept text, rendered for this request."""
    context = {
        "question": {"id": question.id, "closed_date": question.closed, "deletion_date": None},
        "closed": question.closed,
        "deleted": question.deleted,
        "viewer": personal.viewer,
        "csrf_token": CSRF_MARK,
    }
    if not personal.viewer.signed_in:
        context["login"] = personal.login
        return render_to_string("pnyx/answer_form.html", context)
    html: str
    if body or error:
        context.update({"answer_body": body, "answer_error": error})
        html = render_to_string("pnyx/answer_form.html", context)
    else:
        key = ("answer-form", site.id, get_script_prefix(), question.id, question.closed)
        html = fragments.store.get(key) or ""
        if not html:
            html = render_to_string("pnyx/answer_form.html", context)
            fragments.store.set(key, html)
    return html.replace(CSRF_MARK, request_token(request))
