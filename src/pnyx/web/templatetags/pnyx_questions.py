"""Template helpers of the question lists, the question page and the revisions page."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pnyx.network.models import Site
from pnyx.posts.history import PostState
from pnyx.posts.licenses import License, license_for
from pnyx.posts.models import Comment, Post
from pnyx.posts.selectors import BadgeCounts, Thread
from pnyx.render.diff import SideBySideRow, TagChange, inline_diff, side_by_side, tag_diff
from pnyx.render.links import localise_href
from pnyx.sites.paths import link_context

register = template.Library()

EXCERPT_LENGTH = 200
# A tag, or the start of one cut off at the end of a truncated body.
TAG_RE = re.compile(r"<[^>]*(?:>|$)")
SPACE_RE = re.compile(r"\s+")


def plain_excerpt(body_html: str | None, length: int = EXCERPT_LENGTH) -> str:
    """The text of a body's HTML, cut at a word near `length` characters."""
    text = SPACE_RE.sub(" ", html.unescape(TAG_RE.sub(" ", body_html or ""))).strip()
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return f"{cut}…"


@register.filter
def excerpt(body_html: str | None) -> str:
    return plain_excerpt(body_html)


@register.simple_tag
def post_license(post: Post) -> License:
    return license_for(post.content_license, post.creation_date, post.last_edit_date)


@register.filter
def badges_of(badges: dict[int, BadgeCounts], user_id: int | None) -> BadgeCounts:
    return badges.get(user_id, BadgeCounts()) if user_id is not None else BadgeCounts()


@register.simple_tag
def diff_inline(old: str | None, new: str) -> SafeString:
    return inline_diff(old or "", new)


@register.simple_tag
def diff_side_by_side(old: str | None, new: str) -> list[SideBySideRow]:
    return side_by_side(old or "", new)


@register.simple_tag
def diff_tags(old: str | None, new: str) -> list[TagChange]:
    return tag_diff(old, new)


@register.simple_tag
def exact_time(value: datetime | None) -> SafeString | str:
    """`<time>` with the date and time written out, for notices and revisions."""
    if value is None:
        return ""
    return format_html(
        '<time datetime="{}">{}</time>',
        value.isoformat(),
        value.astimezone(UTC).strftime("%b %-d, %Y at %H:%M"),
    )


@register.filter
def lookup(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def state_of(thread: Thread, post: Post) -> PostState:
    return thread.state_of(post)


@register.filter
def shown_comments(thread: Thread, post: Post) -> list[Comment]:
    return thread.comments_for(post)


@register.filter
def hidden_comments(thread: Thread, post: Post) -> int:
    return thread.hidden_comment_count(post)


@register.filter
def on_site(url: str | None, site: Site | None) -> str:
    """A link to the site's own public origin, as a path inside Pnyx; other links unchanged."""
    if not url or site is None:
        return url or ""
    return localise_href(url, link_context(site))
