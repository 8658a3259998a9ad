"""Reads that pages need, each in a fixed number of queries whatever the size of the thread or list.

Every selector works on the active site. The query count of each is pinned by a test, so a change
that adds a query per answer or per comment fails at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Substr

from pnyx.posts.history import NOTICE_TYPES, PostState, Revision, build_revisions, post_states
from pnyx.posts.models import (
    Badge,
    BadgeClass,
    Comment,
    LinkType,
    Post,
    PostHistory,
    PostLink,
    PostTag,
    PostType,
    SiteUser,
    Tag,
)
from pnyx.posts.querysets import live_questions
from pnyx.search.selectors import related_questions as search_related_questions

# Question lists. Each sort is an ordering; "unanswered" and "frequent" also narrow the list.
QUESTION_SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-creation_date", "-id"),
    "active": ("-last_activity_date", "-id"),
    "score": ("-score", "-id"),
    "votes": ("-score", "-id"),
    "unanswered": ("-creation_date", "-id"),
    "frequent": ("-link_count", "-score", "-id"),
}
DEFAULT_SORT = "active"
QUESTION_FILTERS: dict[str, Q] = {
    "noanswers": Q(answer_count=0) | Q(answer_count__isnull=True),
    "noaccepted": Q(accepted_answer__isnull=True),
}
PAGE_SIZES = (15, 30, 50)
DEFAULT_PAGE_SIZE = 15
# Enough of a body's HTML to give a ~200 character plain-text excerpt without loading the body.
EXCERPT_SOURCE_CHARS = 1500
LIST_FIELDS = (
    "id",
    "version",  # the key of each row's rendering (pnyx.web.views.questions)
    "post_type",
    "title",
    "score",
    "answer_count",
    "accepted_answer_id",
    "view_count",
    "tags",
    "creation_date",
    "last_activity_date",
    "closed_date",
    "deletion_date",
    "owner_id",
    "owner_display_name",
    "owner__id",
    "owner__display_name",
    "owner__reputation",
)
# Fields of a user that a page never shows beside a post.
UNUSED_USER_FIELDS = ("about_me", "website_url", "profile_image_url", "location")

# The question page.
ANSWER_SORTS = ("score", "newest", "oldest", "active")
DEFAULT_ANSWER_SORT = "score"
COMMENTS_SHOWN = 5
RELATED_LIMIT = 10
RELATED_TITLE_WORDS = 6
STOP_WORDS = frozenset(
    [
        "about",
        "after",
        "also",
        "does",
        "from",
        "have",
        "into",
        "just",
        "like",
        "more",
        "most",
        "much",
        "only",
        "other",
        "over",
        "same",
        "should",
        "some",
        "such",
        "than",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "would",
        "your",
    ]
)


def _live_answer_exists(**conditions: object) -> Exists:
    return Exists(
        Post.objects.filter(
            parent_id=OuterRef("pk"),
            post_type=PostType.ANSWER,
            deletion_date__isnull=True,
            **conditions,
        )
    )


def question_list_page(
    sort: str = DEFAULT_SORT,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    tags: list[str] | None = None,
    filter_name: str | None = None,
) -> Page:  # type: ignore[type-arg]
    """One page of questions, all of `tags`, (2 queries: the count and the rows with askers).

    Each row carries `body_head`, the start of its body's HTML, for the excerpt: the page needs
    ~200 characters of text, not bodies that may run to 30,000.
    """
    questions = live_questions()
    for tag in tags or []:
        questions = questions.filter(id__in=PostTag.objects.filter(tag__name=tag).values("post_id"))
    if filter_name in QUESTION_FILTERS:
        questions = questions.filter(QUESTION_FILTERS[filter_name])
    if sort == "unanswered":
        # Stack Exchange's sense: no accepted answer and no answer anyone has voted up.
        questions = questions.filter(accepted_answer__isnull=True).filter(
            ~_live_answer_exists(score__gt=0)
        )
    elif sort == "frequent":
        incoming = PostLink.objects.filter(related_post_id=OuterRef("pk"))
        questions = questions.filter(id__in=PostLink.objects.values("related_post_id")).annotate(
            link_count=Subquery(
                incoming.order_by()
                .values("related_post_id")
                .annotate(n=Count("post_id", distinct=True))
                .values("n")
            )
        )
    ordering = QUESTION_SORTS.get(sort, QUESTION_SORTS[DEFAULT_SORT])
    questions = (
        questions.select_related("owner")
        .only(*LIST_FIELDS)
        .annotate(body_head=Substr("body_html", 1, EXCERPT_SOURCE_CHARS))
        .order_by(*ordering)
    )
    return Paginator(questions, page_size).get_page(page)


def tag_with_excerpt(names: list[str]) -> dict[str, Tag]:
    """The tags named, each with its excerpt post, for the head of a tagged list (1 query)."""
    return {
        tag.name: tag for tag in Tag.objects.filter(name__in=names).select_related("excerpt_post")
    }


# The question page.


@dataclass(frozen=True)
class BadgeCounts:
    gold: int = 0
    silver: int = 0
    bronze: int = 0

    @property
    def total(self) -> int:
        return self.gold + self.silver + self.bronze


@dataclass
class Thread:
    """Everything the question page shows."""

    question: Post
    answers: list[Post]
    # The comments shown at first (the top ones by score, in time order) and how many there are.
    comments: dict[int, list[Comment]]
    comment_totals: dict[int, int] = field(default_factory=dict)
    badges: dict[int, BadgeCounts] = field(default_factory=dict)
    states: dict[int, PostState] = field(default_factory=dict)
    linked: list[Post] = field(default_factory=list)
    duplicate_of: list[Post] = field(default_factory=list)
    related: list[Post] = field(default_factory=list)
    answer_sort: str = DEFAULT_ANSWER_SORT

    def comments_for(self, post: Post) -> list[Comment]:
        return self.comments.get(post.id, [])

    def hidden_comment_count(self, post: Post) -> int:
        return self.comment_totals.get(post.id, 0) - len(self.comments_for(post))

    def state_of(self, post: Post) -> PostState:
        return self.states.get(post.id) or PostState()


def get_question(question_id: int, *, include_deleted: bool = False) -> Post | None:
    """A question that is not deleted (or, with `include_deleted`, one that is), with its asker
    and last editor (1 query)."""
    questions = (
        Post.objects.filter(post_type=PostType.QUESTION) if include_deleted else live_questions()
    )
    return (
        questions.filter(pk=question_id)
        .select_related("owner", "last_editor")
        .defer("body_markdown", *_user_fields_unused("owner", "last_editor"))
        .first()
    )


def get_answer(answer_id: int) -> Post | None:
    """An answer that is not deleted, on a question that is not deleted (1 query)."""
    answer = (
        Post.objects.filter(pk=answer_id, post_type=PostType.ANSWER, deletion_date__isnull=True)
        .select_related("parent")
        .only("id", "parent__id", "parent__title", "parent__deletion_date", "parent__post_type")
        .first()
    )
    if answer is None or answer.parent is None or answer.parent.deletion_date is not None:
        return None
    return answer


def _user_fields_unused(*relations: str) -> list[str]:
    return [f"{relation}__{name}" for relation in relations for name in UNUSED_USER_FIELDS]


class _Ordered(Protocol):
    """What ordering answers reads: a `Post`, or a question page's `PostRow`."""

    @property
    def id(self) -> int: ...
    @property
    def score(self) -> int: ...
    @property
    def creation_date(self) -> Any: ...
    @property
    def last_activity_date(self) -> Any: ...


