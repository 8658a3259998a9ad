"""Reads for the tag pages: the tag list and a tag's info page, in a fixed number of queries.

A tag's top askers and answerers are ranked by the total score of their posts under the tag, as
Stack Exchange ranks its "top users" of a tag; each ranking is one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Sum

from pnyx.posts.models import PostTag, PostType, SiteUser, Tag
from pnyx.posts.rules import is_tag_name

TAG_SORTS: dict[str, tuple[str, ...]] = {
    "popular": ("-count", "name"),
    "name": ("name",),
    # Tags carry no creation date; ids grow as tags are created, in a dump as in Pnyx.
    "new": ("-id",),
}
DEFAULT_TAG_SORT = "popular"
TAGS_PER_PAGE = 36
TOP_USERS = 10


def tag_list_page(
    sort: str = DEFAULT_TAG_SORT,
    page: int = 1,
    name_filter: str = "",
    per_page: int = TAGS_PER_PAGE,
) -> Page:  # type: ignore[type-arg]
    """One page of tags with their excerpts (2 queries: the count and the rows)."""
    ordering = TAG_SORTS.get(sort, TAG_SORTS[DEFAULT_TAG_SORT])
    tags = Tag.objects.select_related("excerpt_post")
    if name_filter:
        tags = tags.filter(name__icontains=name_filter)
    return Paginator(tags.order_by(*ordering), per_page).get_page(page)


@dataclass
class TagInfo:
    """Everything the tag info page shows."""

    tag: Tag
    top_askers: list[SiteUser]
    top_answerers: list[SiteUser]

    @property
    def excerpt_html(self) -> str:
        post = self.tag.excerpt_post
        return post.body_html if post is not None and post.deletion_date is None else ""

    @property
    def wiki_html(self) -> str:
        post = self.tag.wiki_post
        return post.body_html if post is not None and post.deletion_date is None else ""


def get_tag(name: str) -> Tag | None:
    """The tag called `name` with its excerpt and wiki; None, without a query, for a name no tag
    can have (so odd characters in a URL are a 404, not a lookup)."""
    if not is_tag_name(name):
        return None
    return Tag.objects.filter(name=name).select_related("excerpt_post", "wiki_post").first()


def _tagged_question_ids(tag: Tag) -> QuerySet[PostTag, Any]:
    return PostTag.objects.filter(tag_id=tag.id).values("post_id")


def _ranked(users: QuerySet[SiteUser], limit: int) -> list[SiteUser]:
    """Users annotated with `tag_score` and `tag_posts`, best first; ties by post count, then id."""
    return list(
        users.defer("about_me")
        .annotate(tag_score=Sum("posts__score"), tag_posts=Count("posts"))
        .order_by("-tag_score", "-tag_posts", "id")[:limit]
    )


def top_askers(tag: Tag, limit: int = TOP_USERS) -> list[SiteUser]:
    """The users whose questions under `tag` score highest in total (1 query)."""
    return _ranked(
        SiteUser.objects.filter(
            Q(posts__post_type=PostType.QUESTION)
            & Q(posts__deletion_date__isnull=True)
            & Q(posts__id__in=_tagged_question_ids(tag))
        ),
        limit,
    )


def top_answerers(tag: Tag, limit: int = TOP_USERS) -> list[SiteUser]:
    """The users whose answers to questions under `tag` score highest in total (1 query)."""
    return _ranked(
        SiteUser.objects.filter(
            Q(posts__post_type=PostType.ANSWER)
            & Q(posts__deletion_date__isnull=True)
            & Q(posts__parent_id__in=_tagged_question_ids(tag))
        ),
        limit,
    )


def tag_info(tag: Tag) -> TagInfo:
    """The tag's top askers and answerers (2 queries; the tag comes from `get_tag`)."""
    return TagInfo(tag=tag, top_askers=top_askers(tag), top_answerers=top_answerers(tag))
