"""Rendering a comment: the comment Markdown subset, `@name` links, and local links.

`render_comment_markdown` renders any comment: markdown-it, then the `@name` links, then nh3.
`render_comment` gives the same HTML, and takes two shortcuts for the comments where that is
certain, since markdown-it costs several times as much as either.

Most comments are plain sentences, and most of the rest are plain replies (`@Doni thanks, that
works`). A plain text has no character the comment Markdown acts on (emphasis, code, links,
escapes, entities), nothing a bare-URL finder could take for a link (a dot followed by a letter,
`www`, `mailto:`, the `//` of `http://` or `//localhost`) and nothing HTML serialising would
change (`&`, `<`, `>`, a no-break space, control characters, line breaks): markdown-it makes a
single run of text of it. Such a text renders to itself, and with `@name` tokens in it to itself
with the resolved names made links, written as nh3 writes them (`comment_subset.mention_link`;
nh3 still cleans the pieces when a user URL is not a plain path or a name has characters it
might read differently). A colon makes a link only after a scheme: `mailto:` (whose host may be
a single word) or one followed by `//`. An `@` makes none on its own: an e-mail address needs a
dot in its host (or `mailto:`), and `//user@localhost` is refused by the `//`.

Most comments with Markdown use a little of it: a word in `*` or `**`, a `code` span, a bare URL
or a `[label](url)` link. `comment_subset.render_subset` renders those whose Markdown is in a
strictly checked subset, writing markdown-it's and nh3's output itself, and refuses the rest,
which go through markdown-it (its docstring says what it accepts and why the HTML is the same).
That the paths agree is checked on the beer dump and on random texts
(tests/dumps/test_comment_html.py, tests/render/test_comment_subset.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from pnyx.render.comment_subset import FUZZY_LINK_PARTS, PRINTABLE, mention_link, render_subset
from pnyx.render.links import LinkContext
from pnyx.render.markdown import _comment_parser, sanitise_comment
from pnyx.render.mentions import Participant, resolve_mention, split_mentions

MAX_COMMENT_LENGTH = 600

# Anything outside printable ASCII and the ordinary letter ranges (which leaves out control
# characters, the no-break space, line separators and the ideographic and full-width dots a
# host-name finder accepts), and what a link can start with: a host name's dot, `www`, the `//`
# of a scheme or of `//localhost`, `mailto:`.
_NOT_PLAIN_PARTS = (f"[^{PRINTABLE}]", *FUZZY_LINK_PARTS)
# The comment Markdown's own characters (emphasis, code, links, strikethrough, escapes, entities).
MARKUP_CHARACTERS = r"*_`\[\]<>~\\&"
# Texts that may not render to themselves: `@` included, since a reply may become a link.
NOT_PLAIN = re.compile("|".join((*_NOT_PLAIN_PARTS, f"[{MARKUP_CHARACTERS}@]")), re.IGNORECASE)
# Texts that may not render to themselves once their `@name` tokens are resolved.
NOT_PLAIN_BUT_MENTIONS = re.compile(
    "|".join((*_NOT_PLAIN_PARTS, f"[{MARKUP_CHARACTERS}]")), re.IGNORECASE
)


def is_plain(text: str) -> bool:
    """True if `text` renders to itself as a comment, whoever is in the conversation."""
    return NOT_PLAIN.search(text) is None


def render_comment(
    text: str,
    participants: Sequence[Participant],
    user_url: Callable[[Participant], str],
    context: LinkContext | None = None,
) -> str:
    """Render a comment to sanitised HTML, turning each resolvable `@name` into a user link."""
    if NOT_PLAIN_BUT_MENTIONS.search(text) is None:
        return _render_plain(text, participants, user_url, context)
    html = render_subset(text, participants, user_url, context)
    if html is not None:
        return html
    return render_comment_markdown(text, participants, user_url, context)


def render_comment_markdown(
    text: str,
    participants: Sequence[Participant],
    user_url: Callable[[Participant], str],
    context: LinkContext | None = None,
) -> str:
    """`render_comment` through markdown-it whatever the text (the path every text may take)."""
    parser = _comment_parser()
    env: dict[str, object] = {}
    tokens = parser.parseInline(text, env)
    children: list[Token] = []
    link_depth = 0
    for inline in tokens:
        for child in inline.children or []:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type != "text" or link_depth > 0 or "@" not in child.content:
                children.append(child)
                continue
            for chunk, mention in split_mentions(child.content):
                target = resolve_mention(mention, participants) if mention else None
                if target is None:
                    plain = Token("text", "", 0)
                    plain.content = chunk
                    children.append(plain)
                else:
                    markup = Token("html_inline", "", 0)
                    markup.content = _mention_link(chunk, target, user_url)
                    children.append(markup)
    html = parser.renderer.render(children, parser.options, env)
    return sanitise_comment(html, context)


def _render_plain(
    text: str,
    participants: Sequence[Participant],
    user_url: Callable[[Participant], str],
    context: LinkContext | None,
) -> str:
    # markdown-it would give one text token holding all of `text`: split it as above. A piece
    # that is not a link renders to itself, and `mention_link` writes nh3's output for a link
    # when it can vouch for it (a relative user URL, a printable name).
    if "@" not in text:
        return text
    pieces: list[str] = []
    linked = False
    for chunk, mention in split_mentions(text):
        target = resolve_mention(mention, participants) if mention else None
        if target is None:
            pieces.append(chunk)
            continue
        link = mention_link(chunk, target, user_url, context)
        if link is None:
            return _clean_plain_reply(text, participants, user_url, context)
        pieces.append(link)
        linked = True
    return "".join(pieces) if linked else text


def _clean_plain_reply(
    text: str,
    participants: Sequence[Participant],
    user_url: Callable[[Participant], str],
    context: LinkContext | None,
) -> str:
    # The pieces as markdown-it's renderer writes them, cleaned by nh3.
    pieces: list[str] = []
    for chunk, mention in split_mentions(text):
        target = resolve_mention(mention, participants) if mention else None
        if target is None:
            pieces.append(escapeHtml(chunk))
        else:
            pieces.append(_mention_link(chunk, target, user_url))
    return sanitise_comment("".join(pieces), context)


def _mention_link(chunk: str, target: Participant, user_url: Callable[[Participant], str]) -> str:
    return (
        f'<a class="mention" href="{escape(user_url(target))}"'
        f' title="{escape(target.display_name)}">{escape(chunk)}</a>'
    )
