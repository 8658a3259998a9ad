"""Turning a dump row's attributes into the values of a database row, or saying what is wrong.

Values are checked as they are converted (integers in range, dates that parse, text that fits
its column), so a bad value stops the import at its line on either backend rather than as a
database error later. Dates become ISO text in UTC (`2014-01-21 20:26:05.383000`), the form
Django stores on SQLite, or for PostgreSQL, whose binary COPY takes them so, naive datetimes in
UTC (`RowConverter(..., datetimes=True)`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol

from pnyx.dumps.schema import Field, Table
from pnyx.posts.rules import TAG_RULE, is_tag_name

INT16_MIN, INT16_MAX = -(2**15), 2**15 - 1
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# What each integer kind holds on both backends (PostgreSQL's smallint, integer, bigint).
INT_RANGES = {
    "smallint": (INT16_MIN, INT16_MAX),
    "int": (INT32_MIN, INT32_MAX),
    "bigint": (INT64_MIN, INT64_MAX),
}
TAGS_MAX_LENGTH = 300
MAX_SHAPES = 256  # attribute sets a table's rows come in, each with its own converter
# A row's attributes: a table has at most 22, and later dumps may add a few. Past this the
# row is refused before its values are read (lxml reads values by name, each a scan of the
# row's attributes: 100,000 attributes took a minute).
MAX_ATTRIBUTES = 100
# A text value: Stack Exchange limits a post's body to 30,000 characters (its HTML is longer)
# and comments to 600; older posts were allowed more. Generous room, but bounded: the rows of
# a batch are held in memory.
MAX_VALUE_CHARS = 2_000_000
# An integer as the dump writes it: ASCII digits, perhaps a minus (int() would also take
# other scripts' digits, spaces, `+` and `_`). At most 20 characters: past that no column
# holds it, and int() of a long text costs time.
_INTEGER = re.compile(r"-?[0-9]{1,19}")
is_integer = _INTEGER.fullmatch


class Attributes(Protocol):
    """A row's attributes: a dict, or the lxml element itself."""

    def get(self, key: str, /) -> str | None: ...

    def keys(self) -> Iterable[str]: ...

    def values(self) -> Iterable[str]: ...


class RowProblem(Exception):
    """What is wrong with one row; the reader adds the file and line."""


class BadValue(ValueError):
    """A value that has the right syntax but not a usable value (too long, out of range...)."""


def int_range(field: Field) -> tuple[int, int]:
    """The values `field` may take: what its column holds on both backends; for an id, one
    less at the top, since the table's sequence must be able to move past the largest."""
    low, high = INT_RANGES[field.kind]
    if field.column == "id":
        high -= 1
    return low, high


def integer_parser(low: int, high: int) -> Callable[[str], int]:
    """A parser of integers from `low` to `high`, written in ASCII digits."""

    def parse(text: str) -> int:
        if not is_integer(text):
            raise ValueError(text)
        value = int(text)
        if not low <= value <= high:
            raise BadValue(f"{value} is out of range ({low} to {high})")
        return value

    return parse


parse_int = integer_parser(INT32_MIN, INT32_MAX)
parse_bigint = integer_parser(INT64_MIN, INT64_MAX)


def parse_date(text: str) -> str:
    """Dump datetime -> ISO text in UTC, as the databases store it."""
    moment = datetime.fromisoformat(text)  # says whether it is a date at all
    if len(text) == 23 and text[10] == "T" and text[19] == ".":
        # The dump's own shape, `2014-01-21T20:26:05.383`: cut and pasted, since formatting
        # the datetime costs seven times as much as parsing it, and every row has a date.
        fraction = text[20:]
        if fraction == "000":
            return f"{text[:10]} {text[11:19]}"
        return f"{text[:10]} {text[11:19]}.{fraction}000"
    return utc_naive(moment).isoformat(" ")


def parse_moment(text: str) -> datetime:
    """Dump datetime -> naive datetime in UTC."""
    return utc_naive(datetime.fromisoformat(text))


