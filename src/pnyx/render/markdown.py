"""Rendering post bodies and comments.

Markdown is parsed by markdown-it-py and the HTML it gives is always passed through nh3, so that no
script, event handler or unknown tag from a body ever reaches a page. The same nh3 pass rewrites
links to the site's own origins (see `links`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import nh3
from markdown_it import MarkdownIt

from pnyx.render.links import LinkContext, localise_href

POST_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "style"},
    "th": {"align", "style"},
    "ol": {"start"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
}
COMMENT_TAGS = {"a", "b", "strong", "em", "i", "code", "del", "s", "strike"}
COMMENT_ATTRIBUTES = {"a": {"href", "title", "class"}}
URL_SCHEMES = {"http", "https", "mailto"}
RULES = {"post": (POST_TAGS, POST_ATTRIBUTES), "comment": (COMMENT_TAGS, COMMENT_ATTRIBUTES)}


@lru_cache(maxsize=1)
def _post_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": True, "typographer": False}).enable(
        ["table", "strikethrough", "linkify"]
    )


@lru_cache(maxsize=1)
def _comment_parser() -> MarkdownIt:
    # Stack Exchange comments know bold, italics, code, links and bare URLs, on one line.
    parser = MarkdownIt("zero", {"linkify": True}).enable(
        [
            "emphasis",
            "backticks",
            "link",
            "autolink",
            "linkify",
            "strikethrough",
            "escape",
            "entity",
        ]
    )
    return parser


@lru_cache(maxsize=64)
def _cleaner(rules: Literal["post", "comment"], context: LinkContext) -> nh3.Cleaner:
    """The nh3 cleaner for post or comment `rules` on the site `context` describes.

    Building one sets up ammonia's whole rule set, which costs more than cleaning a typical
    body, so each is built once and kept: a process renders for a handful of sites at most.
    """
    tags, attributes = RULES[rules]

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return localise_href(value, context)
        return value

    return nh3.Cleaner(
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        attribute_filter=rewrite,
    )


def render_post(markdown: str, context: LinkContext | None = None) -> str:
    """Render a post body's Markdown to sanitised HTML."""
    html = _post_parser().render(markdown)
    return _cleaner("post", context or LinkContext()).clean(html)


def render_comment_markup(text: str) -> str:
    """Render the comment subset to HTML, before sanitising (mentions are added in between)."""
    return _comment_parser().renderInline(text)


def sanitise_comment(html: str, context: LinkContext | None = None) -> str:
    """Clean a comment's HTML with the comment rules (inline markup and links only)."""
    return _cleaner("comment", context or LinkContext()).clean(html)


def sanitise_imported_html(html: str, context: LinkContext | None = None) -> str:
    """Clean HTML that came rendered from elsewhere (a dump's Posts.Body) with the post rules."""
    return _cleaner("post", context or LinkContext()).clean(html)
