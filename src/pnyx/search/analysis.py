"""Text to index terms, the same for both engines.

Both engines are handed the terms this module makes, never the text: SQLite's FTS5 splits them
at spaces only (its `ascii` tokenizer with every character a term holds declared a token
character) and PostgreSQL receives a `tsvector` written out term by term, bypassing its parser.
So a query finds the same posts on both: stemming, folding and word boundaries are decided
here once, where an engine's own analysers differ (FTS5's Porter and PostgreSQL's Snowball stem
differently, and neither splits Chinese into words).

- Text is NFKC-normalised and case-folded; diacritics are removed from Latin, Greek, Cyrillic,
  Arabic and Hebrew letters (`café` = `cafe`), not from scripts whose marks are letters' parts.
- A word is a run of letters, digits and combining marks. Words are stemmed with Snowball
  (English for Latin letters, Russian for Cyrillic, Arabic for Arabic script); others are kept.
- Scripts written without spaces (Chinese, Japanese kana, Thai, Lao, Khmer, Myanmar) give
  overlapping pairs of characters, and the last character of a run alone, so any stretch of
  two or more characters is a phrase of pairs and a single character a prefix.
- Tags, the post's type and its links' addresses are terms of their own, told apart from words
  by characters a word never holds (`[beer]`, `is:q`, `url:example.com`).

PostgreSQL keeps at most 256 positions of a term in a post and none past 16,383: `fit` cuts a
post's terms to those limits on both engines alike.

No Django here: bulk indexing runs this in helper processes.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from urllib.parse import urlsplit

import Stemmer

MAX_TERM_CHARS = 64  # longer runs (hashes, base64) are not words anyone types
MAX_POSITION = 16383  # PostgreSQL's last position
MAX_OCCURRENCES = 256  # PostgreSQL's positions kept per term and post
# What SQLite stores in place of an occurrence PostgreSQL would not keep, so positions after
# it stay the same on both; no query asks for it, and it is not counted as a term.
FILLER = "_"
# Characters a term may hold besides letters and digits (FTS5's `tokenchars`).
TOKEN_CHARS = "[]:.#+-/%_"
QUESTION_MARK, ANSWER_MARK = "is:q", "is:a"
MAX_URL_SEGMENTS = 2
MAX_URL_TERMS = 60
MAX_META_TERMS = 100
_CACHE_LIMIT = 300_000

# Combining marks removed as diacritics (after canonical decomposition): Latin, Greek and
# Cyrillic accents, Cyrillic titlo, Hebrew points, Arabic harakat and the tatweel.
_DIACRITICS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]+"
)
# Scripts written without spaces between words.
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_UNSPACED_RUN = re.compile(f"([{_UNSPACED}]+)")


def _mark_ranges() -> str:
    """The combining marks (categories Mn, Mc, Me) of the Basic Multilingual Plane, as a
    character class body: they belong to the word they are in (Devanagari vowel signs...)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


_WORD = re.compile(f"(?:[^\\W_]|[{_mark_ranges()}])+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_LATIN = re.compile(r"[a-z]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]+")
_ARABIC = re.compile("[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]+")

_stemmers = {
    "en": Stemmer.Stemmer("english"),
    "ru": Stemmer.Stemmer("russian"),
    "ar": Stemmer.Stemmer("arabic"),
}
_stems: dict[str, str] = {}
_SHORT_I = "\ue000"  # a private-use character standing in for й while accents are removed