def utc_naive(moment: datetime) -> datetime:
    """`moment` as a naive datetime in UTC (dump dates without an offset are UTC already)."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def parse_bool(text: str) -> bool:
    if text == "True":
        return True
    if text == "False":
        return False
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(text)


def split_tags(text: str) -> tuple[list[str], str]:
    """`<a><b>` or `|a|b|` -> (["a", "b"], form), form being `angle` or `pipe`."""
    text = text.strip()
    if not text:
        return [], "angle"
    if text.startswith("<") and text.endswith(">"):
        names, form = text[1:-1].split("><"), "angle"
    elif text.startswith("|") and text.endswith("|"):
        names, form = text[1:-1].split("|"), "pipe"
    else:
        raise BadValue(f"{text[:60]!r} is neither <a><b> nor |a|b|")
    for name in names:
        if not is_tag_name(name):  # the one rule: a page must be able to link to every tag
            raise BadValue(f"holds the tag {name!r}, which is not a tag name: {TAG_RULE}")
    return names, form


KIND_PROBLEMS = {
    "smallint": "is not an integer",
    "int": "is not an integer",
    "bigint": "is not an integer",
    "date": "is not a date (expected YYYY-MM-DDTHH:MM:SS.fff)",
    "bool": "is not True or False",
    "str": "is not text",
    "html": "is not text",
    "tags": "is not a tag list",
}


def _short(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


class RowConverter:
    """Converts rows of one table in the column order of its `Field`s.

    `html` renders Posts.Body (sanitising, localising links); the tag forms seen are collected
    in `tag_forms` so the export can write tags the way the dump did. With `datetimes`, dates
    are naive datetimes in UTC rather than ISO text.
    """

    def __init__(
        self, table: Table, html: Callable[[str], str] | None = None, datetimes: bool = False
    ) -> None:
        self.table = table
        self.datetimes = datetimes
        self.tag_forms: set[str] = set()
        self._html = html or (lambda text: text)
        self._fields = {f.attr: f for f in table.fields}
        self._steps = [(f.attr, self._parser(f), f.required, f.default) for f in table.fields]
        self._by_shape: dict[tuple[str, ...], Callable[[list[str]], list[object]]] = {}

    def _parser(self, field: Field) -> Callable[[str], object]:
        if field.kind in INT_RANGES:
            return integer_parser(*int_range(field))
        if field.kind == "date":
            return parse_moment if self.datetimes else parse_date
        if field.kind == "bool":
            return parse_bool
        if field.kind == "html":
            return lambda text: self._html(_limited(text, MAX_VALUE_CHARS))
        if field.kind == "tags":
            return self._tags
        limit = field.max_length or MAX_VALUE_CHARS
        return lambda text: _limited(text, limit)

    def _tags(self, text: str) -> str:
        names, form = split_tags(_limited(text, MAX_VALUE_CHARS))
        if names:
            self.tag_forms.add(form)
        joined = " ".join(names)
        if len(joined) > TAGS_MAX_LENGTH:
            raise BadValue(f"has more tags than fit in {TAGS_MAX_LENGTH} characters")
        return joined

    def __call__(self, attributes: Attributes) -> list[object]:
        """The row's values in column order, or `RowProblem` saying what is wrong with it."""
        try:
            shape = tuple(attributes.keys())
            convert = self._by_shape.get(shape)
            if convert is None:
                if len(shape) > MAX_ATTRIBUTES:
                    raise RowProblem(
                        f"the row has {len(shape):,} attributes, more than the "
                        f"{MAX_ATTRIBUTES} a row may have (a {self.table.file} row has "
                        f"{len(self.table.fields)})"
                    )
                convert = self._converter_for(shape)
            values = attributes.values()
            return convert(values if type(values) is list else list(values))
        except (ValueError, TypeError, OverflowError, _Missing):
            # Say which attribute is wrong; the checked path raises RowProblem.
            return self._checked(attributes)

    def _converter_for(self, shape: tuple[str, ...]) -> Callable[[list[str]], list[object]]:
        """The converter of rows with the attributes `shape`, in that order.

        Rows are read by position (`element.values()`, one call) rather than by name: lxml's
        `get` parses the name and scans the attributes on every call, which costs twice the
        rest of the conversion for a post's 22 attributes. A file's rows come in a few shapes
        (attributes are left out for NULL), so one straight-line function is made per shape;
        past `MAX_SHAPES` of them, rows are read by name.
        """
        if len(self._by_shape) >= MAX_SHAPES:
            return self._by_name
        position = {key: at for at, key in enumerate(shape)}
        lines = ["def convert(values):"]
        for index, field in enumerate(self.table.fields):
            value = f"v{index}"
            at = position.get(field.attr)
            if at is None:
                if field.required:
                    lines[1:] = ["    raise Missing"]  # the checked path says which
                    break
                lines.append(f"    {value} = default{index}")
            else:
                lines.append(f"    {value} = values[{at}]")
                conversion = _conversion(field, value, self.datetimes)
                lines.extend("    " + statement for statement in conversion)
        else:
            columns = ", ".join(f"v{i}" for i in range(len(self.table.fields)))
            lines.append(f"    return [{columns}]")
        convert: Callable[[list[str]], list[object]] = self._exec(lines)
        self._by_shape[shape] = convert
        return convert

    def _by_name(self, values: list[str]) -> list[object]:
        raise _Missing  # not a shape of its own: the checked path reads the row by name

    def _exec(self, lines: list[str]) -> Any:
        namespace: dict[str, object] = {
            "Missing": _Missing,
            "parse_date": parse_date,
            "UTC": UTC,
            "fromisoformat": datetime.fromisoformat,
            "parse_bool": parse_bool,
            "is_integer": is_integer,
            "html": self._html,
            "tags": self._tags,
        }
        for index, field in enumerate(self.table.fields):
            namespace[f"default{index}"] = field.default
        exec("\n".join(lines), namespace)  # the code comes from the schema above, not from input
        return namespace["convert"]

    def _checked(self, attributes: Attributes) -> list[object]:
        get = attributes.get
        values: list[object] = []
        append = values.append
        attr = ""
        value: str | None = None
        try:
            for attr, parse, required, default in self._steps:
                value = get(attr)
                if value is None:
                    if required:
                        raise RowProblem(f"the row has no {attr}")
                    append(default)
                else:
                    append(parse(value))
        except BadValue as exc:
            raise RowProblem(f"{attr} {exc}") from exc
        except (ValueError, TypeError, OverflowError) as exc:
            kind = self._fields[attr].kind
            raise RowProblem(f"{attr} {_short(str(value))} {KIND_PROBLEMS[kind]}") from exc
        return values


