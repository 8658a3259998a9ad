"""Stack Exchange's search language, parsed once into a tree that each engine translates.

    words            every word must be in the title, body or code (stemmed: bottle ~ bottles)
    "exact phrase"   the words one after the other
    -word -"phrase"  without it
    [tag] -[tag]     with (without) the tag; [a] or [b]: either
    wild*            words starting with "wild"
    title:word  body:word  code:"..."  url:"example.com"
    user:ID user:me  score:N score:N..M  answers:N  views:N
    is:question is:answer  isaccepted:yes  hasaccepted:no  closed:yes  duplicate:no
    wiki:yes  locked:no  inquestion:ID inquestion:this  infavorites:me
    created:2017  created:2017-12..2018-01  lastactive:..7d

A number means "at least" (`answers:0` means none); `N..M` is a range, either end may be left
out; dates take a year, month or day, or a time ago (`7d`, `2w`, `3m`, `1y`). A part that
cannot be read is searched as words and the page says so (`Query.notes`). The work a query can
ask for is bounded here: its length, and the number of parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pnyx.search import analysis

MAX_QUERY_CHARS = 1000
MAX_PARTS = 24  # words, phrases and tag groups; filters are few by nature
MAX_TAGS_IN_GROUP = 10
MAX_PHRASE_TERMS = 16
MIN_PREFIX_CHARS = 2  # a wildcard needs this much before the *, or one unspaced character

ME = "me"
THIS = "this"
YES = {"yes", "y", "true", "1", "on"}
NO = {"no", "n", "false", "0", "off"}
FLAGS = ("isaccepted", "hasaccepted", "closed", "duplicate", "wiki", "locked")
RANGES = ("score", "answers", "views")


@dataclass(frozen=True)
class Text:
    """Words to find: one term, or a phrase of several in a row."""

    terms: tuple[str, ...]
    source: str  # as typed, for messages and highlighting
    field: str = "any"  # any (title, body or code), title, body (body or code), code
    prefix: bool = False  # the last term is a prefix
    negated: bool = False


@dataclass(frozen=True)
class Choice:
    """Terms that are not words (tags, links): any one of them."""

    terms: tuple[str, ...]
    source: str
    negated: bool = False


@dataclass(frozen=True)
class Range:
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Period:
    start: datetime | None = None
    end: datetime | None = None  # excluded


@dataclass
class Filters:
    """Conditions on a post's columns rather than its text."""

    user: int | str | None = None  # an id, or ME
    post_type: int | None = None
    score: Range | None = None
    answers: Range | None = None
    views: Range | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    inquestion: int | str | None = None  # an id, or THIS
    created: Period | None = None
    lastactive: Period | None = None
    infavorites: int | str | None = None  # a user id, or ME

    def empty(self) -> bool:
        return self == Filters()


@dataclass
class Query:
    raw: str
    texts: list[Text] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)
    notes: list[str] = field(default_factory=list)  # what was not read as written

    @property
    def parts(self) -> list[Text | Choice]:
        found: list[Text | Choice] = [*self.texts, *self.choices]
        return found

    @property
    def positive(self) -> list[Text | Choice]:
        return [p for p in self.parts if not p.negated]

    @property
    def negative(self) -> list[Text | Choice]:
        return [p for p in self.parts if p.negated]

    def is_empty(self) -> bool:
        return not self.texts and not self.choices and self.filters.empty()

    def highlight_words(self) -> set[str]:
        """The terms a result's excerpt marks: the positive words and phrases."""
        return {term for text in self.texts if not text.negated for term in text.terms}

    def prefixes(self) -> set[str]:
        return {t.terms[-1] for t in self.texts if t.prefix and not t.negated}


_KEY = re.compile(r"([A-Za-z]+):(.*)", re.S)
_INT = re.compile(r"[+-]?\d{1,9}")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_AGO = re.compile(r"(\d{1,4})([dwmy])")


