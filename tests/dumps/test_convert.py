"""Dates from a dump are stored exactly as Django would store the same moment, whether
`parse_date` converts them or a table's generated converter (which has its fast path inline),
and as the same moments when they are converted to datetimes for PostgreSQL."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from pnyx.dumps import convert
from pnyx.dumps.convert import RowConverter, RowProblem, parse_date, parse_moment
from pnyx.dumps.schema import VOTES, Field, Table, license_for_date

DATED_TABLE = Table("Dated.xml", "dated", "dated", (Field("Date", "date", "date"),))
DATED = RowConverter(DATED_TABLE)
DATED_MOMENTS = RowConverter(DATED_TABLE, datetimes=True)


def converted(text: str) -> object:
    """The date as a table's converter stores it."""
    return DATED({"Date": text})[0]


def as_text(moment: datetime) -> str:
    assert moment.tzinfo is None  # a naive datetime, in UTC
    return moment.isoformat(" ")


def parsed_moment(text: str) -> str:
    return as_text(parse_moment(text))


def converted_moment(text: str) -> str:
    """The date as a table's converter gives it to PostgreSQL: a datetime."""
    moment = DATED_MOMENTS({"Date": text})[0]
    assert isinstance(moment, datetime)
    return as_text(moment)


BOTH = pytest.mark.parametrize("convert", [parse_date, converted, parsed_moment, converted_moment])


@BOTH
def test_dump_dates_are_stored_as_django_stores_them(convert: Callable[[str], object]) -> None:
    randomness = random.Random(7)
    start = datetime(2008, 7, 31)
    for _ in range(20_000):
        moment = start + timedelta(seconds=randomness.randrange(20 * 365 * 86400))
        moment = moment.replace(
            microsecond=randomness.choice([0, randomness.randrange(1000)]) * 1000
        )
        text = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"
        assert convert(text) == moment.isoformat(" "), text


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2014-01-21T20:26:05.383", "2014-01-21 20:26:05.383000"),
        ("2014-01-21T20:26:05.000", "2014-01-21 20:26:05"),
        ("2014-01-21T20:26:05", "2014-01-21 20:26:05"),
        ("2014-01-21 20:26:05.5", "2014-01-21 20:26:05.500000"),
        ("2014-01-21T21:26:05.383+01:00", "2014-01-21 20:26:05.383000"),
    ],
)
@BOTH
def test_other_date_shapes_are_normalised(
    text: str, stored: str, convert: Callable[[str], object]
) -> None:
    assert convert(text) == stored


@pytest.mark.parametrize(
    "text", ["2016-02-30T00:00:00.000", "2016-01-26T25:00:00.000", "yesterday", "2016-01-26T00:0"]
)
@BOTH
def test_impossible_dates_are_refused(text: str, convert: Callable[[str], object]) -> None:
    with pytest.raises((ValueError, RowProblem)):
        convert(text)


def test_licences_follow_the_date_given_as_text_or_datetime() -> None:
    for text, licence in [
        ("2011-04-07 23:59:59", "CC BY-SA 2.5"),
        ("2011-04-08 00:00:00", "CC BY-SA 3.0"),
        ("2018-05-01 12:00:00.5", "CC BY-SA 3.0"),
        ("2018-05-02 00:00:00", "CC BY-SA 4.0"),
    ]:
        assert license_for_date(text) == licence
        assert license_for_date(datetime.fromisoformat(text)) == licence


def test_the_timezone_is_utc() -> None:
    assert datetime.fromisoformat(parse_date("2020-05-01T10:00:00.000")).replace(
        tzinfo=UTC
    ) == datetime(2020, 5, 1, 10, tzinfo=UTC)


VOTE = {"Id": "7", "PostId": "3", "VoteTypeId": "2", "CreationDate": "2014-01-21T00:00:00.000"}
VOTE_VALUES = [7, 3, 2, None, "2014-01-21 00:00:00", None]


def test_rows_convert_the_same_whatever_their_attributes_order() -> None:
    """Rows are read by position, with a converter per set of attributes in their order."""
    converter = RowConverter(VOTES)
    for keys in itertools.permutations(VOTE):
        assert converter({key: VOTE[key] for key in keys}) == VOTE_VALUES
    assert converter({**VOTE, "UserId": "5", "Unknown": "x"})[3] == 5
    with pytest.raises(RowProblem, match="the row has no PostId"):
        converter({key: value for key, value in VOTE.items() if key != "PostId"})
    with pytest.raises(RowProblem, match="VoteTypeId 'up' is not an integer"):
        converter({**VOTE, "VoteTypeId": "up"})


def test_rows_of_more_shapes_than_compiled_are_read_by_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(convert, "MAX_SHAPES", 3)
    converter = RowConverter(VOTES)
    shapes = list(itertools.permutations(VOTE))[:10]
    for keys in shapes:
        assert converter({key: VOTE[key] for key in keys}) == VOTE_VALUES
    assert len(converter._by_shape) == 3
