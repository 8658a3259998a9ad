"""Reads for the user pages: the user list and each tab of a user's page.

Every function runs a fixed number of queries whatever the number of the user's posts, comments,
votes or badges; grouping and ranking happen in the database, and only the rows a page shows are
fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Count, Max, QuerySet

from pnyx.posts.models import (
    COMMUNITY_USER_ID,
    Badge,
    BadgeClass,
    Comment,
    Post,
    PostType,
    SiteUser,
)
from pnyx.posts.selectors import BadgeCounts, badge_counts
from pnyx.sites.context import active_site

USER_SORTS: dict[str, tuple[str, ...]] = {
    "reputation": ("-reputation", "id"),
    "newusers": ("-creation_date", "-id"),
}
DEFAULT_USER_SORT = "reputation"
USERS_PER_PAGE = 36

POST_SORTS: dict[str, tuple[str, ...]] = {
    "votes": ("-score", "-creation_date", "-id"),
    "newest": ("-creation_date", "-id"),
    "activity": ("-last_activity_date", "-id"),
}
DEFAULT_POST_SORT = "votes"
POSTS_PER_PAGE = 30
TOP_POSTS = 5
TOP_TAGS = 10
ACTIVITY_ITEMS = 30


# Lists show titles, scores and dates, never bodies: the bodies, often kilobytes each, stay unread.
BODIES = ("body_html", "body_markdown")


def _no_bodies(*relations: str) -> list[str]:
    """Field paths of the bodies of a post and of its related posts, for `defer()`."""
    return [
        f"{relation}__{body}" if relation else body for relation in relations for body in BODIES
    ]


def live_users() -> QuerySet[SiteUser]:
    """Users a visitor can list: everyone but the Community system user."""
    return SiteUser.objects.exclude(id=COMMUNITY_USER_ID)


def user_list_page(
    sort: str = DEFAULT_USER_SORT,
    page: int = 1,
    name_filter: str = "",
    per_page: int = USERS_PER_PAGE,
) -> Page:  # type: ignore[type-arg]
    """One page of users (2 queries: the count and the rows)."""
    ordering = USER_SORTS.get(sort, USER_SORTS[DEFAULT_USER_SORT])
    users = live_users().defer("about_me")
    if name_filter:
        users = users.filter(display_name__icontains=name_filter)
    return Paginator(users.order_by(*ordering), per_page).get_page(page)


@dataclass
class UserHeader:
    """What every tab of a user's page shows at the top."""

    user: SiteUser
    questions: int
    answers: int
    badges: BadgeCounts


def _live_posts_of(user: SiteUser) -> QuerySet[Post]:
    return Post.objects.filter(owner_id=user.id, deletion_date__isnull=True)