def fold(text: str) -> str:
    """Case-folded, compatibility-normalised text without diacritics."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    # The short i of Russian is a letter of its own, not an accented one.
    decomposed = unicodedata.normalize("NFD", text.replace("й", _SHORT_I))
    stripped = _DIACRITICS.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped).replace(_SHORT_I, "й")


def stem(word: str) -> str:
    """The stem of a folded word (a cache spares Snowball the common ones)."""
    found = _stems.get(word)
    if found is not None:
        return found
    if _LATIN.fullmatch(word):
        result = _stemmers["en"].stemWord(word)
    elif _CYRILLIC.fullmatch(word):
        result = _stemmers["ru"].stemWord(word)
    elif _ARABIC.fullmatch(word):
        result = _stemmers["ar"].stemWord(word)
    else:
        result = word
    if len(_stems) >= _CACHE_LIMIT:
        _stems.clear()
    _stems[word] = result = sys.intern(result)
    return result


def _unspaced(run: str, out: list[str], query: bool) -> None:
    if len(run) == 1:
        out.append(run)
        return
    out.extend(run[i : i + 2] for i in range(len(run) - 1))
    if not query:
        out.append(run[-1])


def words(text: str, query: bool = False) -> list[str]:
    """The words of `text`, folded but not stemmed, unspaced scripts in pairs (see module).

    With `query`, a run of unspaced characters gives its pairs only (the phrase a stretch of
    text is, wherever it stands in a longer run); one character alone stays a word, which a
    query then takes as a prefix of the pairs it starts."""
    folded = fold(text)
    if folded.isascii():
        found = _ASCII_WORD.findall(folded)
        if found and max(map(len, found)) > MAX_TERM_CHARS:
            found = [w for w in found if len(w) <= MAX_TERM_CHARS]
        return found
    out: list[str] = []
    for run in _WORD.findall(folded):
        if len(run) > MAX_TERM_CHARS and not _UNSPACED_RUN.search(run):
            continue
        if run.isascii() or not _UNSPACED_RUN.search(run):
            out.append(run)
            continue
        for index, part in enumerate(_UNSPACED_RUN.split(run)):
            if not part:
                continue
            if index % 2:
                _unspaced(part, out, query)
            elif len(part) <= MAX_TERM_CHARS:
                out.append(part)
    return out


def terms(text: str, query: bool = False) -> list[str]:
    """The index terms of `text`, in order (a phrase is a run of them); see `words`."""
    found = words(text, query)
    # Looked up in bulk: a Python loop per word would cost more than the rest of the analysis.
    for word in set(found).difference(_stems):
        stem(word)
    try:
        return list(map(_stems.__getitem__, found))
    except KeyError:  # the cache was cleared meanwhile
        return [stem(w) for w in found]


def is_unspaced(word: str) -> bool:
    """Whether a folded word is of a script written without spaces (its terms are pairs)."""
    return bool(_UNSPACED_RUN.fullmatch(word))


def prefix_of(word: str) -> str:
    """What a wildcard on `word` matches the start of: the part the word and its stem share
    (the index holds stems: `bottles*` looks for terms starting with `bottl`)."""
    stemmed = stem(word)
    size = 0
    for a, b in zip(word, stemmed, strict=False):
        if a != b:
            break
        size += 1
    return word[:size]


# Terms that are not words.


_PLAIN = re.compile(r"[a-z0-9.#+-]*")


def _escape(text: str) -> str:
    """Lower-cased, with every character a term may not hold written as %XX (UTF-8)."""
    text = text.lower()
    if _PLAIN.fullmatch(text):
        return text
    out = []
    for char in text.lower():
        if char.isalnum() or char in ".#+-":
            out.append(char)
        else:
            out.extend(f"%{byte:02x}" for byte in char.encode())
    return "".join(out)


@lru_cache(maxsize=20_000)
def tag_term(tag: str) -> str:
    return f"[{_escape(tag)}]"


@lru_cache(maxsize=20_000)
def url_terms(url: str) -> tuple[str, ...]:
    """`url:HOST` for the link's host and each parent domain of two labels or more, and
    `url:HOST/SEGMENT...` for its first path segments; [] for a link without a host."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return ()
    if not host:
        return ()
    host = _escape(host.removeprefix("www."))
    labels = host.split(".")
    out = [f"url:{'.'.join(labels[i:])}" for i in range(max(1, len(labels) - 1))]
    segments = [_escape(s) for s in parts.path.split("/") if s][:MAX_URL_SEGMENTS]
    for depth in range(1, len(segments) + 1):
        out.append(f"url:{host}/{'/'.join(segments[:depth])}")
    return tuple(out)


def url_query_term(value: str) -> str | None:
    """The term `url:VALUE` asks for: a host (or domain), optionally with path segments."""
    value = value.strip().strip('"').strip()
    if not value:
        return None
    if "://" not in value:
        value = "http://" + value.lstrip("/")
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    host = _escape(host.removeprefix("www."))
    segments = [_escape(s) for s in parts.path.split("/") if s][:MAX_URL_SEGMENTS]
    return f"url:{host}" + "".join(f"/{s}" for s in segments)


