"""Rendering imported comments fast without rendering them differently.

Most comments are plain sentences, which render to themselves (`pnyx.render.comments.is_plain`
says which and why), so they are stored as is; every other comment goes through
`render_comment`, which renders the common Markdown (emphasis, code spans, URLs, links) without
markdown-it too (`pnyx.render.comment_subset`). That all of these agree with markdown-it is
checked on the beer dump and on random texts (tests/dumps/test_comment_html.py). A dump has about as many comments as posts, and rendering
one costs about 100 times as much as reading it, so this halves the import's time for comments.
"""

from __future__ import annotations

from pnyx.render.comments import NOT_PLAIN, is_plain, render_comment
from pnyx.render.links import LinkContext
from pnyx.render.mentions import Participant

__all__ = ["NOT_PLAIN", "is_plain", "render_without_replies"]


def render_without_replies(text: str, context: LinkContext) -> str:
    """The HTML of a comment that names no one with `@` (or whose replies are resolved later)."""
    if NOT_PLAIN.search(text) is None:
        return text
    return render_comment(text, (), _no_user_url, context)


def _no_user_url(participant: Participant) -> str:  # pragma: no cover - no participants
    raise AssertionError("a comment rendered without participants links no user")
