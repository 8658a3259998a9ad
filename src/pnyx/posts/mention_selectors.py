"""Who a comment's `@name` can reach: the post's author and its earlier commenters.

One function for the comment action (which resolves mentions against it when the comment is
written) and for the comment form's autocomplete (which offers exactly those people).
"""

from __future__ import annotations

from datetime import datetime

from pnyx.network.models import Site
from pnyx.posts.models import Comment, Post, SiteUser
from pnyx.render.mentions import Participant, conversation


def _participant(user: SiteUser) -> Participant:
    return Participant(user_id=user.id, display_name=user.display_name)


def thread_participants(
    post: Post, *, site: Site, until: datetime | None = None
) -> list[Participant]:
    """The people a new comment on `post` can name, in mention priority (2 queries)."""
    earlier = Comment.objects.using(site.db_alias).filter(post_id=post.pk, user__isnull=False)
    if until is not None:
        earlier = earlier.filter(creation_date__lte=until)
    commenters = [
        _participant(c.user)
        for c in earlier.select_related("user")
        .only("id", "creation_date", "user__id", "user__display_name")
        .order_by("creation_date", "id")
        if c.user is not None
    ]
    owner = (
        SiteUser.objects.using(site.db_alias)
        .filter(pk=post.owner_id)
        .only("id", "display_name")
        .first()
        if post.owner_id is not None
        else None
    )
    return conversation(_participant(owner) if owner else None, commenters)
