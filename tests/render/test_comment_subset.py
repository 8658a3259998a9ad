"""The comment subset path writes what markdown-it and nh3 write, piece by piece.

`render_subset` builds nh3's output itself: these check its escaping against nh3 for every
character it lets through, its URLs against linkify-it and markdown-it's URL normalising, and a
list of known traps against the markdown-it path. tests/dumps/test_comment_html.py compares
whole texts, random and from the beer dump.
"""

from __future__ import annotations

import html
import random
import re

import pytest
from markdown_it.common.utils import escapeHtml

from pnyx.render.comment_subset import (
    _URL,
    NOT_PRINTABLE,
    escape_attribute,
    escape_text,
    mention_link,
    render_subset,
)
from pnyx.render.comments import render_comment, render_comment_markdown
from pnyx.render.links import LinkContext
from pnyx.render.markdown import _comment_parser, sanitise_comment
from pnyx.render.mentions import Participant

CONTEXT = LinkContext(url_prefix="/beer", origins=("https://beer.stackexchange.com",))
# Every character `render_subset` accepts (the printable ones and the line break).
ACCEPTED = [chr(code) for code in range(0x10000) if not NOT_PRINTABLE.match(chr(code))] + ["\n"]


def _chunks(characters: list[str], size: int = 400) -> list[str]:
    return ["".join(characters[i : i + size]) for i in range(0, len(characters), size)]


def test_text_is_escaped_as_nh3_serialises_it() -> None:
    for chunk in _chunks(ACCEPTED):
        assert sanitise_comment(escapeHtml(chunk), CONTEXT) == escape_text(chunk)


def test_attribute_values_are_escaped_as_nh3_serialises_them() -> None:
    for chunk in _chunks([c for c in ACCEPTED if c != "\n"]):
        cleaned = sanitise_comment(f'<a title="{html.escape(chunk)}">x</a>', CONTEXT)
        assert cleaned == f'<a title="{escape_attribute(chunk)}" rel="nofollow noopener">x</a>'


def _random_url(rng: random.Random) -> str:
    """A URL of the accepted shape, with the pieces that make linkify-it and mdurl differ."""

    def label() -> str:
        return rng.choice(["x", "en", "a-b", "a--b", "w3", "0", "1a", "beer", "stackexchange"])

    host = ".".join(label() for _ in range(rng.randint(1, 3)))
    host += "." + rng.choice(["org", "com", "de", "io", "a1", "x-y", "beer"])
    if rng.random() < 0.2:
        host = rng.choice(["beer.stackexchange.com", "www.example.org"])
    path = ""
    if rng.random() < 0.8:
        pieces = [*"aZ09_~+=&#/-", "/", "/", ".x", "?q", "?a=1&b=2", "(x)", "(a.b)", "()", "#f"]
        pieces += ["questions", "q", "users", "History_of_beer", ".html"]
        path = "/" + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
    return rng.choice(["http", "https"]) + "://" + host + path


# What may follow an accepted URL: where linkify-it stops.
ENDINGS = ["", " x", "\nx", ")", ")x", ").", ".", ". x", ",", "!", "?", ";", '"', "'", "' x"]


def test_accepted_urls_are_what_linkify_it_takes_and_markdown_it_keeps() -> None:
    parser = _comment_parser()
    rng = random.Random(11)
    for _ in range(3000):
        url = _random_url(rng)
        if "xn--" in url:
            continue
        assert _URL.fullmatch(url), url
        assert parser.normalizeLink(url) == url
        assert parser.normalizeLinkText(url) == url
        for ending in ENDINGS:
            found = parser.linkify.match_at_start(url + ending)
            assert found is not None and found.url == url, (url, ending)


@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("Doni doni. **fora**", True),
        ("*how* various", True),
        ('`zo` and ` a ` and `  ` and `<&>"` and `*a*`', True),
        ("**doni** https://en.example.org/wiki/doni", True),
        ("see http://en.wikipedia.org/wiki/History_of_beer.", True),
        ("(see http://en.wikipedia.org/wiki/Foo_(bar)), then", True),
        ("https://beer.stackexchange.com/questions/1/x?a=1&b=2#c", True),
        ("[a question](https://beer.stackexchange.com/q/3) and [edit] or [x]", True),
        ("a ** b and a * b and snake_case and __init__", True),
        ("*a* **b** _c_ __d__ *`e`* **[f](http://x.org)**", True),
        ("line\nbreak *em*\n`co\nde`", True),
        ("a & b, 1&2, a <b> c, 2 > 1", True),
        ("AT&T", False),  # `&T` might start an entity
        ("***doni***", False),  # a run of three
        ("a*b*c", False),  # runs that can open and close
        ("*a **b** c*", False),  # nested
        ("*a* b* and c_ d", True),  # closers with no opener left are text
        ("*a b* c*", True),
        ("**a*", False),
        ("``a``", False),
        ("`a", False),
        ("see http://x.org/a.)", False),  # linkify-it takes the dot
        ("see http://x.org/a: b", False),  # and the colon
        ("see http://x.org/a*", False),
        ("xhttp://x.org", False),
        ("HTTP://X.ORG", False),
        ("see http://x.org/%20", False),
        ("http://1.2.3.4/", False),
        ("e.g. this", False),
        ("www and mailto: and //", False),
        ('[a](http://x.org "title")', False),
        ("[a `b`](http://x.org)", False),
        ("<http://x.org> and <a@b>", False),
        ("a \\* b", False),
        ("&amp; &#35;", False),
        ("~~gone~~", False),
        ("a\u00a0b *c*", False),
        ("a\r\nb *c*", False),
    ],
)
def test_known_cases(text: str, taken: bool) -> None:
    people = [Participant(1, "Doni")]
    html = render_comment(text, people, _user_url, CONTEXT)
    assert html == render_comment_markdown(text, people, _user_url, CONTEXT)
    assert (render_subset(text, people, _user_url, CONTEXT) is not None) == taken


def _user_url(participant: Participant) -> str:
    return f"/beer/users/{participant.user_id}/a?b=<c>&d\"e'"


@pytest.mark.parametrize(
    "name", ["Doni", 'O\'Brien "Bob"', "a.b&<c>", "&amp;", "Zoë Ñandú", "\u4e2d\u6587", ""]
)
def test_mention_links_are_what_nh3_makes(name: str) -> None:
    target = Participant(7, name)
    link = mention_link("@Doni", target, _user_url, CONTEXT)
    markup = (
        f'<a class="mention" href="{html.escape(_user_url(target))}"'
        f' title="{html.escape(name)}">@Doni</a>'
    )
    assert link == sanitise_comment(markup, CONTEXT)


@pytest.mark.parametrize(
    "url", ["https://beer.stackexchange.com/users/7", "//x/users/7", "javascript:x", "/a\tb"]
)
def test_mention_links_to_anything_but_a_path_are_left_to_nh3(url: str) -> None:
    assert mention_link("@Doni", Participant(7, "Doni"), lambda _: url, CONTEXT) is None
    html = render_comment("@Doni *x*", [Participant(7, "Doni")], lambda _: url, CONTEXT)
    expected = render_comment_markdown(
        "@Doni *x*", [Participant(7, "Doni")], lambda _: url, CONTEXT
    )
    assert html == expected
    assert re.search("<em>x</em>$", html)
