"""What the pages read from the search engine, each in a fixed number of queries.

- `search`: a page of results (questions, and answers under their question), highlighted
  excerpts, the count, the notes about what was not searched as written.
- `similar_questions`: the questions closest to a title being typed (the ask page).
- `related_questions`: the question page's Related sidebar, cached per question.
- `duplicate_candidates`: questions a question may duplicate, for closing it.

Search reads go to a read replica when one is configured (`replica.search_alias`).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pnyx.network.models import Site
from pnyx.posts.models import Post, PostType
from pnyx.search import analysis
from pnyx.search.engines import (
    SORTS,
    Context,
    Engine,
    NeedsContext,
    Result,
    engine_for,
)
from pnyx.search.query import MAX_QUERY_CHARS, Query, parse
from pnyx.search.replica import search_alias
from pnyx.search.timeouts import TooSlow, time_limit

PAGE_SIZES = (15, 30, 50)
DEFAULT_PAGE_SIZE = 15
MAX_RESULT_PAGE = 10_000 // 15  # results past the count cap are not reachable anyway
EXCERPT_CHARS = 260
EXCERPT_SCAN_CHARS = 30_000
SIMILAR_LIMIT = 6
RELATED_LIMIT = 10
RELATED_CACHE_SECONDS = 6 * 3600
RESULT_FIELDS = (
    "id",
    "post_type",
    "parent_id",
    "title",
    "score",
    "answer_count",
    "accepted_answer_id",
    "view_count",
    "tags",
    "body_html",
    "creation_date",
    "last_activity_date",
    "closed_date",
    "owner_id",
    "owner_display_name",
    "owner__id",
    "owner__display_name",
    "owner__reputation",
)
SIDEBAR_FIELDS = ("id", "title", "score", "post_type", "deletion_date", "answer_count")


# -- the results page


@dataclass
class Item:
    """One result: a question, or an answer shown under its question."""

    post: Post
    question: Post
    excerpt: SafeString
    title: SafeString

    @property
    def is_answer(self) -> bool:
        return self.post.post_type == PostType.ANSWER

    @property
    def accepted(self) -> bool:
        return self.is_answer and self.question.accepted_answer_id == self.post.id


@dataclass
class Group:
    """Consecutive results of one question: the question's row, and the answers under it."""

    question: Post
    title: SafeString
    question_item: Item | None = None  # when the question itself is a result
    answers: list[Item] = field(default_factory=list)