# Posts.

_CODE = re.compile(r"<code\b[^>]*>(.*?)</code>", re.S | re.I)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']*)["']""", re.I)
_TAG = re.compile(r"<[^>]*>")


def html_text(body_html: str) -> tuple[str, str, list[str]]:
    """The text of a body's HTML without its code, the text of its code, and its links."""
    links = _HREF.findall(body_html) if "href" in body_html else []
    code_parts: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        code_parts.append(match.group(1))
        return " "

    without_code = _CODE.sub(keep_code, body_html) if "<code" in body_html else body_html
    text = html.unescape(_TAG.sub(" ", without_code))
    code = html.unescape(_TAG.sub(" ", " ".join(code_parts))) if code_parts else ""
    return text, code, links


@dataclass(frozen=True)
class Document:
    """A post's terms, per column: the title, the body without its code, the code, and the
    terms that are not words (type, tags, links)."""

    title: list[str]
    body: list[str]
    code: list[str]
    meta: list[str]

    def columns(self) -> tuple[list[str], list[str], list[str], list[str]]:
        return self.title, self.body, self.code, self.meta

    def distinct(self) -> set[str]:
        found = {*self.title, *self.body, *self.code, *self.meta}
        found.discard(FILLER)
        return found


def document(post_type: int, title: str | None, body_html: str, tags: str | None) -> Document:
    """The terms of a question (post type 1) or an answer (2, with its question's tags)."""
    text, code, links = html_text(body_html or "")
    meta = [QUESTION_MARK if post_type == 1 else ANSWER_MARK]
    meta += [tag_term(tag) for tag in dict.fromkeys((tags or "").split())]
    seen: set[str] = set()
    for link in links:
        for term in url_terms(link):
            if term not in seen and len(seen) < MAX_URL_TERMS:
                seen.add(term)
                meta.append(term)
    return fit(
        terms(title or "") if post_type == 1 else [],
        terms(text),
        terms(code) if code else [],
        meta[:MAX_META_TERMS],
    )


def fit(title: list[str], body: list[str], code: list[str], meta: list[str]) -> Document:
    """The columns cut to what PostgreSQL keeps (see `positions`): the type and tags first,
    then the title, the body and the code; past 256 occurrences a term becomes `FILLER`."""
    budget = MAX_POSITION - 4  # a gap of one position between columns
    columns = []
    for column in (meta, title, body, code):
        kept = column[: max(0, budget)]
        budget -= len(kept) + 1
        columns.append(kept)
    meta, title, body, code = columns
    if len(title) + len(body) + len(code) + len(meta) > MAX_OCCURRENCES:
        counts = Counter(chain(title, body, code, meta))
        if max(counts.values()) > MAX_OCCURRENCES:
            seen: dict[str, int] = {}
            for column in (title, body, code, meta):
                for index, term in enumerate(column):
                    count = seen.get(term, 0) + 1
                    seen[term] = count
                    if count > MAX_OCCURRENCES:
                        column[index] = FILLER
    return Document(title, body, code, meta)


def positions(doc: Document) -> dict[str, list[tuple[int, str]]]:
    """Each term's (position, weight) as PostgreSQL stores them: the columns one after the
    other (title A, body D, code C, the rest B) with a gap of one, so no phrase spans two."""
    found: dict[str, list[tuple[int, str]]] = {}
    at = 1
    for column, weight in ((doc.title, "A"), (doc.body, "D"), (doc.code, "C"), (doc.meta, "B")):
        for term in column:
            if term != FILLER:
                found.setdefault(term, []).append((at, weight))
            at += 1
        at += 1
    return found


def tsvector_literal(doc: Document) -> str:
    """The document as a `tsvector` literal, each occurrence written apart (PostgreSQL merges
    a term's positions as it reads it; terms never hold a quote or a backslash)."""
    parts: list[str] = []
    at = 1
    for column, weight in ((doc.title, "A"), (doc.body, ""), (doc.code, "C"), (doc.meta, "B")):
        parts.extend(
            f"'{term}':{at + index}{weight}" for index, term in enumerate(column) if term != FILLER
        )
        at += len(column) + 1
    return " ".join(parts)
