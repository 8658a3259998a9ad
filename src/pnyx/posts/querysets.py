"""The querysets every read starts from, defined once."""

from __future__ import annotations

from django.db.models import QuerySet

from pnyx.posts.models import Post, PostType


def live_questions() -> QuerySet[Post]:
    """Questions that are not deleted: what lists, feeds and sitemaps show."""
    return Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