class _Missing(Exception):
    """A required attribute is absent (the checked path says which)."""


def _conversion(field: Field, value: str, datetimes: bool) -> list[str]:
    """Statements converting the attribute text in variable `value`, as `RowConverter` does."""
    if field.kind in INT_RANGES:
        low, high = int_range(field)
        return [
            f"if not is_integer({value}): raise ValueError",
            f"{value} = int({value})",
            f"if not {low} <= {value} <= {high}: raise ValueError",
        ]
    if field.kind == "date" and datetimes:
        # `parse_moment` written out, as below for `parse_date`.
        return [
            f"{value} = fromisoformat({value})",
            f"if {value}.tzinfo is not None: {value} = {value}.astimezone(UTC).replace(tzinfo=None)",
        ]
    if field.kind == "date":
        # `parse_date`'s fast path written out: a call costs as much again, on ten million dates.
        return [
            f"if len({value}) == 23 and {value}[10] == 'T' and {value}[19] == '.':",
            f"    fromisoformat({value})",
            f"    if {value}[20:] == '000': {value} = {value}[:19].replace('T', ' ')",
            f"    else: {value} = {value}.replace('T', ' ') + '000'",
            f"else: {value} = parse_date({value})",
        ]
    if field.kind == "bool":
        return [f"{value} = parse_bool({value})"]
    if field.kind == "html":
        return [
            f"if len({value}) > {MAX_VALUE_CHARS}: raise ValueError",
            f"{value} = html({value})",
        ]
    if field.kind == "tags":
        return [f"{value} = tags({value})"]
    return [f"if len({value}) > {field.max_length or MAX_VALUE_CHARS}: raise ValueError"]


def _limited(text: str, limit: int) -> str:
    if len(text) > limit:
        raise BadValue(f"is longer than {limit} characters ({len(text)})")
    return text
