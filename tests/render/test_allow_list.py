"""The sanitiser keeps Stack Exchange's allow-list and nothing more, in posts and in comments."""

from __future__ import annotations

import re

import pytest

from pnyx.render.comments import render_comment_markdown
from pnyx.render.markdown import (
    COMMENT_ATTRIBUTES,
    COMMENT_TAGS,
    POST_ATTRIBUTES,
    POST_TAGS,
    render_post,
    sanitise_comment,
    sanitise_imported_html,
)

# meta.stackexchange.com/q/1777, plus the table elements of Stack Exchange's Markdown.
SE_POST_TAGS = {
    "a", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strike", "strong", "sub",
    "sup", "ul", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
SE_POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "width", "height", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
SE_COMMENT_TAGS = {"a", "b", "strong", "em", "i", "code", "del", "s", "strike"}
SE_COMMENT_ATTRIBUTES = {"a": {"href", "title"}}


def test_the_lists_are_stack_exchanges() -> None:
    assert POST_TAGS == SE_POST_TAGS
    assert POST_ATTRIBUTES == SE_POST_ATTRIBUTES
    assert COMMENT_TAGS == SE_COMMENT_TAGS
    assert COMMENT_ATTRIBUTES == SE_COMMENT_ATTRIBUTES


def tags_in(html: str) -> set[str]:
    return {name.lower() for name in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html)}


def attributes_in(html: str) -> set[tuple[str, str]]:
    found = set()
    for tag, rest in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", html):
        for name in re.findall(r"\s([a-zA-Z-]+)=", rest):
            found.add((tag.lower(), name.lower()))
    return found


# Every element and attribute a person might try, each once, with a harmless child.
OTHER_TAGS = (  # noqa: SIM905
    "div span details summary abbr table section article aside nav header footer main figure "
    "figcaption mark ins small big font center u q cite dfn var samp tt address label button "
    "input select option textarea form fieldset legend iframe frame frameset object embed "
    "applet video audio source track canvas svg math style script noscript template slot link "
    "meta base title marquee blink picture map area caption col colgroup tfoot bdo bdi ruby rt "
    "rp wbr dialog menu output progress meter data time"
).split()


@pytest.mark.parametrize("render", [render_post, sanitise_imported_html])
def test_a_post_keeps_only_allowed_tags_and_attributes(render) -> None:  # type: ignore[no-untyped-def]
    body = "\n\n".join(
        f'<{tag} id="i" class="c" style="color:red" data-x="1" lang="en">text</{tag}>'
        for tag in sorted(SE_POST_TAGS | set(OTHER_TAGS))
    )
    html = render(body)
    assert tags_in(html) <= SE_POST_TAGS | {"tbody"}
    allowed = {(tag, name) for tag, names in SE_POST_ATTRIBUTES.items() for name in names}
    assert attributes_in(html) <= allowed | {("a", "rel")}
    # What is allowed is kept.
    for tag in ("b", "blockquote", "code", "del", "dl", "h4", "h6", "kbd", "pre", "sub", "sup"):
        assert f"<{tag}>" in html, tag


def test_a_comment_keeps_only_inline_markup() -> None:
    html = sanitise_comment(
        '<p><b>b</b> <img src="https://e.org/x.png"> <h1>h</h1> <a href="https://e.org" '
        'class="mention" id="x" onclick="f()">l</a> <a class="other" href="/">m</a></p>'
    )
    assert tags_in(html) == {"b", "a"}
    assert attributes_in(html) <= {("a", "href"), ("a", "class"), ("a", "rel"), ("a", "title")}
    assert 'class="mention"' in html and 'class="other"' not in html


def test_comment_markdown_stays_in_the_subset() -> None:
    html = render_comment_markdown(
        "**b** _i_ `c` [l](https://e.org) ~~s~~ <img src=x onerror=f()> # not a heading",
        [],
        lambda p: "/u",
    )
    assert tags_in(html) <= COMMENT_TAGS
    assert "<img" not in html


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.org/a", True),
        ("http://example.org/a", True),
        ("ftp://example.org/a", True),
        ("mailto:someone@example.org", True),
        ("/questions/1", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("vbscript:msgbox(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("file:///etc/passwd", False),
        ("tel:123", False),
    ],
)
def test_link_schemes(href: str, kept: bool) -> None:
    html = sanitise_imported_html(f'<a href="{href}">x</a>')
    assert ("href=" in html) is kept, html


@pytest.mark.parametrize(
    ("src", "kept"),
    [
        ("https://i.example.org/a.png", True),
        ("http://i.example.org/a.png", True),
        ("/images/a.png", True),
        ("a.png", True),
        ("ftp://example.org/a.png", False),
        ("mailto:a@example.org", False),
        ("data:image/svg+xml,<svg onload=alert(1)>", False),
        ("javascript:alert(1)", False),
    ],
)
def test_image_schemes(src: str, kept: bool) -> None:
    html = render_post(f"![alt]({src})")
    assert ("src=" in html) is kept, html


def test_only_text_alignment_survives_in_a_table_cell() -> None:
    html = sanitise_imported_html(
        '<table><tr><td style="text-align: right; position: fixed; top: 0">1</td>'
        '<td style="color: red">2</td><th style="text-align:center">3</th></tr></table>'
    )
    # As an attribute the Content-Security-Policy allows: it refuses every style attribute.
    assert '<td align="right">1</td><td>2</td><th align="center">3</th>' in html
    assert "style" not in html and "position" not in html
    markdown = render_post("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
    assert '<th align="left">a</th>' in markdown and '<td align="right">3</td>' in markdown
    assert "style" not in markdown


def test_alignment_is_rewritten_in_tags_only() -> None:
    html = render_post('Text: <td style="text-align:right"> and `<th style="">`')
    assert "align=" not in html