@dataclass
class SearchPage:
    text: str
    query: Query
    sort: str
    page: int
    page_size: int
    result: Result | None = None
    items: list[Item] = field(default_factory=list)
    problem: str = ""  # why there are no results to show, when it is not the query's words

    @property
    def groups(self) -> list[Group]:
        groups: list[Group] = []
        for item in self.items:
            if not groups or groups[-1].question.id != item.question.id:
                groups.append(Group(item.question, item.title))
            if item.is_answer:
                groups[-1].answers.append(item)
            else:
                groups[-1].question_item = item
        return groups

    @property
    def notes(self) -> list[str]:
        return self.result.notes if self.result else self.query.notes

    @property
    def page_count(self) -> int:
        if not self.result:
            return 0
        pages = -(-self.result.count // self.page_size)
        return max(1, min(pages, MAX_RESULT_PAGE))


def search(
    site: Site,
    text: str,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    context: Context | None = None,
) -> SearchPage:
    """A page of results for `text` (4 queries: statistics, ranking, count, the posts)."""
    sort = sort if sort in SORTS else "relevance"
    page_size = page_size if page_size in PAGE_SIZES else DEFAULT_PAGE_SIZE
    page = min(max(page, 1), MAX_RESULT_PAGE)
    query = parse(text)
    found = SearchPage(text, query, sort, page, page_size)
    if query.is_empty():
        return found
    engine = engine_for(search_alias(site))
    try:
        with time_limit(engine):
            found.result = engine.search(
                query, sort, (page - 1) * page_size, page_size, context or Context()
            )
            found.items = _items(engine, found.result.hits, query)
    except NeedsContext as exc:
        found.problem = _context_problem(str(exc))
    except TooSlow:
        found.problem = (
            "This search asked for too much work and was stopped. Add words or tags, or use "
            "fewer wildcards, to narrow it."
        )
    return found


def _context_problem(what: str) -> str:
    if what == "inquestion:this":
        return "inquestion:this works from a question's page: search from there, or give its id."
    return f"{what} needs you to be signed in."


def _items(engine: Engine, hits: list[Any], query: Query) -> list[Item]:
    """The posts of `hits`, in order, each with its question (1 query)."""
    if not hits:
        return []
    ids = [hit.post_id for hit in hits]
    posts = {
        post.id: post
        for post in Post.objects.using(engine.alias)
        .filter(id__in=ids)
        .select_related("owner", "parent", "parent__owner")
        .only(
            *RESULT_FIELDS,
            *(
                f"parent__{name}"
                for name in RESULT_FIELDS
                if "__" not in name and name != "body_html"
            ),
            "parent__owner__id",
            "parent__owner__display_name",
            "parent__owner__reputation",
        )
    }
    marker = Highlighter(query)
    items = []
    for post_id in ids:
        post = posts.get(post_id)
        if post is None:  # deleted since the index was read
            continue
        question = post.parent if post.post_type == PostType.ANSWER and post.parent else post
        items.append(
            Item(
                post,
                question,
                marker.excerpt(post.body_html),
                marker.mark(question.title or ""),
            )
        )
    return items


class Highlighter:
    """Marks the query's words in titles and excerpts.

    A word is marked when it starts with the part of a searched word its stem keeps
    ("bottles" for `bottle`), case aside: close to the index's own matching, and a regular
    expression rather than analysing every word of every body shown.
    """

    def __init__(self, query: Query) -> None:
        stems: set[str] = set()
        unspaced: set[str] = set()
        for text in query.texts:
            if text.negated:
                continue
            for term in text.terms:
                if analysis.is_unspaced(term):
                    unspaced.add(term)
                elif term:
                    stems.add(term[:-1] if len(term) > 3 and term.endswith("i") else term)
        patterns = [rf"\b{re.escape(s)}\w*" for s in sorted(stems, key=len, reverse=True)]
        patterns += [re.escape(u) for u in sorted(unspaced, key=len, reverse=True)]
        self.pattern = re.compile("|".join(patterns), re.I) if patterns else None

    def _spans(self, text: str) -> list[tuple[int, int]]:
        if self.pattern is None:
            return []
        return [match.span() for match in self.pattern.finditer(text)]

    def mark(self, text: str) -> SafeString:
        return self._render(text, self._spans(text))

    def excerpt(self, body_html: str) -> SafeString:
        text = _plain(body_html[: EXCERPT_SCAN_CHARS * 2])[:EXCERPT_SCAN_CHARS]
        spans = self._spans(text)
        start = 0
        if spans and spans[0][0] > EXCERPT_CHARS // 3:
            start = text.rfind(" ", 0, spans[0][0] - EXCERPT_CHARS // 4) + 1
        end = start + EXCERPT_CHARS
        if end < len(text):
            end = max(text.rfind(" ", start, end), start + EXCERPT_CHARS // 2)
        shown = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
        excerpt = self._render(text[start:end], shown)
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(text) else ""
        return mark_safe(f"{prefix}{excerpt}{suffix}")

    @staticmethod
    def _render(text: str, spans: list[tuple[int, int]]) -> SafeString:
        out: list[str] = []
        at = 0
        for a, b in spans:
            out.append(escape(text[at:a]))
            out.append(f"<mark>{escape(text[a:b])}</mark>")
            at = b
        out.append(escape(text[at:]))
        return mark_safe("".join(out))


_TAGS = re.compile(r"<[^>]*(?:>|$)")
_SPACE = re.compile(r"\s+")


def _plain(body_html: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", body_html or ""))).strip()


# -- similar, related and duplicate questions


def _questions_like(
    site: Site,
    title: str,
    tags: list[str],
    body_html: str = "",
    exclude: int | None = None,
    limit: int = SIMILAR_LIMIT,
) -> list[Post]:
    """Questions that share the most telling words of `title` (and `body_html`) and `tags`,
    best first (1 query)."""
    engine = engine_for(search_alias(site))
    words = list(dict.fromkeys(analysis.terms(title, query=True)))[:30]
    body = analysis.terms(_plain(body_html)[:5000], query=True) if body_html else []
    body_terms = [t for t in dict.fromkeys(body) if t not in words][:300]
    tag_terms = [analysis.tag_term(t) for t in tags]
    if not words and not tag_terms and not body_terms:
        return []
    try:
        with time_limit(engine):
            found = engine.similar(words, body_terms, tag_terms, exclude, limit)
    except TooSlow:
        return []
    return [p for p in found if p.post_type == PostType.QUESTION and p.deletion_date is None]


def similar_questions(site: Site, title: str, limit: int = SIMILAR_LIMIT) -> list[Post]:
    """The questions closest to a title being typed, best first (2 queries); none for a title
    too short to tell."""
    if len(title.strip()) < 8:
        return []
    return _questions_like(site, title[:300], [], limit=limit)


def related_questions(question: Post, limit: int = RELATED_LIMIT) -> list[Post]:
    """The question page's Related sidebar: questions sharing the question's telling words and
    tags. The ids are cached per question (and per version of its title, body and tags); the
    rows are read each time, so scores and titles are current (1 query when cached)."""
    from pnyx.sites.context import active_site

    site = active_site()
    fingerprint = hashlib.sha1(
        f"{question.title}\x00{question.tags}\x00{question.last_edit_date}".encode()
    ).hexdigest()[:16]
    key = f"pnyx:related:{hashlib.sha1(site.database_url.encode()).hexdigest()[:12]}:{question.id}:{fingerprint}"
    ids = cache.get(key)
    if ids is None:
        found = _questions_like(
            site,
            question.title or "",
            question.tag_list,
            question.body_html,
            exclude=question.id,
            limit=limit,
        )
        ids = [p.id for p in found]
        cache.set(key, ids, RELATED_CACHE_SECONDS)
        return [p for p in found if p.id != question.id]
    if not ids:
        return []
    rows = {
        p.id: p
        for p in Post.objects.filter(
            id__in=ids, post_type=PostType.QUESTION, deletion_date__isnull=True
        ).only(*SIDEBAR_FIELDS)
    }
    return [rows[i] for i in ids if i in rows]


def duplicate_candidates(question: Post, limit: int = 10) -> list[Post]:
    """Questions `question` may be a duplicate of, by title, tags and body: the originals a
    close dialog offers, best first (2 queries). Older questions come first among equals."""
    from pnyx.sites.context import active_site

    found = _questions_like(
        active_site(),
        question.title or "",
        question.tag_list,
        question.body_html,
        exclude=question.id,
        limit=limit * 2,
    )
    older = [p for p in found if p.creation_date <= question.creation_date]
    newer = [p for p in found if p.creation_date > question.creation_date]
    return (older + newer)[:limit]


def check_query_text(text: str) -> str:
    """The query as typed, without NUL characters (no database takes them in text) and cut
    well past what `parse` reads (it says so on the page)."""
    return text[: MAX_QUERY_CHARS * 2].replace("\x00", " ")
