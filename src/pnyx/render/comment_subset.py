"""Rendering comments in a checked subset of the comment Markdown, without markdown-it.

About a third of imported comments have some Markdown, and nearly all of that is a word in `*`
or `**`, a short `` `code` `` span, a bare `https://...` URL or a `[label](url)` link.
`render_subset` renders such a text to exactly the HTML `render_comment_markdown` gives it
(markdown-it, then the `@name` links, then nh3), or returns None when the text has anything it
cannot vouch for, and the caller takes the markdown-it path. What it accepts, and why the HTML
is the same:

- Characters: only those of `PRINTABLE` and line breaks (which the comment Markdown keeps as
  text: it has no `newline` rule). No control character, carriage return, no-break space, line
  separator or character outside the BMP, so markdown-it's normalising changes nothing and
  html5ever (inside nh3) reads back exactly the text markdown-it escaped. Outside code spans no
  `\\` or `~~`, no `<` with a `:` or `@` before the next `>`, and `&` only where no entity can
  start (not before a letter or `#`): no escape, strikethrough, autolink or entity rule fires.
- Code spans: single backticks only, each opening one closed by the next (a text with a double
  backtick or an odd number of them is refused), which is how markdown-it pairs runs of length
  one. The content is kept as markdown-it keeps it (line breaks made spaces, then one space
  stripped from each side when both are spaces and it is not all spaces).
- Emphasis: each run of `*` or `_` gets the can-open and can-close flags markdown-it's
  `scanDelims` computes, with its own character classes. A run that can do both is refused,
  which leaves the rule of 3 out (it applies only to such runs). A run that can do neither is
  text, and so is a closer when every opener before it is matched: markdown-it finds no opener
  for it. The other openers and closers must alternate, each closer of the same marker and
  length (1 or 2) as the opener before it: with nothing nested and every opener closed,
  markdown-it's pairing matches each closer with that opener, making `<em>` or `<strong>`.
- URLs: `_URL`, a lower-case `http` or `https` scheme; an ASCII lower-case host whose labels
  have at most 63 characters, no `xn--` (which punycode decoding would change) and a last label
  starting with a letter (so that no URL parser reads an IPv4 address); then optionally a path
  of letters, digits and `_~+=&#/-`, with a `.` or `?` only before one of those, and groups of
  them in parentheses. For such a URL markdown-it's `normalizeLink` and `normalizeLinkText`
  change nothing (no `%`, nothing `mdurl` encodes), and nh3 keeps the link (http and https are
  allowed schemes), rewrites its href with `localise_href` and appends `rel`.
- Bare URLs: markdown-it's linkify rule takes one at the `:` of `://` when the text before ends
  with the scheme, so each `://` must belong to an accepted URL, and the character before the
  scheme must not be one a scheme may hold. linkify-it takes every character of an accepted URL
  wherever it stands, and the URL must end where linkify-it stops: at the end, a space or line
  break, a `)`, or one of `.,;!?"'` followed by the end, a space or a line break
  (`_ends_link`).
- Links: `[label](url)` with an accepted URL right after `(` and right before `)`, no title,
  and a label holding none of `` [`*_<>&~\\ `` nor `//`: markdown-it's label scanning then
  stops at the first `]`, and the label is one text token, where no mention or bare URL is
  looked for. A `[` that no `]` follows, or whose `]` no `(` follows, is text (no reference is
  ever defined), with the same limits on what it encloses.
- Text between these must not hold what a fuzzy link or e-mail address needs (a dot before
  anything but a space or dot, `www`, `//`, `mailto:`: the rule of `comments.NOT_PLAIN`), since
  markdown-it's core linkify rule looks into each text token. `@name` mentions in it are
  resolved as `render_comment_markdown` resolves them, in text tokens only.

The anchors are written as nh3 writes them (`mention_link`, `_Renderer.anchor`): html5ever
escapes `&`, `<`, `>` and U+00A0 in text and those and `"` in attribute values, and ammonia
appends `rel` after the other attributes. tests/dumps/test_comment_html.py compares this path
with markdown-it on the beer dump and on random texts rich in these constructs and their traps;
tests/render/test_comment_subset.py checks the escaping character by character and the URLs
on random ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from pnyx.render.links import LinkContext, localise_href
from pnyx.render.mentions import Participant, resolve_mention, split_mentions

# The characters a comment may have for a shortcut to take it: printable ASCII and the ordinary
# letter ranges, leaving out control characters, the no-break space, line and paragraph
# separators, the ideographic and full-width dots a host-name finder accepts, and surrogates.
PRINTABLE = (
    r"\x20-\x7e\u00a1-\u2027\u2030-\u2fff\u3003-\ud7ff\uf900-\ufefe\uff00-\uff0d"
    r"\uff0f-\uff60\uff62-\uffef"
)
NOT_PRINTABLE = re.compile(f"[^{PRINTABLE}]")
# What a fuzzy link or e-mail address needs: a host name's dot, `www`, the `//` of a scheme or
# of `//localhost`, `mailto:`.
FUZZY_LINK_PARTS = (r"[.][^\s.]", r"www", r"//", r"mailto:")
# The same, split for speed: case-insensitive matching is slow. Matched that way `www` is only
# ever [wW][wW][wW], which lower-cases to `www`.
_DOT_OR_SLASHES = re.compile(r"[.][^\s.]|//")
_MAILTO = re.compile("mailto:", re.IGNORECASE)
# A dot or `//` that stays in a text token whatever the emphasis runs around it do.
_TEXT_HOST = re.compile(r"[.][^\s.*_]|//")

_ENTITY_START = re.compile(r"&[A-Za-z#]")
# Refused in a link's label: what would make its text more than one text token, or make
# markdown-it's label scanning skip a `]` (a code span, an autolink, a bare URL's `://`).
_REFUSED_IN_LABEL = re.compile(r"[\[`*_<>&~\\]|//")
_EMPHASIS_RUNS = re.compile(r"[*_]+")

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST = rf"(?:{_LABEL}\.)+[a-z](?:[a-z0-9-]*[a-z0-9])?"
_PATH_CHARACTER = r"[A-Za-z0-9_~+=&#/-]"
_PATH = rf"/(?:{_PATH_CHARACTER}|[.?](?={_PATH_CHARACTER})|\([A-Za-z0-9_~+=&#/.?-]*\))*"
_URL = re.compile(rf"https?://(?P<host>{_HOST})(?:{_PATH})?")
# A character a scheme may hold: one before `http` would make it part of the scheme.
_SCHEME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-")
# After these linkify-it ends a URL when the end of the text or a space follows.
_CLOSING_PUNCTUATION = frozenset(".,;!?\"'")

_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\u00a0": "&nbsp;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\u00a0": "&nbsp;"}
)
_TAGS = {("*", 1): "em", ("_", 1): "em", ("*", 2): "strong", ("_", 2): "strong"}
_NO_SITE = LinkContext()
# A path on this server: ammonia keeps a relative URL as it is, and `localise_href` leaves one
# that does not start with `//` alone.
_LOCAL_PATH = re.compile(rf"/(?![/\\])[{PRINTABLE}]*")


def escape_text(text: str) -> str:
    """`text` as html5ever (nh3) serialises a text node."""
    # Most pieces need no escaping: looking is faster than `str.translate`.
    if "&" in text or "<" in text or ">" in text or "\u00a0" in text:
        return text.translate(_TEXT_ESCAPES)
    return text


def escape_attribute(value: str) -> str:
    """`value` as html5ever (nh3) serialises an attribute value."""
    if "&" in value or '"' in value or "<" in value or ">" in value or "\u00a0" in value:
        return value.translate(_ATTRIBUTE_ESCAPES)
    return value


def is_printable(text: str) -> bool:
    """True if `text` has only characters of `PRINTABLE`."""
    # For ASCII, `str.isprintable` gives the same answer, much faster.
    return text.isprintable() if text.isascii() else NOT_PRINTABLE.search(text) is None


def mention_link(
    chunk: str,
    target: Participant,
    user_url: Callable[[Participant], str],
    context: LinkContext | None,
) -> str | None:
    """nh3's output for `comments._mention_link`'s anchor, or None if it might differ.

    html5ever reads the escaped href and title back unchanged when they hold only printable
    characters; ammonia keeps a relative href, passes it through the cleaner's `localise_href`
    (which leaves a path alone) and appends `rel`.
    """
    href = user_url(target)
    name = target.display_name
    if _LOCAL_PATH.fullmatch(href) is None or not is_printable(name) or not is_printable(chunk):
        return None
    href = localise_href(href, context or _NO_SITE)
    return (
        f'<a class="mention" href="{escape_attribute(href)}" title="{escape_attribute(name)}"'
        f' rel="nofollow noopener">{escape_text(chunk)}</a>'
    )


def render_subset(
    text: str,
    participants: Sequence[Participant],
    user_url: Callable[[Participant], str],
    context: LinkContext | None = None,
) -> str | None:
    """`render_comment_markdown`'s HTML for `text`, or None if `text` is outside the subset."""
    # Line breaks are text in the comment Markdown (it has no `newline` rule).
    if not is_printable(text.replace("\n", " ") if "\n" in text else text) or "``" in text:
        return None
    if "`" not in text and "://" not in text and _TEXT_HOST.search(text):
        return None  # no code span or URL: a host name can only be in a text token
    segments = text.split("`")
    if len(segments) % 2 == 0:
        return None  # an odd number of backticks: the last one is left unpaired
    renderer = _Renderer(text, participants, user_url, context or _NO_SITE)
    start = 0
    for index, segment in enumerate(segments):
        end = start + len(segment)
        accepted = renderer.code(segment) if index % 2 else renderer.outside_code(start, end)
        if not accepted:
            return None
        start = end + 1
    return renderer.finish()


