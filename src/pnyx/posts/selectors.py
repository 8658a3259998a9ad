"""Reads that pages need, each in a fixed number of queries whatever the size of the thread or list.

Every selector works on the active site. The query count of each is pinned by a test, so a change
that adds a query per answer or per comment fails at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from pnyx.posts.models import Comment, LinkType, Post, PostLink, PostTag, PostType, SiteUser, Tag

QUESTION_SORTS = {
    "active": ("-last_activity_date", "-id"),
    "newest": ("-creation_date", "-id"),
    "score": ("-score", "-id"),
    "votes": ("-score", "-id"),
}
DEFAULT_SORT = "active"
PAGE_SIZES = (15, 30, 50)
DEFAULT_PAGE_SIZE = 15


def live_questions() -> QuerySet[Post]:
    return Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)


def question_list_page(
    sort: str = DEFAULT_SORT,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    tags: list[str] | None = None,
) -> Page:  # type: ignore[type-arg]
    """One page of questions (2 queries: the count and the rows with their askers)."""
    ordering = QUESTION_SORTS.get(sort, QUESTION_SORTS[DEFAULT_SORT])
    questions = live_questions()
    for tag in tags or []:
        questions = questions.filter(id__in=PostTag.objects.filter(tag__name=tag).values("post_id"))
    questions = questions.select_related("owner").order_by(*ordering)
    paginator = Paginator(questions, page_size)
    return paginator.get_page(page)


@dataclass
class Thread:
    """Everything the question page shows."""

    question: Post
    answers: list[Post]
    comments: dict[int, list[Comment]]
    linked: list[Post] = field(default_factory=list)
    duplicate_of: list[Post] = field(default_factory=list)

    def comments_for(self, post: Post) -> list[Comment]:
        return self.comments.get(post.id, [])


def get_question(question_id: int) -> Post | None:
    return (
        Post.objects.filter(pk=question_id, post_type=PostType.QUESTION)
        .select_related("owner", "last_editor")
        .first()
    )


def answer_order(question: Post, answers: list[Post]) -> list[Post]:
    """Accepted answer first, then by score, then oldest first, as Stack Exchange shows them."""
    accepted = question.accepted_answer_id
    return sorted(answers, key=lambda a: (a.id != accepted, -a.score, a.creation_date, a.id))


def question_thread(question: Post) -> Thread:
    """The answers, comments and linked questions of `question` (3 queries)."""
    answers = list(
        Post.objects.filter(
            parent_id=question.id, post_type=PostType.ANSWER, deletion_date__isnull=True
        ).select_related("owner", "last_editor")
    )
    post_ids = [question.id, *(a.id for a in answers)]
    comments: dict[int, list[Comment]] = defaultdict(list)
    for comment in (
        Comment.objects.filter(post_id__in=post_ids)
        .select_related("user")
        .order_by("creation_date", "id")
    ):
        comments[comment.post_id].append(comment)
    thread = Thread(
        question=question, answers=answer_order(question, answers), comments=dict(comments)
    )
    links = PostLink.objects.filter(
        Q(post_id=question.id) | Q(related_post_id=question.id)
    ).select_related("post", "related_post")
    seen: set[int] = set()
    for link in links:
        if link.link_type == LinkType.DUPLICATE and link.post_id == question.id:
            thread.duplicate_of.append(link.related_post)
        other = link.related_post if link.post_id == question.id else link.post
        if (
            other.post_type == PostType.QUESTION
            and other.id not in seen
            and other.id != question.id
        ):
            seen.add(other.id)
            thread.linked.append(other)
    return thread


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
