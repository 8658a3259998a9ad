"""Reads for the Atom feeds: each feed's entries in one query (plus the object the feed is about)."""

from __future__ import annotations

from pnyx.posts.models import Post, PostTag, PostType, SiteUser, Tag
from pnyx.posts.querysets import live_questions

FEED_ENTRIES = 30


def newest_questions(tag: Tag | None = None, limit: int = FEED_ENTRIES) -> list[Post]:
    """The site's newest questions, or those under `tag`, with their askers (1 query)."""
    questions = live_questions()
    if tag is not None:
        questions = questions.filter(id__in=PostTag.objects.filter(tag_id=tag.id).values("post_id"))
    return list(questions.select_related("owner").order_by("-creation_date", "-id")[:limit])


def live_question(question_id: int) -> Post | None:
    return live_questions().filter(pk=question_id).select_related("owner").first()


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
