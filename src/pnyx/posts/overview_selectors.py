"""What the network home shows of one site: how many questions it has and which are most active."""

from __future__ import annotations

from dataclasses import dataclass

from pnyx.posts.models import Post, PostType

ACTIVE_QUESTIONS = 3


@dataclass
class SiteOverview:
    question_count: int
    active_questions: list[Post]


def site_overview(limit: int = ACTIVE_QUESTIONS) -> SiteOverview:
    """The active site's live question count and its most recently active questions (2 queries)."""
    questions = Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
    return SiteOverview(
        question_count=questions.count(),
        active_questions=list(questions.order_by("-last_activity_date", "-id")[:limit]),
    )
