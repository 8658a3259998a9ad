"""The one rule for tag names, shared by the forms, the pages and the importer."""

from __future__ import annotations

import pytest

from pnyx.errors import ValidationError
from pnyx.posts.rules import check_tag_name, is_tag_name

# Tags Stack Exchange sites use: symbols in their places, and other scripts' letters.
REAL_TAGS = [
    "beer",
    "3.2-beer",
    "c++",
    "c++11",
    "c#",
    "f#-interactive",
    ".net",
    ".htaccess",
    "asp.net-mvc",
    "python-2.7",
    "регулярные-выражения",
    "文字化け",
    "programación",
    "x" * 35,
]
NOT_TAGS = ["", "a/b", "a b", "a_b", "Beer", "-a", "a-", "+a", "#a", "a.", ".", "..", "x" * 36,
            "a%2fb", "a?b", "a<b>", "a\x00b", "a\nb"]  # fmt: skip


@pytest.mark.parametrize("name", REAL_TAGS)
def test_stack_exchange_tags_are_tag_names(name: str) -> None:
    assert is_tag_name(name)
    assert check_tag_name(name) == name


@pytest.mark.parametrize("name", NOT_TAGS)
def test_other_names_are_refused(name: str) -> None:
    assert not is_tag_name(name)


def test_typed_tags_are_lowered_and_stripped_before_the_rule() -> None:
    assert check_tag_name("  Beer ") == "beer"
    assert check_tag_name("ПИВО") == "пиво"
    with pytest.raises(ValidationError, match=r"Tag 'a/b' is not valid: use up to 35 lowercase"):
        check_tag_name("a/b")