def parse(raw: str, now: datetime | None = None) -> Query:
    """The query tree of `raw`; never raises (what it cannot read is noted and searched)."""
    text = raw.replace("\x00", " ")
    query = Query(raw=text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        query.notes.append(f"Only the first {MAX_QUERY_CHARS:,} characters were searched.")
    _Parser(text, query, now or datetime.now(UTC)).run()
    return query


class _Parser:
    def __init__(self, text: str, query: Query, now: datetime) -> None:
        self.text = text
        self.at = 0
        self.query = query
        self.now = now
        self.parts = 0
        self.dropped = False

    def note(self, message: str) -> None:
        if message not in self.query.notes:
            self.query.notes.append(message)

    # -- scanning

    def run(self) -> None:
        while True:
            self._skip_space()
            if self.at >= len(self.text):
                break
            negated = False
            if (
                self.text[self.at] == "-"
                and self.at + 1 < len(self.text)
                and not self.text[self.at + 1].isspace()
            ):
                negated = True
                self.at += 1
            char = self.text[self.at]
            if char == '"':
                self._phrase("any", negated, self._quoted())
            elif char == "[":
                self._tags(negated)
            else:
                self._bare(negated)
        if self.dropped:
            self.note(f"Only the first {MAX_PARTS} words, phrases and tags were searched.")

    def _skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def _quoted(self) -> str:
        """The text between quotes at `at` (to the end when the quote is not closed)."""
        end = self.text.find('"', self.at + 1)
        if end < 0:
            self.note("A quote was not closed: the phrase runs to the end of the query.")
            value, self.at = self.text[self.at + 1 :], len(self.text)
        else:
            value, self.at = self.text[self.at + 1 : end], end + 1
        return value

    def _word(self) -> str:
        start = self.at
        while self.at < len(self.text) and not self.text[self.at].isspace():
            if self.text[self.at] == '"' and self.at > start and self.text[self.at - 1] == ":":
                break  # key:"quoted value"
            self.at += 1
        return self.text[start : self.at]

    # -- parts

    def _room(self) -> bool:
        if self.parts >= MAX_PARTS:
            self.dropped = True
            return False
        self.parts += 1
        return True

    def _phrase(self, field_name: str, negated: bool, value: str, source: str = "") -> None:
        words = analysis.words(value, query=True)
        if not words:
            return
        if len(words) > MAX_PHRASE_TERMS:
            self.note(f"A phrase was cut to its first {MAX_PHRASE_TERMS} words.")
            words = words[:MAX_PHRASE_TERMS]
        self._add(field_name, negated, words, False, source or f'"{value}"')

    def _words(self, field_name: str, negated: bool, value: str, source: str = "") -> None:
        """A bare word (several terms if it holds punctuation: a phrase), maybe a wildcard."""
        stripped = value.rstrip("*")
        prefix = stripped != value
        words = analysis.words(stripped, query=True)[:MAX_PHRASE_TERMS]
        if not words:
            return
        last = words[-1]
        if analysis.is_unspaced(last):
            # One character alone is a prefix of the pairs it starts; two or more are pairs.
            prefix = len(last) == 1
        elif prefix and not stripped[-1:].isalnum():
            prefix = False
        elif prefix and len(last) < MIN_PREFIX_CHARS:
            self.note(f"{value}: a wildcard needs two letters before the *; searched as a word.")
            prefix = False
        self._add(field_name, negated, words, prefix, source or value)

    def _add(
        self, field_name: str, negated: bool, words: list[str], prefix: bool, source: str
    ) -> None:
        terms = [analysis.stem(w) for w in words]
        if prefix:
            terms[-1] = (
                words[-1] if analysis.is_unspaced(words[-1]) else analysis.prefix_of(words[-1])
            )
            if not terms[-1]:
                prefix, terms[-1] = False, analysis.stem(words[-1])
        if self._room():
            self.query.texts.append(Text(tuple(terms), source, field_name, prefix, negated))

    def _tags(self, negated: bool) -> None:
        names: list[str] = []
        start = self.at
        while True:
            end = self.text.find("]", self.at + 1)
            if end < 0:
                self.note("A [ was not closed: its words were searched as words.")
                rest = self.text[self.at + 1 :]
                self.at = len(self.text)
                for word in rest.split():
                    self._words("any", negated, word)
                break
            name = self.text[self.at + 1 : end].strip().lower()
            self.at = end + 1
            if name and not any(c.isspace() for c in name):
                names.append(name)
            elif name:
                self.note(f"[{name}]: a tag has no spaces; searched as words.")
                for word in name.split():
                    self._words("any", negated, word)
            if negated:
                break
            # [a] or [b]
            match = re.match(r"\s+or\s+\[", self.text[self.at :], re.I)
            if not match or len(names) >= MAX_TAGS_IN_GROUP:
                break
            self.at += match.end() - 1
        if names and self._room():
            self.query.choices.append(
                Choice(
                    tuple(dict.fromkeys(analysis.tag_term(n) for n in names)),
                    self.text[start : self.at],
                    negated,
                )
            )

    def _bare(self, negated: bool) -> None:
        word = self._word()
        if not word:
            self.at += 1
            return
        match = _KEY.fullmatch(word)
        if match is None:
            self._words("any", negated, word)
            return
        key, value = match.group(1).lower(), match.group(2)
        if not value and self.at < len(self.text) and self.text[self.at] == '"':
            value = '"' + self._quoted() + '"'
        handler = getattr(self, f"_op_{key}", None)
        if key in FLAGS:
            handler = self._op_flag
        elif key in RANGES:
            handler = self._op_range
        if handler is None:
            self._words("any", negated, word)
            return
        source = f"{key}:{value}"
        if negated and key not in ("title", "body", "code", "url"):
            self.note(
                f"-{source}: only words, phrases, tags and url: can be excluded; searched without the -."
            )
        if not handler(key, value, negated) and value:
            self.note(f"{source} could not be read; its words were searched instead.")
            for part in re.split(r"[\s:]+", source.replace('"', " ")):
                if part:
                    self._words("any", negated, part)

    # -- operators: each returns whether it could read its value

    def _op_title(self, key: str, value: str, negated: bool) -> bool:
        return self._field("title", value, negated)

    def _op_body(self, key: str, value: str, negated: bool) -> bool:
        return self._field("body", value, negated)

    def _op_code(self, key: str, value: str, negated: bool) -> bool:
        return self._field("code", value, negated)

    def _field(self, name: str, value: str, negated: bool) -> bool:
        if value.startswith('"'):
            inner = value.strip('"')
            if not analysis.words(inner, query=True):
                return False
            self._phrase(name, negated, inner, f"{name}:{value}")
            return True
        if not analysis.words(value.rstrip("*"), query=True):
            return False
        self._words(name, negated, value, f"{name}:{value}")
        return True

    def _op_url(self, key: str, value: str, negated: bool) -> bool:
        term = analysis.url_query_term(value.strip('"'))
        if term is None:
            return False
        if self._room():
            self.query.choices.append(Choice((term,), f"url:{value}", negated))
        return True

    def _op_user(self, key: str, value: str, negated: bool) -> bool:
        found = self._person(value)
        if found is None:
            return False
        self.query.filters.user = found
        return True

    def _op_infavorites(self, key: str, value: str, negated: bool) -> bool:
        found = self._person(value)
        if found is None:
            return False
        self.query.filters.infavorites = found
        return True

    @staticmethod
    def _person(value: str) -> int | str | None:
        value = value.lower()
        if value in (ME, "mine"):
            return ME
        if _INT.fullmatch(value):
            return int(value)
        return None

    def _op_is(self, key: str, value: str, negated: bool) -> bool:
        kind = {"question": 1, "q": 1, "questions": 1, "answer": 2, "a": 2, "answers": 2}
        found = kind.get(value.lower())
        if found is None:
            return False
        self.query.filters.post_type = found
        return True

    def _op_flag(self, key: str, value: str, negated: bool) -> bool:
        lowered = value.lower()
        if lowered not in YES | NO:
            return False
        self.query.filters.flags[key] = lowered in YES
        return True

    def _op_range(self, key: str, value: str, negated: bool) -> bool:
        found = _range(value)
        if found is None:
            return False
        if key == "answers" and found == Range(0, None):
            found = Range(0, 0)  # "answers:0": unanswered, as on Stack Exchange
        setattr(self.query.filters, key, found)
        return True

    def _op_inquestion(self, key: str, value: str, negated: bool) -> bool:
        lowered = value.lower()
        if lowered == THIS:
            self.query.filters.inquestion = THIS
            return True
        if _INT.fullmatch(lowered) and int(lowered) > 0:
            self.query.filters.inquestion = int(lowered)
            return True
        return False

    def _op_created(self, key: str, value: str, negated: bool) -> bool:
        found = _period(value, self.now)
        if found is None:
            return False
        self.query.filters.created = found
        return True

    def _op_lastactive(self, key: str, value: str, negated: bool) -> bool:
        found = _period(value, self.now)
        if found is None:
            return False
        self.query.filters.lastactive = found
        return True


def _range(value: str) -> Range | None:
    if ".." in value:
        low_text, _, high_text = value.partition("..")
        if not low_text and not high_text:
            return None
        if (low_text and not _INT.fullmatch(low_text)) or (
            high_text and not _INT.fullmatch(high_text)
        ):
            return None
        return Range(int(low_text) if low_text else None, int(high_text) if high_text else None)
    if not _INT.fullmatch(value):
        return None
    return Range(int(value), None)


def _moment(value: str, now: datetime, end: bool) -> datetime | None:
    """The start (or, with `end`, the end) of a year, month or day; or a time ago."""
    ago = _AGO.fullmatch(value.lower())
    if ago:
        count, unit = int(ago.group(1)), ago.group(2)
        days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit] * count
        return now - timedelta(days=days)
    match = _DATE.fullmatch(value)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        start = datetime(year, month or 1, day or 1, tzinfo=UTC)
    except ValueError:
        return None
    if not end:
        return start
    if day is not None:
        return start + timedelta(days=1)
    if month is not None:
        return datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return datetime(year + 1, 1, 1, tzinfo=UTC) if year < 9999 else None


def _period(value: str, now: datetime) -> Period | None:
    if ".." in value:
        low, _, high = value.partition("..")
        if not low and not high:
            return None
        start = _moment(low, now, end=False) if low else None
        finish = _moment(high, now, end=not _AGO.fullmatch(high.lower())) if high else None
        if (low and start is None) or (high and finish is None):
            return None
        return Period(start, finish)
    if _AGO.fullmatch(value.lower()):
        return Period(_moment(value, now, end=False), None)
    start = _moment(value, now, end=False)
    finish = _moment(value, now, end=True)
    if start is None:
        return None
    return Period(start, finish)
