"""Template helpers: times as Stack Exchange shows them, and links to posts and users."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from pnyx.posts.models import Post, SiteUser
from pnyx.posts.slugs import slugify_name, slugify_title

register = template.Library()

UNITS = (
    (365 * 86400, "year"),
    (30 * 86400, "month"),
    (86400, "day"),
    (3600, "hour"),
    (60, "min"),
)


def relative_time(value: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or timezone.now()) - value).total_seconds())
    if seconds < 60:
        return "just now" if seconds >= 0 else "in the future"
    if 86400 <= seconds < 2 * 86400:
        return "yesterday"
    for size, unit in UNITS:
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


@register.simple_tag
def reltime(value: datetime | None) -> SafeString | str:
    """`<time>` with the relative time as text and the exact UTC time on hover."""
    if value is None:
        return ""
    exact = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, relative_time(value)
    )


@register.simple_tag
def question_url(post: Post) -> str:
    return reverse("question", args=[post.id, slugify_title(post.title) or "-"])


@register.simple_tag
def post_url(post: Post) -> str:
    """The question page for a question, the answer's anchor on it for an answer."""
    if post.parent_id is not None and post.parent is not None:
        return f"{question_url(post.parent)}#{post.id}"
    return question_url(post)


@register.simple_tag
def permalink(post: Post) -> str:
    """Stack Exchange's permalink: the question page for a question, `/questions/QID/slug/AID#AID`
    for an answer."""
    if post.parent_id is not None and post.parent is not None:
        slug = slugify_title(post.parent.title) or "-"
        path = reverse("answer_permalink", args=[post.parent.id, slug, post.id])
        return f"{path}#{post.id}"
    return question_url(post)


@register.filter
def signed(number: int) -> str:
    """A reputation change with its sign: +10, -2, +0."""
    return f"{number:+,}"


@register.simple_tag
def user_url(user: SiteUser) -> str:
    return reverse("user", args=[user.id, slugify_name(user.display_name)])


@register.filter
def split_tags(tags: str) -> list[str]:
    return tags.split() if tags else []


@register.filter
def get_comments(comments: dict[int, list[object]] | None, post: Post) -> list[object]:
    return (comments or {}).get(post.id, [])


@register.filter
def is_accepted(answer: Post, question: Post) -> bool:
    return question.accepted_answer_id is not None and question.accepted_answer_id == answer.id
