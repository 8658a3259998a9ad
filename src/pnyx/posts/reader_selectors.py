"""What a page shows that is the reader's own: their votes, bookmarks and comment votes.

Kept apart from the thread itself, which is the same for everyone and can be cached; this is
read on every request of a signed-in reader, in one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connections

from pnyx.posts.models import VoteType
from pnyx.sites.context import active_site


@dataclass
class ReaderState:
    """The reader's vote (`up`/`down`) per post, bookmarked posts, and up-voted comments."""

    votes: dict[int, str] = field(default_factory=dict)
    bookmarks: set[int] = field(default_factory=set)
    comment_votes: set[int] = field(default_factory=set)

    def vote_on(self, post_id: int) -> str | None:
        return self.votes.get(post_id)


NO_READER = ReaderState()


def reader_state(user_id: int | None, post_ids: list[int]) -> ReaderState:
    """The reader's votes and bookmarks on `post_ids` and their votes on those posts' comments
    (1 query, none for an anonymous reader)."""
    if user_id is None or not post_ids:
        return ReaderState()
    marks = ", ".join(["%s"] * len(post_ids))
    sql = (
        f"SELECT post_id, vote_type FROM votes WHERE user_id = %s AND post_id IN ({marks}) "
        f"AND vote_type IN ({VoteType.UP}, {VoteType.DOWN}, {VoteType.FAVORITE}) "
        "UNION ALL "
        "SELECT cv.comment_id, -1 FROM comment_votes cv JOIN comments c ON c.id = cv.comment_id "
        f"WHERE cv.user_id = %s AND c.post_id IN ({marks})"
    )
    state = ReaderState()
    with connections[active_site().db_alias].cursor() as cursor:
        cursor.execute(sql, [user_id, *post_ids, user_id, *post_ids])
        for target, kind in cursor.fetchall():
            if kind == VoteType.UP:
                state.votes[target] = "up"
            elif kind == VoteType.DOWN:
                state.votes[target] = "down"
            elif kind == VoteType.FAVORITE:
                state.bookmarks.add(target)
            else:
                state.comment_votes.add(target)
    return state
