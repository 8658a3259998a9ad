"""The importer's shortcut for plain comments renders exactly what `render_comment` renders."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pnyx.dumps.comment_html import is_plain, render_without_replies
from pnyx.render.comments import render_comment
from pnyx.render.links import LinkContext

from .conftest import xml_rows

CONTEXT = LinkContext(url_prefix="/beer", origins=("https://beer.stackexchange.com",))


def _rendered(text: str) -> str:
    return render_comment(text, (), lambda participant: "/unused", CONTEXT)


def test_every_beer_comment_renders_the_same(beer_files: Path) -> None:
    texts = [row["Text"] for row in xml_rows(beer_files / "Comments.xml") if "@" not in row["Text"]]
    plain = [text for text in texts if is_plain(text)]
    assert len(plain) > len(texts) / 2  # the shortcut is worth having
    for text in texts:
        assert render_without_replies(text, CONTEXT) == _rendered(text), text


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


@pytest.mark.parametrize("text", ["see //localhost here", "see //LocalHost/x y", "(//localhost)"])
def test_scheme_relative_localhost_is_a_link(text: str) -> None:
    assert "<a href=" in _rendered(text)
    assert render_without_replies(text, CONTEXT) == _rendered(text)