class _Renderer:
    """Walks an accepted text as markdown-it's inline rules would, writing nh3's output."""

    def __init__(
        self,
        text: str,
        participants: Sequence[Participant],
        user_url: Callable[[Participant], str],
        context: LinkContext,
    ) -> None:
        self.text = text
        self.participants = participants
        self.user_url = user_url
        self.context = context
        self.html: list[str] = []
        self.pending: list[str] = []  # the text token being gathered
        self.open: tuple[str, int] | None = None  # the emphasis run waiting for its closer

    def code(self, content: str) -> bool:
        if not self.flush():
            return False
        content = content.replace("\n", " ")
        if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
            content = content[1:-1]
        self.html.append(f"<code>{escape_text(content)}</code>")
        return True

    def outside_code(self, start: int, end: int) -> bool:
        # markdown-it's link rule takes `[label](url)` at its `[`: each `[` outside code must
        # start an accepted link.
        text = self.text
        position = start
        while (bracket := text.find("[", position, end)) != -1:
            if not self.between_links(position, bracket):
                return False
            position = self.link(bracket, end)
            if position < 0:
                return False
        return self.between_links(position, end)

    def link(self, bracket: int, end: int) -> int:
        """Take `[label](url)` or a literal `[` at `bracket`: the position after, or -1."""
        text = self.text
        if text.find("]", bracket + 1) < 0:
            self.pending.append("[")  # nothing can close it: text
            return bracket + 1
        label_end = text.find("]", bracket + 1, end)
        if label_end < 0:
            return -1
        label = text[bracket + 1 : label_end]
        if _REFUSED_IN_LABEL.search(label):
            return -1
        if not text.startswith("(", label_end + 1):
            # No destination, and no reference is defined: markdown-it leaves `[` as text and
            # reads on after it; the `]` is text too.
            self.pending.append("[")
            return bracket + 1
        match = _URL.match(text, label_end + 2, end)
        if (
            match is None
            or not text.startswith(")", match.end())
            or not _plain_host(match.group("host"))
            or not self.flush()
        ):
            return -1
        self.html.append(self.anchor(match.group(), escape_text(label)))
        return match.end() + 1

    def between_links(self, start: int, end: int) -> bool:
        # markdown-it's linkify rule takes a URL at the `:` of its `://`, so each `://` outside
        # code and links must be the start of an accepted URL, with the scheme before it.
        text = self.text
        position = start
        while (colon := text.find("://", position, end)) != -1:
            scheme = colon - 4
            if colon - 5 >= position and text.startswith("https", colon - 5):
                scheme = colon - 5
            match = _URL.match(text, scheme, end) if scheme >= position else None
            if match is None or not self.between_urls(position, scheme) or not self.url(match):
                return False
            position = match.end()
        return self.between_urls(position, end)

    def between_urls(self, start: int, end: int) -> bool:
        """Take text and emphasis runs from `start` to `end`, False if a rule might differ."""
        text = self.text
        if text.find("\\", start, end) != -1 or text.find("~~", start, end) != -1:
            return False
        less = text.find("<", start, end)
        while less != -1:
            # An autolink needs a `:` (scheme) or an `@` (e-mail) before the next `>`.
            greater = text.find(">", less)
            inside = text[less + 1 : greater] if greater != -1 else ""
            if "<" not in inside and (":" in inside or "@" in inside):
                return False
            less = text.find("<", less + 1, end)
        # The character after the piece (a backtick, a URL's `h` or none) decides for a last `&`.
        if text.find("&", start, end) != -1 and _ENTITY_START.search(text, start, end + 1):
            return False
        position = start
        for match in _EMPHASIS_RUNS.finditer(text, start, end):
            run_start, runs_end = match.span()
            if run_start > position:
                self.pending.append(text[position:run_start])
            while run_start < runs_end:  # `*_` is two runs
                run_end = run_start + 1
                while run_end < runs_end and text[run_end] == text[run_start]:
                    run_end += 1
                if not self.emphasis(run_start, run_end):
                    return False
                run_start = run_end
            position = runs_end
        if end > position:
            self.pending.append(text[position:end])
        return True

    def url(self, match: re.Match[str]) -> bool:
        text, start, end = self.text, match.start(), match.end()
        if start > 0 and text[start - 1] in _SCHEME_CHARACTERS:
            return False
        if not _ends_link(text, end):
            return False
        if not _plain_host(match.group("host")) or not self.flush():
            return False
        url = match.group()
        self.html.append(self.anchor(url, escape_text(url)))
        return True

    def anchor(self, url: str, content: str) -> str:
        """nh3's output for markdown-it's link to `url` holding `content`."""
        href = escape_attribute(localise_href(url, self.context))
        return f'<a href="{href}" rel="nofollow noopener">{content}</a>'

    def emphasis(self, start: int, end: int) -> bool:
        text = self.text
        marker = text[start]
        last_space, last_punctuation = _kind(text[start - 1] if start > 0 else " ")
        next_space, next_punctuation = _kind(text[end] if end < len(text) else " ")
        left_flanking = not (
            next_space or (next_punctuation and not (last_space or last_punctuation))
        )
        right_flanking = not (
            last_space or (last_punctuation and not (next_space or next_punctuation))
        )
        split_word = marker == "*"
        can_open = left_flanking and (split_word or not right_flanking or last_punctuation)
        can_close = right_flanking and (split_word or not left_flanking or next_punctuation)
        if can_open and can_close:
            return False  # the rule of 3 and nesting come in
        if not can_open and (not can_close or self.open is None):
            # A run that can do neither, or a closer with no opener before it left unmatched:
            # markdown-it leaves it as text, part of the text token around it.
            self.pending.append(text[start:end])
            return True
        run = (marker, end - start)
        tag = _TAGS.get(run)
        if tag is None or not self.flush():
            return False
        if can_open:
            if self.open is not None:
                return False
            self.open = run
            self.html.append(f"<{tag}>")
        else:
            if self.open != run:
                return False
            self.open = None
            self.html.append(f"</{tag}>")
        return True

    def flush(self) -> bool:
        """Write out the text token gathered so far, False if it might hold a link."""
        if not self.pending:
            return True
        token = "".join(self.pending)
        self.pending.clear()
        if (
            _DOT_OR_SLASHES.search(token)
            or "www" in token.lower()
            or (":" in token and _MAILTO.search(token))
        ):
            return False
        if "@" not in token:
            self.html.append(escape_text(token))
            return True
        for chunk, mention in split_mentions(token):
            target = resolve_mention(mention, self.participants) if mention else None
            if target is None:
                self.html.append(escape_text(chunk))
                continue
            link = mention_link(chunk, target, self.user_url, self.context)
            if link is None:
                return False
            self.html.append(link)
        return True

    def finish(self) -> str | None:
        if not self.flush() or self.open is not None:
            return None
        return "".join(self.html)


def _plain_host(host: str) -> bool:
    """True if neither punycode decoding nor a URL parser's label limits affect `host`."""
    return "xn--" not in host and all(len(label) <= 63 for label in host.split("."))


@cache
def _kind(character: str) -> tuple[bool, bool]:
    """(white space, punctuation) as markdown-it's `scanDelims` classes `character`."""
    code = ord(character)
    return isWhiteSpace(code), isMdAsciiPunct(code) or isPunctChar(character)


def _ends_link(text: str, end: int) -> bool:
    """True if linkify-it's URL path ends at `end` in `text`.

    Its path takes any character but spaces, controls, `<>` and `()[]{}.,"'?!-;`; `-` always,
    `.` `,` `;` `!` `?` unless the end or a space follows (or another `.` `!` `?`), quotes and
    brackets when they pair up. A `)` with no `(` before it in the URL stops it wherever it is.
    """
    if end == len(text):
        return True
    following = text[end]
    if following in " \n)":
        return True
    return following in _CLOSING_PUNCTUATION and (end + 1 == len(text) or text[end + 1] in " \n")
