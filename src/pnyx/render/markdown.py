"""Rendering post bodies and comments.

Markdown is parsed by markdown-it-py and the HTML it gives is always passed through nh3, so that no
script, event handler or unknown tag from a body ever reaches a page. The same nh3 pass rewrites
links to the site's own origins (see `links`).
"""

from __future__ import annotations

from functools import lru_cache

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


def _sanitise(
    html: str, tags: set[str], attributes: dict[str, set[str]], context: LinkContext
) -> str:
    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return localise_href(value, context)
        return value

    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        attribute_filter=rewrite,
    )


def render_post(markdown: str, context: LinkContext | None = None) -> str:
    """Render a post body's Markdown to sanitised HTML."""
    html = _post_parser().render(markdown)
    return _sanitise(html, POST_TAGS, POST_ATTRIBUTES, context or LinkContext())


def render_comment_markup(text: str) -> str:
    """Render the comment subset to HTML, before sanitising (mentions are added in between)."""
    return _comment_parser().renderInline(text)


def sanitise_comment(html: str, context: LinkContext | None = None) -> str:
    return _sanitise(html, COMMENT_TAGS, COMMENT_ATTRIBUTES, context or LinkContext())


def sanitise_imported_html(html: str, context: LinkContext | None = None) -> str:
    """Clean HTML that came rendered from elsewhere (a dump's Posts.Body) with the post rules."""
    return _sanitise(html, POST_TAGS, POST_ATTRIBUTES, context or LinkContext())
