"""Rendering a comment: the comment Markdown subset, `@name` links, and local links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markdown_it.token import Token

from pnyx.render.links import LinkContext
from pnyx.render.markdown import _comment_parser, sanitise_comment
from pnyx.render.mentions import Participant, resolve_mention, split_mentions

MAX_COMMENT_LENGTH = 600


def render_comment(
    text: str,
    participants: Sequence[Participant],
    user_url: Callable[[Participant], str],
    context: LinkContext | None = None,
) -> str:
    """Render a comment to sanitised HTML, turning each resolvable `@name` into a user link."""
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
                    markup.content = (
                        f'<a class="mention" href="{escape(user_url(target))}"'
                        f' title="{escape(target.display_name)}">{escape(chunk)}</a>'
                    )
                    children.append(markup)
    html = parser.renderer.render(children, parser.options, env)
    return sanitise_comment(html, context)