_A = TypeVar("_A", bound=_Ordered)


def answer_order(question: Any, answers: list[_A], sort: str = DEFAULT_ANSWER_SORT) -> list[_A]:
    """Answers in the order asked for; by score puts the accepted answer first, as SE does.
    The one rule for both the model's posts and the question page's rows."""
    if sort == "newest":
        return sorted(answers, key=lambda a: (a.creation_date, a.id), reverse=True)
    if sort == "oldest":
        return sorted(answers, key=lambda a: (a.creation_date, a.id))
    if sort == "active":
        return sorted(answers, key=lambda a: (a.last_activity_date, a.id), reverse=True)
    accepted = question.accepted_answer_id
    return sorted(answers, key=lambda a: (a.id != accepted, -a.score, a.creation_date, a.id))


def question_thread(
    question: Post,
    answer_sort: str = DEFAULT_ANSWER_SORT,
    *,
    deleted_of: int | None = None,
    all_deleted: bool = False,
) -> Thread:
    """The rest of the question page: 6 queries, 7 when a closure names a question not linked.

    Answers (deleted ones too: all of them with `all_deleted`, for readers who may undelete
    them, or those of the user `deleted_of`); the top comments of every post with each post's
    comment total; badge counts of every author and editor; the notice events (closed,
    locked...) of every post; the links to and from the question; related questions.
    """
    visible = Q(deletion_date__isnull=True)
    if all_deleted:
        visible = Q()
    elif deleted_of is not None:
        visible |= Q(owner_id=deleted_of)
    answers = list(
        Post.objects.filter(visible, parent_id=question.id, post_type=PostType.ANSWER)
        .select_related("owner", "last_editor")
        .defer("body_markdown", *_user_fields_unused("owner", "last_editor"))
    )
    posts = [question, *answers]
    post_ids = [p.id for p in posts]
    comments, totals = top_comments(post_ids)
    user_ids = {uid for p in posts for uid in (p.owner_id, p.last_editor_id) if uid is not None}
    history = list(
        PostHistory.objects.filter(post_id__in=post_ids, history_type__in=NOTICE_TYPES)
        .select_related("user")
        .only(
            "id",
            "post_id",
            "history_type",
            "creation_date",
            "comment",
            "text",
            "user_id",
            "user_display_name",
            "user__id",
            "user__display_name",
        )
    )
    states = post_states(history)
    thread = Thread(
        question=question,
        answers=answer_order(question, answers, answer_sort),
        comments=comments,
        comment_totals=totals,
        badges=badge_counts(user_ids),
        states=states,
        answer_sort=answer_sort,
    )
    _add_links(thread, states.get(question.id))
    thread.related = search_related_questions(question)
    return thread