def user_header(user: SiteUser) -> UserHeader:
    """The user's question and answer counts and badge counts (2 queries)."""
    per_type = dict(
        _live_posts_of(user)
        .filter(post_type__in=(PostType.QUESTION, PostType.ANSWER))
        .values_list("post_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return UserHeader(
        user=user,
        questions=per_type.get(PostType.QUESTION, 0),
        answers=per_type.get(PostType.ANSWER, 0),
        badges=badge_counts([user.id])[user.id],
    )


def top_questions(user: SiteUser, limit: int = TOP_POSTS) -> list[Post]:
    return list(
        _live_posts_of(user)
        .filter(post_type=PostType.QUESTION)
        .defer(*_no_bodies(""))
        .order_by(*POST_SORTS["votes"])[:limit]
    )


def top_answers(user: SiteUser, limit: int = TOP_POSTS) -> list[Post]:
    return list(
        _live_posts_of(user)
        .filter(post_type=PostType.ANSWER)
        .select_related("parent")
        .defer(*_no_bodies("", "parent"))
        .order_by(*POST_SORTS["votes"])[:limit]
    )


def posts_page(
    user: SiteUser, post_type: int, sort: str = DEFAULT_POST_SORT, page: int = 1
) -> Page:  # type: ignore[type-arg]
    """One page of the user's questions or answers (2 queries), answers with their questions."""
    posts = _live_posts_of(user).filter(post_type=post_type).defer(*_no_bodies(""))
    if post_type == PostType.ANSWER:
        posts = posts.select_related("parent").defer(*_no_bodies("parent"))
    ordering = POST_SORTS.get(sort, POST_SORTS[DEFAULT_POST_SORT])
    return Paginator(posts.order_by(*ordering), POSTS_PER_PAGE).get_page(page)


@dataclass(frozen=True)
class TagScore:
    name: str
    score: int
    posts: int


# An answer counts under its question's tags. Written in SQL because the join goes through
# "the question of this post", which the ORM cannot express as a join condition.
_TOP_TAGS_SQL = """
SELECT t.name, SUM(p.score) AS total, COUNT(*) AS n
FROM posts p
JOIN post_tags pt ON pt.post_id = CASE WHEN p.post_type = %s THEN p.parent_id ELSE p.id END
JOIN tags t ON t.id = pt.tag_id
WHERE p.owner_id = %s AND p.post_type IN (%s, %s) AND p.deletion_date IS NULL
GROUP BY t.name
ORDER BY total DESC, n DESC, t.name
LIMIT %s
"""


def top_tags(user: SiteUser, limit: int = TOP_TAGS) -> list[TagScore]:
    """The tags of the user's questions and answers by total score (1 query)."""
    with connections[active_site().db_alias].cursor() as cursor:
        cursor.execute(
            _TOP_TAGS_SQL,
            [PostType.ANSWER, user.id, PostType.QUESTION, PostType.ANSWER, limit],
        )
        return [TagScore(name, int(total), int(n)) for name, total, n in cursor.fetchall()]


@dataclass(frozen=True)
class BadgeSummary:
    """One badge as a user holds it: how many times, and when last awarded."""

    name: str
    badge_class: int
    tag_based: bool
    times: int
    last_awarded: datetime

    @property
    def class_name(self) -> str:
        return BadgeClass(self.badge_class).label.lower()


def user_badges(user: SiteUser) -> list[BadgeSummary]:
    """The user's badges, each once with its count, gold first (1 query)."""
    rows = (
        Badge.objects.filter(user_id=user.id)
        .values("name", "badge_class", "tag_based")
        .annotate(times=Count("id"), last=Max("date"))
        .order_by("badge_class", "-times", "name")
    )
    return [
        BadgeSummary(
            name=row["name"],
            badge_class=row["badge_class"],
            tag_based=row["tag_based"],
            times=row["times"],
            last_awarded=row["last"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ActivityItem:
    """One thing the user did: asked, answered, commented or earned a badge."""

    when: datetime
    kind: str  # "asked", "answered", "commented" or "badge"
    post: Post | None = None
    comment: Comment | None = None
    badge: Badge | None = None


def recent_activity(
    user: SiteUser, limit: int = ACTIVITY_ITEMS, with_badges: bool = True
) -> list[ActivityItem]:
    """The user's latest posts, comments and badges, newest first (3 queries, 2 without badges)."""
    items: list[ActivityItem] = []
    posts = (
        _live_posts_of(user)
        .filter(post_type__in=(PostType.QUESTION, PostType.ANSWER))
        .select_related("parent")
        .defer(*_no_bodies("", "parent"))
        .order_by("-creation_date", "-id")[:limit]
    )
    for post in posts:
        kind = "asked" if post.post_type == PostType.QUESTION else "answered"
        items.append(ActivityItem(when=post.creation_date, kind=kind, post=post))
    comments = (
        Comment.objects.filter(user_id=user.id, post__deletion_date__isnull=True)
        .select_related("post", "post__parent")
        .defer("text", *_no_bodies("post", "post__parent"))
        .order_by("-creation_date", "-id")[:limit]
    )
    items.extend(ActivityItem(when=c.creation_date, kind="commented", comment=c) for c in comments)
    if with_badges:
        badges = Badge.objects.filter(user_id=user.id).order_by("-date", "-id")[:limit]
        items.extend(ActivityItem(when=b.date, kind="badge", badge=b) for b in badges)
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]
