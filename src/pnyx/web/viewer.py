"""The reader of a page, and what they may do with each post on it.

The page's content is the same for everyone; what changes per reader is the state of their votes
and bookmarks and which buttons they get. The rules themselves are the domain's
(`pnyx.posts.privileges`); this only asks them, so that a page never offers what the action
would refuse (and the action still refuses it if a stale page does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pnyx.network.models import Site
from pnyx.posts import privileges
from pnyx.posts.models import Comment, Post, PostType, SiteUser
from pnyx.posts.reader_selectors import ReaderState


@dataclass
class Viewer:
    site: Site
    user: SiteUser | None
    signed_in: bool = False
    state: ReaderState = field(default_factory=ReaderState)
    question_owner_id: int | None = None

    @cached_property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None

    def has(self, key: str) -> bool:
        """Whether the reader has the privilege (asked once per request and privilege)."""
        known = self._privileges.get(key)
        if known is None:
            known = self._privileges[key] = privileges.has_privilege(self.user, key, self.site)
        return known

    def __post_init__(self) -> None:
        self._privileges: dict[str, bool] = {}

    def owns(self, post: Post) -> bool:
        return self.user is not None and post.owner_id == self.user.pk

    def vote_on(self, post: Post) -> str | None:
        return self.state.vote_on(post.pk)

    def can_edit(self, post: Post) -> bool:
        if self.user is None:
            return False
        if self.owns(post):
            return True
        if post.community_owned_date is not None:
            return self.has(privileges.EDIT_COMMUNITY_WIKI)
        return self.has(privileges.EDIT_FREELY)

    def can_delete(self, post: Post) -> bool:
        return self.user is not None and (self.owns(post) or self.has(privileges.TRUSTED_USER))

    def can_comment(self, post: Post) -> bool:
        if self.user is None:
            return self.signed_in  # joining on the first comment: the action decides
        if self.owns(post):
            return True
        if post.post_type == PostType.ANSWER and self.question_owner_id == self.user.pk:
            return True
        return self.has(privileges.COMMENT_EVERYWHERE)

    def can_accept(self) -> bool:
        return self.user is not None and self.question_owner_id == self.user.pk

    def bookmarked(self, post: Post) -> bool:
        return post.pk in self.state.bookmarks

    def comment_voted(self, comment: Comment) -> bool:
        return comment.pk in self.state.comment_votes

    def owns_comment(self, comment: Comment) -> bool:
        return self.user is not None and comment.user_id == self.user.pk