def top_comments(
    post_ids: list[int], shown: int = COMMENTS_SHOWN
) -> tuple[dict[int, list[Comment]], dict[int, int]]:
    """The `shown` best comments of each post, by score then age, in time order; and each post's
    total (1 query: a window function ranks and counts within each post)."""
    ranked = (
        Comment.objects.filter(post_id__in=post_ids)
        .select_related("user")
        .only(
            "id",
            "post_id",
            "score",
            "text_html",
            "creation_date",
            "user_id",
            "user_display_name",
            "user__id",
            "user__display_name",
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("post_id")],
                order_by=[F("score").desc(), F("creation_date").asc(), F("id").asc()],
            ),
            total=Window(Count("id"), partition_by=[F("post_id")]),
        )
        .filter(rank__lte=shown)
    )
    comments: dict[int, list[Comment]] = defaultdict(list)
    totals: dict[int, int] = {}
    for comment in ranked:
        comments[comment.post_id].append(comment)
        totals[comment.post_id] = comment.total  # type: ignore[attr-defined]
    for post_comments in comments.values():
        post_comments.sort(key=lambda c: (c.creation_date, c.id))
    return dict(comments), totals


def _badges_of_class(badge_class: int) -> Coalesce:
    counted = (
        Badge.objects.filter(user_id=OuterRef("id"), badge_class=badge_class)
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_badge_counts(users: QuerySet[SiteUser]) -> QuerySet[SiteUser]:
    """`users` with their badge counts, read back by `badge_counts_of`: the one count of
    badges, in the same query as the users (the top bar reads its user this way)."""
    return users.annotate(
        badges_gold=_badges_of_class(BadgeClass.GOLD),
        badges_silver=_badges_of_class(BadgeClass.SILVER),
        badges_bronze=_badges_of_class(BadgeClass.BRONZE),
    )


def badge_counts_of(user: SiteUser) -> BadgeCounts:
    """The counts of a user read through `with_badge_counts`."""
    return BadgeCounts(
        gold=getattr(user, "badges_gold", 0),
        silver=getattr(user, "badges_silver", 0),
        bronze=getattr(user, "badges_bronze", 0),
    )


def badge_counts(user_ids: Iterable[int], *, using: str | None = None) -> dict[int, BadgeCounts]:
    """Gold, silver and bronze badge counts of each of `user_ids`, zeros for a user without
    badges (1 query, none without users), on the active site or the database `using`. The
    question page, the user list and the user page use it; see `with_badge_counts`."""
    wanted = set(user_ids)
    if not wanted:
        return {}
    users = with_badge_counts(SiteUser.objects.using(using).filter(pk__in=wanted).only("id"))
    found = {user.pk: badge_counts_of(user) for user in users}
    return {user_id: found.get(user_id, BadgeCounts()) for user_id in wanted}


SIDEBAR_POST_FIELDS = ("id", "title", "score", "post_type", "deletion_date", "answer_count")


def _add_links(thread: Thread, state: PostState | None) -> None:
    """Fill the Linked sidebar and the duplicate targets (1 query, 2 when a closure names a
    question that PostLinks does not)."""
    question = thread.question
    links = (
        PostLink.objects.filter(Q(post_id=question.id) | Q(related_post_id=question.id))
        .select_related("post", "related_post")
        .only(
            "post_id",
            "related_post_id",
            "link_type",
            *(f"post__{name}" for name in SIDEBAR_POST_FIELDS),
            *(f"related_post__{name}" for name in SIDEBAR_POST_FIELDS),
        )
        .order_by("id")
    )
    linked: dict[int, Post] = {}
    duplicates: dict[int, Post] = {}
    for link in links:
        other = link.related_post if link.post_id == question.id else link.post
        if other.post_type != PostType.QUESTION or other.deletion_date is not None:
            continue
        if other.id == question.id:
            continue
        if link.link_type == LinkType.DUPLICATE and link.post_id == question.id:
            duplicates[other.id] = other
        linked.setdefault(other.id, other)
    closure = state.closure if state else None
    if question.closed_date is None or (closure is not None and not closure.is_duplicate):
        # Open, or closed for another reason: an old duplicate link is no longer the story.
        thread.duplicate_of = []
    elif closure is not None:
        missing = [i for i in closure.original_ids if i not in duplicates]
        if missing:
            found = {
                p.id: p for p in live_questions().filter(id__in=missing).only(*SIDEBAR_POST_FIELDS)
            }
            duplicates.update(found)
        # The closure's own list keeps its order; links not in it follow.
        ordered = [duplicates[i] for i in closure.original_ids if i in duplicates]
        ordered += [p for i, p in duplicates.items() if i not in closure.original_ids]
        thread.duplicate_of = ordered
    else:
        # Closed, with no history to say why (a dump without PostHistory): the links tell.
        thread.duplicate_of = list(duplicates.values())
    thread.linked = sorted(linked.values(), key=lambda p: (-p.score, p.id))


def title_words(title: str | None) -> list[str]:
    """The words of a title worth matching: long enough, not common, the longest first."""
    words = {w for w in re.findall(r"[^\W_]{4,}", (title or "").lower()) if w not in STOP_WORDS}
    return sorted(words, key=lambda w: (-len(w), w))[:RELATED_TITLE_WORDS]


def related_questions(question: Post, limit: int = RELATED_LIMIT) -> list[Post]:
    """Questions sharing tags with this one, ranked by tags shared and title words in common
    (1 query). A stopgap until search gives better.

    Written in SQL rather than built with the ORM: composing the ranking expression took longer
    than running it, on every question page.
    """
    tags = question.tag_list
    if not tags:
        return []
    words = title_words(question.title)
    tag_marks = ", ".join(["%s"] * len(tags))
    word_rank = "".join(" + CASE WHEN LOWER(p.title) LIKE %s THEN 1 ELSE 0 END" for _ in words)
    sql = (
        "SELECT p.id, p.title, p.score, p.post_type, p.deletion_date, p.answer_count "
        "FROM posts p JOIN ("
        "  SELECT pt.post_id, COUNT(*) AS shared FROM post_tags pt"
        "  JOIN tags t ON t.id = pt.tag_id"
        f"  WHERE t.name IN ({tag_marks}) AND pt.post_id <> %s GROUP BY pt.post_id"
        ") s ON s.post_id = p.id "
        "WHERE p.post_type = %s AND p.deletion_date IS NULL "
        f"ORDER BY s.shared * 2{word_rank} DESC, p.score DESC, p.id DESC "
        "LIMIT %s"
    )
    params: list[object] = [*tags, question.id, PostType.QUESTION]
    params += [f"%{word}%" for word in words]
    params.append(limit)
    return list(Post.objects.raw(sql, params))


# The full comment list of one post (the "show more comments" link).


@dataclass
class PostComments:
    post: Post
    question: Post
    comments: list[Comment]


def post_comments(post_id: int) -> PostComments | None:
    """All the comments of a question or answer that is not deleted, in time order (2 queries)."""
    post = _visible_post(post_id, (PostType.QUESTION, PostType.ANSWER))
    if post is None:
        return None
    comments = list(
        Comment.objects.filter(post_id=post.id)
        .select_related("user")
        .defer(*(f"user__{name}" for name in UNUSED_USER_FIELDS))
        .order_by("creation_date", "id")
    )
    return PostComments(post=post, question=post.parent or post, comments=comments)


def _visible_post(post_id: int, post_types: tuple[int, ...]) -> Post | None:
    """A post the reader may see: not deleted, and for an answer, on a question not deleted."""
    post = (
        Post.objects.filter(pk=post_id, post_type__in=post_types, deletion_date__isnull=True)
        .select_related("parent")
        .defer("body_markdown", "parent__body_markdown", "parent__body_html")
        .first()
    )
    if post is None:
        return None
    if post.post_type == PostType.ANSWER and (
        post.parent is None or post.parent.deletion_date is not None
    ):
        return None
    return post


# The revisions page.

REVISABLE_TYPES = (
    PostType.QUESTION,
    PostType.ANSWER,
    PostType.TAG_WIKI_EXCERPT,
    PostType.TAG_WIKI,
)


@dataclass
class PostRevisions:
    """A post's history as the revisions page lists it (oldest first here; the page reverses)."""

    post: Post
    question: Post | None
    tag: Tag | None
    revisions: list[Revision]
    users: dict[int, SiteUser]
    questions: dict[int, Post]

    @property
    def has_history(self) -> bool:
        return bool(self.revisions)


def post_revisions(post_id: int) -> PostRevisions | None:
    """Every revision and event of a post (2 queries; 1 more each for the tag of a tag wiki, the
    users of suggested edits and the questions duplicate closures name)."""
    post = _visible_post(post_id, REVISABLE_TYPES)
    if post is None:
        return None
    rows = list(
        PostHistory.objects.filter(post_id=post.id)
        .select_related("user")
        .defer(*(f"user__{name}" for name in UNUSED_USER_FIELDS))
        .order_by("creation_date", "id")
    )
    revisions = build_revisions(rows)
    tag = None
    if post.post_type in (PostType.TAG_WIKI, PostType.TAG_WIKI_EXCERPT):
        tag = Tag.objects.filter(Q(wiki_post_id=post.id) | Q(excerpt_post_id=post.id)).first()
    user_ids = {
        uid for r in revisions for uid in (r.suggested_by, *r.approved_by) if uid is not None
    }
    users = (
        {
            u.id: u
            for u in SiteUser.objects.filter(id__in=user_ids).only(
                "id", "display_name", "reputation"
            )
        }
        if user_ids
        else {}
    )
    question_ids = {i for r in revisions for e in r.events for i in e.original_ids}
    questions = (
        {p.id: p for p in live_questions().filter(id__in=question_ids).only(*SIDEBAR_POST_FIELDS)}
        if question_ids
        else {}
    )
    question = post if post.post_type == PostType.QUESTION else post.parent
    return PostRevisions(
        post=post,
        question=question,
        tag=tag,
        revisions=revisions,
        users=users,
        questions=questions,
    )


def get_user(user_id: int) -> SiteUser | None:
    return SiteUser.objects.filter(pk=user_id).first()


@dataclass
class UserActivity:
    user: SiteUser
    questions: list[Post]
    answers: list[Post]
    comments: list[Comment]


def user_activity(user: SiteUser, limit: int = 30) -> UserActivity:
    """A user's latest questions, answers (with their questions) and comments (3 queries)."""
    posts = Post.objects.filter(owner_id=user.id, deletion_date__isnull=True)
    questions = list(
        posts.filter(post_type=PostType.QUESTION).order_by("-score", "-creation_date")[:limit]
    )
    answers = list(
        posts.filter(post_type=PostType.ANSWER)
        .select_related("parent")
        .order_by("-score", "-creation_date")[:limit]
    )
    comments = list(
        Comment.objects.filter(user_id=user.id)
        .select_related("post", "post__parent")
        .order_by("-creation_date")[:limit]
    )
    return UserActivity(user=user, questions=questions, answers=answers, comments=comments)


def tags_by_name(names: list[str]) -> dict[str, Tag]:
    return {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
