"""The shortcuts for plain and simple comments render exactly what markdown-it renders.

The importer stores plain comments as they are (`render_without_replies`), and `render_comment`
puts plain `@name` replies, and comments in the checked Markdown subset
(`pnyx.render.comment_subset`), together without markdown-it; all are compared with the
markdown-it path (`render_comment_markdown`) on the beer dump and on random texts.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from pnyx.dumps.comment_html import is_plain, render_without_replies
from pnyx.render import comments
from pnyx.render.comments import NOT_PLAIN_BUT_MENTIONS, render_comment, render_comment_markdown
from pnyx.render.links import LinkContext
from pnyx.render.mentions import Participant, conversation

from .conftest import xml_rows

CONTEXT = LinkContext(url_prefix="/beer", origins=("https://beer.stackexchange.com",))


def _rendered(text: str) -> str:
    """The markdown-it path's HTML for `text`, naming no one."""
    return render_comment_markdown(text, (), lambda participant: "/unused", CONTEXT)


@pytest.fixture
def markdown_it_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts `render_comment` hands to markdown-it while the test runs, in order.

    A text `render_comment` took that `NOT_PLAIN_BUT_MENTIONS` refuses and that is not here
    went through the subset path (`pnyx.render.comment_subset`).
    """
    calls: list[str] = []

    def recorded(text: str, *arguments: Any) -> str:
        calls.append(text)
        return render_comment_markdown(text, *arguments)

    monkeypatch.setattr(comments, "render_comment_markdown", recorded)
    return calls


def test_every_beer_comment_renders_the_same(
    beer_files: Path, markdown_it_calls: list[str]
) -> None:
    texts = [row["Text"] for row in xml_rows(beer_files / "Comments.xml") if "@" not in row["Text"]]
    plain = [text for text in texts if is_plain(text)]
    assert len(plain) > len(texts) / 2  # the shortcut is worth having
    subset = linked = 0
    for text in texts:
        calls = len(markdown_it_calls)
        html = render_without_replies(text, CONTEXT)
        assert html == _rendered(text), text
        if not is_plain(text) and len(markdown_it_calls) == calls:
            subset += 1
            linked += "<a href=" in html
    # The subset path takes over half of the rest (most of what it leaves has a dot in a word).
    assert subset > (len(texts) - len(plain)) / 2
    assert linked > 100


# Characters the shortcut must either leave alone or refuse: markup, host-name look-alikes,
# characters HTML serialising changes, dots of other scripts.
ALPHABET = [
    *"abcXYZ019 .,;!?'\"()-+=/#%$^{}|",
    *"*_`[]<>~\\&@:",
    "\u00e9",
    "\u4e2d",
    "\u3002",
    "\uff0e",
    "\u00a0",
    "\u200b",
    "\u2028",
    "\n",
    "\r",
    "\t",
    "\x07",
    "e.g",
    "www",
    "http",
    ".com",
    "  ",
    "...",
]
PLAIN_ALPHABET = [c for c in ALPHABET if len(c) > 1 or is_plain(c)]


@pytest.mark.parametrize(("alphabet", "seed"), [(ALPHABET, 1), (PLAIN_ALPHABET, 2)])
def test_random_texts_render_the_same(alphabet: list[str], seed: int) -> None:
    rng = random.Random(seed)
    shortcuts = 0
    for _ in range(4000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert render_without_replies(text, CONTEXT) == _rendered(text), repr(text)
        shortcuts += is_plain(text)
    assert shortcuts > 100


# A colon makes a link only after a scheme: these mix colons with schemes, hosts and addresses.
COLON_ALPHABET = [
    *"abc019 ,;!?'\"()-/#%=:",
    *[":", ": ", "::", "http", "https", "ftp", "mailto", "MAILTO", "ma\u0131lto", "mail", "to"],
    *["//", "/", "localhost", "x@y", "@", "a@b", "www", "80", "\uff1a", "\u00e9"],
    *["://", "http://localhost", "//localhost", "mailto:a@b", "ftp:"],
]


def test_random_texts_with_colons_render_the_same() -> None:
    rng = random.Random(5)
    shortcuts = links = 0
    for _ in range(5000):
        text = "".join(rng.choice(COLON_ALPHABET) for _ in range(rng.randint(1, 20)))
        rendered = _rendered(text)
        assert render_without_replies(text, CONTEXT) == rendered, repr(text)
        shortcuts += is_plain(text) and ":" in text
        links += "<a " in rendered
    assert shortcuts > 200 and links > 500


@pytest.mark.parametrize("text", ["see //localhost here", "see //LocalHost/x y", "(//localhost)"])
def test_scheme_relative_localhost_is_a_link(text: str) -> None:
    assert "<a href=" in _rendered(text)
    assert render_without_replies(text, CONTEXT) == _rendered(text)


def _user_url(participant: Participant) -> str:
    return f"/beer/users/{participant.user_id}/a?b=<c>&d"


def _both(text: str, people: list[Participant]) -> tuple[str, str]:
    """(`render_comment`'s HTML, the markdown-it path's HTML) for `text` among `people`."""
    return (
        render_comment(text, people, _user_url, CONTEXT),
        render_comment_markdown(text, people, _user_url, CONTEXT),
    )


def _conversations(folder: Path) -> list[tuple[str, list[Participant]]]:
    """Each comment with who it can name, as the importer finds them: author, earlier commenters."""
    names = {row["Id"]: row["DisplayName"] for row in xml_rows(folder / "Users.xml")}
    owners = {row["Id"]: row.get("OwnerUserId", "") for row in xml_rows(folder / "Posts.xml")}
    ordered = sorted(
        xml_rows(folder / "Comments.xml"),
        key=lambda row: (int(row["PostId"]), row["CreationDate"], int(row["Id"])),
    )
    result: list[tuple[str, list[Participant]]] = []
    post, author, earlier = "", None, list[Participant]()
    for row in ordered:
        if row["PostId"] != post:
            post, earlier = row["PostId"], []
            owner = owners.get(post, "")
            author = Participant(int(owner), names[owner]) if owner in names else None
        result.append((row["Text"], conversation(author, earlier)))
        if row.get("UserId", "") in names:
            earlier.append(Participant(int(row["UserId"]), names[row["UserId"]]))
    return result


def test_every_beer_reply_renders_as_markdown_it_renders_it(
    beer_files: Path, markdown_it_calls: list[str]
) -> None:
    replies = [(text, people) for text, people in _conversations(beer_files) if "@" in text]
    shortcuts = linked = subset = 0
    for text, people in replies:
        calls = len(markdown_it_calls)
        html, slow = _both(text, people)
        assert html == slow, text
        if NOT_PLAIN_BUT_MENTIONS.search(text) is None:
            shortcuts += 1
            linked += 'class="mention"' in html
        else:
            subset += len(markdown_it_calls) == calls
    assert shortcuts > len(replies) / 2  # the shortcut is worth having
    assert linked > 50  # and it makes links
    assert subset > 20  # replies with Markdown take the subset path too


PEOPLE = [
    Participant(1, "Doni"),
    Participant(2, "John Smith"),
    Participant(3, "John Doe"),
    Participant(4, "Zoë Ñandú"),
    Participant(5, 'O\'Brien "Bob"'),
    Participant(6, "a.b&<c>"),
    Participant(7, "\u4e2d\u6587\u540d"),
]
CONVERSATIONS = [PEOPLE, PEOPLE[::-1], PEOPLE[2:5], []]
# Names that resolve (whole, as prefixes, in any case) and that do not, `@` where it starts no
# mention, around markup, host names, schemes, e-mail addresses and other scripts.
REPLY_ALPHABET = [
    *[f"@{name}" for name in ("Doni", "doni", "DON", "Do", "JohnSmith", "john", "JohnD", "Zoë")],
    *[f"@{name}" for name in ("zoëñan", "O'Brien", "O'B", 'o\'brien"bob"', "a.b&", "nobody")],
    *["@\u4e2d\u6587", "@", "@@", "@@Doni", "x@Doni", "Doni", "@Doni@John", "@Doni's"],
    *"abcXYZ019 ,;!?'\"()-+=/#%$^{}|",
    *"*_`[]<>~\\&:.",
    *["...", "e.g", "www", "http://x.org", "https://beer.stackexchange.com/q/1", "//localhost"],
    *["localhost", "mailto:", "mailto:a@b", "a@b.cd", "a@b", "x@localhost", "  ", ": "],
    *["http:", "https:", "ftp:", "//", "MailTo:", "ma\u0131lto:", "mail", "to:", "x:80", "\uff1a"],
    *["\u00e9", "\u4e2d", "\u3002", "\uff0e", "\uff20", "\u00a0", "\n", "\t", "\U0001f37a"],
]
REPLY_PLAIN_ALPHABET = [c for c in REPLY_ALPHABET if NOT_PLAIN_BUT_MENTIONS.search(c) is None]


@pytest.mark.parametrize(("alphabet", "seed"), [(REPLY_ALPHABET, 3), (REPLY_PLAIN_ALPHABET, 4)])
def test_random_replies_render_as_markdown_it_renders_them(alphabet: list[str], seed: int) -> None:
    rng = random.Random(seed)
    shortcuts = linked = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        people = rng.choice(CONVERSATIONS)
        html, slow = _both(text, people)
        assert html == slow, (text, people)
        if NOT_PLAIN_BUT_MENTIONS.search(text) is None:
            shortcuts += 1
            linked += 'class="mention"' in html
    assert shortcuts > 200 and linked > 30


# The pieces of the Markdown subset and their traps: emphasis runs of every length next to
# spaces, punctuation, letters, digits and other scripts, code spans and double backticks, bare
# URLs (with query strings, parentheses, underscores, the site's own origin, upper case) before
# the punctuation linkify-it takes or leaves, links and brackets, mentions.
SUBSET_ALPHABET = [
    *["*", "*", "**", "**", "***", "_", "__", "`", "`", "``", "\n"],
    *[" "] * 12,
    *"abZ09.,;:!?'\"()-+=/#&<>[]~",
    *["doni", "Doni", "fora", "zo", "\u00e9", "\u4e2d", "\u00c9t\u00e9", "\u2014", "\u00a0"],
    *["@Doni", "@doni", "@JohnSmith", "@Zo\u00eb", "@O'B", "@nobody", "x@Doni", "@"],
    *["http://x.org", "https://en.example.org/wiki/doni", "http://en.wikipedia.org/wiki/Foo_(bar)"],
    *["https://beer.stackexchange.com/questions/1/x", "https://beer.stackexchange.com/q/2?a=1&b=2"],
    *["http://en.wikipedia.org/wiki/History_of_beer", "HTTP://X.ORG/A", "http://X.org", "/a"],
    *["?q=1", "&r=2", "#f", "_(b)", "xhttp://y.org", "http://1.2.3.4", "www", "e.g", "mailto:"],
    *["[a](http://x.org)", "[edit]", "](", "[doni](https://beer.stackexchange.com/q/3)", "\\"],
]
# Whole constructs of the subset between words, so that most texts are in it.
SUBSET_ONLY_ALPHABET = [
    *["*doni*", "**fora**", "_zo_", "__zi__", "`zo`", "` *a* `", "*`b`*", "**@Doni**", "\n"],
    *[" "] * 12,
    *["doni", "Doni", "fora", "zo", "\u00e9", "\u4e2d", "\u00c9t\u00e9", "\u2014", "a_b", " * "],
    *[",", ";", ":", "!", "?", "'", '"', "(", ")", "-", ". ", "... ", "&"],
    *["@Doni", "@doni", "@JohnSmith", "@Zo\u00eb", "@nobody"],
    *[" http://x.org", " https://en.example.org/wiki/doni", " http://x.org/a_(b)"],
    *[" https://beer.stackexchange.com/questions/1/x", " https://beer.stackexchange.com/q/2?a=1"],
    *[" [a](http://x.org)", " [edit]", " [doni](https://beer.stackexchange.com/q/3)"],
]


@pytest.mark.parametrize(
    ("alphabet", "seed", "least"), [(SUBSET_ALPHABET, 6, 300), (SUBSET_ONLY_ALPHABET, 7, 1500)]
)
def test_random_texts_in_the_subset_render_as_markdown_it_renders_them(
    alphabet: list[str], seed: int, least: int, markdown_it_calls: list[str]
) -> None:
    rng = random.Random(seed)
    subset = linked = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
        people = rng.choice(CONVERSATIONS)
        calls = len(markdown_it_calls)
        html, slow = _both(text, people)
        assert html == slow, (text, people)
        if NOT_PLAIN_BUT_MENTIONS.search(text) is not None and len(markdown_it_calls) == calls:
            subset += 1
            linked += "<a " in html
    assert subset > least and linked > least / 5  # the subset path is taken, links and all
