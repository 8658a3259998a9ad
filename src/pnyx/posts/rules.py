"""The content rules a question, answer or comment must meet, in one place.

The write actions (`pnyx.posts.actions`), and through them the web forms, call these, so a
rule changes once; the API will call the same actions.
Limits follow Stack Exchange's.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pnyx.errors import ValidationError

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 30, 30000
COMMENT_MIN, COMMENT_MAX = 15, 600
TAGS_MIN, TAGS_MAX = 1, 5
TAG_MAX_LENGTH = 35
# Stack Exchange's tag characters: lowercase letters and digits, and . # + - with a place: a tag
# starts with a letter, a digit or "." (.net) and ends with a letter, a digit, "#" or "+" (c#,
# c++). Sites in other languages (ru, ja, es, pt) add their own letters, so any script's
# lowercase or uncased letters, marks and decimal digits count as letters.
TAG_SYMBOLS = ".#+-"
_TAG_SHAPE_RE = re.compile(r"a|[a.][a.#+-]*[a#+]")
_ASCII_TAG_RE = re.compile(r"[a-z0-9]|[a-z0-9.][a-z0-9.#+-]*[a-z0-9#+]")
_TAG_LETTER_CATEGORIES = frozenset({"Ll", "Lm", "Lo", "Mn", "Mc", "Me", "Nd"})


def _length(text: str) -> int:
    return len(re.sub(r"\s+", " ", text).strip())


def check_title(title: str) -> str:
    clean = re.sub(r"\s+", " ", title).strip()
    if len(clean) < TITLE_MIN:
        raise ValidationError(f"Title must be at least {TITLE_MIN} characters.")
    if len(clean) > TITLE_MAX:
        raise ValidationError(f"Title cannot be longer than {TITLE_MAX} characters.")
    return clean


def check_body(body: str, what: str = "Body") -> str:
    length = _length(body)
    if length < BODY_MIN:
        raise ValidationError(
            f"{what} must be at least {BODY_MIN} characters; you entered {length}."
        )
    if len(body) > BODY_MAX:
        raise ValidationError(
            f"{what} is limited to {BODY_MAX} characters; you entered {len(body)}."
        )
    return body.strip("\n")


def is_tag_name(name: str) -> bool:
    """Whether `name`, as it stands, is a tag name (see `check_tag_name` for typed input)."""
    if not 0 < len(name) <= TAG_MAX_LENGTH:
        return False
    if name.isascii():
        return _ASCII_TAG_RE.fullmatch(name) is not None
    return _is_unicode_tag_name(name)


@lru_cache(maxsize=16384)  # a dump repeats each tag on every post that has it
def _is_unicode_tag_name(name: str) -> bool:
    shape = "".join(
        c
        if c in TAG_SYMBOLS
        else "a"
        if ("a" <= c <= "z" or "0" <= c <= "9" or unicodedata.category(c) in _TAG_LETTER_CATEGORIES)
        else "?"
        for c in name
    )
    return _TAG_SHAPE_RE.fullmatch(shape) is not None


TAG_RULE = (
    f"up to {TAG_MAX_LENGTH} lowercase letters, digits and the characters . # + - "
    "(not first: # + -; not last: . -)"
)


def check_tag_name(name: str) -> str:
    """The tag a person typed, in lower case and without surrounding space; the one rule for
    tag names, which pages, forms and the importer share."""
    tag = name.strip().lower()
    if not is_tag_name(tag):
        raise ValidationError(f"Tag {name!r} is not valid: use {TAG_RULE}")
    return tag


def check_tags(tags: list[str] | str) -> list[str]:
    items = tags.replace(",", " ").split() if isinstance(tags, str) else list(tags)
    clean: list[str] = []
    for item in items:
        tag = check_tag_name(item)
        if tag not in clean:
            clean.append(tag)
    if len(clean) < TAGS_MIN:
        raise ValidationError("Please enter at least one tag.")
    if len(clean) > TAGS_MAX:
        raise ValidationError(f"Please enter no more than {TAGS_MAX} tags.")
    return clean


def check_comment(text: str) -> str:
    clean = text.strip()
    length = _length(clean)
    if length < COMMENT_MIN:
        raise ValidationError(f"Comments must be at least {COMMENT_MIN} characters in length.")
    if len(clean) > COMMENT_MAX:
        raise ValidationError(f"Comments cannot be longer than {COMMENT_MAX} characters.")
    return clean


EDIT_SUMMARY_MAX = 300


def check_edit_summary(summary: str) -> str:
    clean = re.sub(r"\s+", " ", summary).strip()
    if len(clean) > EDIT_SUMMARY_MAX:
        raise ValidationError(
            f"The edit summary cannot be longer than {EDIT_SUMMARY_MAX} characters."
        )
    return clean


def check_display_name(name: str) -> str:
    clean = re.sub(r"\s+", " ", name).strip()
    if not 1 <= len(clean) <= 100:
        raise ValidationError("A display name needs 1 to 100 characters.")
    return clean
