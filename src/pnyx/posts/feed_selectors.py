"""Reads for the Atom feeds: each feed's entries in one query (plus the object the feed is about)."""

from __future__ import annotations

from django.db.models import QuerySet

from pnyx.posts.models import Post, PostTag, PostType, SiteUser, Tag

FEED_ENTRIES = 30


def _live_questions() -> QuerySet[Post]:
    return Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)


def newest_questions(tag: Tag | None = None, limit: int = FEED_ENTRIES) -> list[Post]:
    """The site's newest questions, or those under `tag`, with their askers (1 query)."""
    questions = _live_questions()
    if tag is not None:
        questions = questions.filter(id__in=PostTag.objects.filter(tag_id=tag.id).values("post_id"))
    return list(questions.select_related("owner").order_by("-creation_date", "-id")[:limit])


def live_question(question_id: int) -> Post | None:
    return _live_questions().filter(pk=question_id).select_related("owner").first()


def question_and_answers(question: Post, limit: int = FEED_ENTRIES) -> list[Post]:
    """The question, then its live answers oldest first, each answer knowing its question (1 query)."""
    answers = list(
        Post.objects.filter(
            parent_id=question.id, post_type=PostType.ANSWER, deletion_date__isnull=True
        )
        .select_related("owner")
        .order_by("creation_date", "id")[: limit - 1]
    )
    for answer in answers:
        answer.parent = question
    return [question, *answers]


def user_posts(user: SiteUser, limit: int = FEED_ENTRIES) -> list[Post]:
    """The user's newest live questions and answers, answers with their questions (1 query)."""
    posts = list(
        Post.objects.filter(
            owner_id=user.id,
            deletion_date__isnull=True,
            post_type__in=(PostType.QUESTION, PostType.ANSWER),
        )
        .select_related("parent")
        .order_by("-creation_date", "-id")[:limit]
    )
    for post in posts:
        post.owner = user
    return posts
