"""Template filters that ask the page's `Viewer` about one post or comment."""

from __future__ import annotations

from django import template

from pnyx.posts.models import Comment, Post
from pnyx.web.viewer import Viewer

register = template.Library()


@register.filter
def vote_on(viewer: Viewer | None, post: Post) -> str | None:
    return viewer.vote_on(post) if viewer else None


@register.filter
def can_edit(viewer: Viewer | None, post: Post) -> bool:
    return bool(viewer and viewer.can_edit(post))


@register.filter
def can_delete(viewer: Viewer | None, post: Post) -> bool:
    return bool(viewer and viewer.can_delete(post))


@register.filter
def can_comment(viewer: Viewer | None, post: Post) -> bool:
    return bool(viewer and viewer.can_comment(post))


@register.filter
def bookmarked(viewer: Viewer | None, post: Post) -> bool:
    return bool(viewer and viewer.bookmarked(post))


@register.filter
def comment_voted(viewer: Viewer | None, comment: Comment) -> bool:
    return bool(viewer and viewer.comment_voted(comment))


@register.filter
def owns_comment(viewer: Viewer | None, comment: Comment) -> bool:
    return bool(viewer and viewer.owns_comment(comment))


@register.simple_tag(takes_context=True)
def login_url(context: template.Context) -> str:
    """The log-in page, coming back to this page afterwards."""
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    try:
        base = reverse("account_login")
    except NoReverseMatch:
        base = "/users/login"
    request = context.get("request")
    back = request.get_full_path() if request is not None else ""
    return base + (f"?{urlencode({'next': back})}" if back else "")


@register.filter
def comment_reputation(site: object) -> int:
    from pnyx.posts import privileges

    return privileges.reputation_needed(privileges.COMMENT_EVERYWHERE, site)  # type: ignore[arg-type]
