"""Rendering post bodies and comments.

Markdown is parsed by markdown-it-py and the HTML it gives is always passed through nh3, so that no
script, event handler or unknown tag from a body ever reaches a page. The same nh3 pass rewrites
links to the site's own origins (see `links`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import nh3
from markdown_it import MarkdownIt

from pnyx.render.links import LinkContext, localise_href

# Stack Exchange's allow-list for posts (meta.stackexchange.com/q/1777, "What HTML tags are
# allowed on Stack Exchange sites?"), plus the table elements that its Markdown has made since
# 2020. Nothing else: no class, id or style of a person's choosing, no div, span or details.
# tests/render/test_allow_list.py pins it.
POST_TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strike", "strong", "sub",
    "sup", "ul",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "width", "height", "alt", "title"},
    "ol": {"start"},
    # A table column's alignment, which Markdown writes as `style="text-align:right"` (and the
    # dumps' HTML as `text-align: right;`). Only that property is kept, and it is stored as
    # `align="right"`, since the Content-Security-Policy refuses style attributes.
    "th": {"style"},
    "td": {"style"},
}
STYLE_PROPERTIES = {"text-align"}
COMMENT_TAGS = {"a", "b", "strong", "em", "i", "code", "del", "s", "strike"}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}}
# The one class a comment carries: Pnyx's own `@name` links.
COMMENT_CLASSES = {"a": {"mention"}}
# Links may go to the web, FTP and e-mail; images come from the web only. Relative URLs stay.
URL_SCHEMES = {"http", "https", "ftp", "mailto"}
IMAGE_SCHEMES = ("http:", "https:")
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
        if tag == "img" and attribute == "src" and not _web_or_relative(value):
            return None
        return value

    return nh3.Cleaner(
        tags=tags,
        # An empty "*" entry: ammonia would otherwise allow `lang` and `title` on every element.
        attributes={"*": set(), **attributes},
        allowed_classes=COMMENT_CLASSES if rules == "comment" else None,
        filter_style_properties=STYLE_PROPERTIES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener",
        attribute_filter=rewrite,
    )


def _web_or_relative(url: str) -> bool:
    """Whether an image URL is http(s) or relative (no scheme before the first `/`, `?`, `#`)."""
    head = url.lstrip().lower()
    if head.startswith(IMAGE_SCHEMES):
        return True
    return ":" not in head.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


# A cell's style as nh3 writes it once every property but text-align is filtered out. A text
# cannot hold `<td` (html5ever escapes `<` in text), so this matches attributes only.
_CELL_STYLE = re.compile(r'<(t[hd]) style="(?:text-align:(left|right|center))?"')


def _cell_alignment(html: str) -> str:
    if "<t" not in html:
        return html
    return _CELL_STYLE.sub(lambda m: f'<{m[1]} align="{m[2]}"' if m[2] else f"<{m[1]}", html)


def render_post(markdown: str, context: LinkContext | None = None) -> str:
    """Render a post body's Markdown to sanitised HTML."""
    html = _post_parser().render(markdown)
    return _cell_alignment(_cleaner("post", context or LinkContext()).clean(html))


def render_comment_markup(text: str) -> str:
    """Render the comment subset to HTML, before sanitising (mentions are added in between)."""
    return _comment_parser().renderInline(text)


def sanitise_comment(html: str, context: LinkContext | None = None) -> str:
    """Clean a comment's HTML with the comment rules (inline markup and links only)."""
    return _cleaner("comment", context or LinkContext()).clean(html)


def sanitise_imported_html(html: str, context: LinkContext | None = None) -> str:
    """Clean HTML that came rendered from elsewhere (a dump's Posts.Body) with the post rules."""
    return _cell_alignment(_cleaner("post", context or LinkContext()).clean(html))
