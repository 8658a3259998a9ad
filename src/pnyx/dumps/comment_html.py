"""Rendering imported comments fast without rendering them differently.

Most comments are plain sentences: no character the comment Markdown acts on (emphasis, code,
links, escapes, entities, `@` replies), nothing a bare-URL finder could take for a host name
(a dot followed by a letter, `www`, a scheme's colon, the `//` of `//localhost`) and nothing
HTML serialising would change (`&`, `<`, `>`, a no-break space, control characters, line
breaks). Such a text renders to itself, so it is stored as is; every other comment goes through
`render_comment`. That the two agree is checked on the beer dump and on random texts
(tests/dumps/test_comment_html.py).
A dump has about as many comments as posts, and rendering one costs about 100 times as much as
reading it, so this halves the import's time for comments.
"""

from __future__ import annotations

import re

from pnyx.render.comments import render_comment
from pnyx.render.links import LinkContext
from pnyx.render.mentions import Participant

# Anything outside printable ASCII and the ordinary letter ranges (which leaves out control
# characters, the no-break space, line separators and the ideographic and full-width dots a
# host-name finder accepts), the comment Markdown's own characters, and host-name look-alikes.
NOT_PLAIN = re.compile(
    r"[^\x20-\x7e\u00a1-\u2027\u2030-\u2fff\u3003-\ud7ff\uf900-\ufefe\uff00-\uff0d"
    r"\uff0f-\uff60\uff62-\uffef]"
    r"|[*_`\[\]<>~\\&@:]"
    r"|[.][^\s.]"
    r"|www"
    r"|//",  # `//localhost` is a link
    re.IGNORECASE,
)


def is_plain(text: str) -> bool:
    """True if `text` renders to itself as a comment."""
    return NOT_PLAIN.search(text) is None


def render_without_replies(text: str, context: LinkContext) -> str:
    """The HTML of a comment that names no one with `@` (or whose replies are resolved later)."""
    if NOT_PLAIN.search(text) is None:
        return text
    return render_comment(text, (), _no_user_url, context)


def _no_user_url(participant: Participant) -> str:  # pragma: no cover - no participants
    raise AssertionError("a comment rendered without participants links no user")
