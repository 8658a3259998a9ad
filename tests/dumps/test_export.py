"""`pnyx export`: the dump format, the anonymisation, and the round trip through an import."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from tests import factories

from pnyx.dumps.exporter import escape_attribute, export_site
from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.dumps.xmlwrite import format_date
from pnyx.errors import ConfigurationError, NotFound
from pnyx.posts.models import (
    Badge,
    Comment,
    Post,
    PostHistory,
    PostLink,
    PostTag,
    SiteUser,
    Tag,
    Vote,
    VoteType,
)
from pnyx.sites.context import activated
from pnyx.sites.services import delete_site

from .conftest import MINIMAL_USERS, xml_rows

ROUND_TRIP_MODELS = [SiteUser, Post, Comment, Vote, PostHistory, PostLink, Tag, PostTag, Badge]
HTML_FIELDS = {"body_html", "text_html"}


def _rows(site: Any, model: Any) -> list[tuple[Any, ...]]:
    fields = [
        f.attname for f in model._meta.concrete_fields if f.attname != "id" or model is not PostTag
    ]
    with activated(site):
        rows = list(
            model.objects.order_by(
                *(["post_id", "tag_id"] if model is PostTag else ["pk"])
            ).values_list(*fields)
        )
    html_at = [i for i, name in enumerate(fields) if name in HTML_FIELDS]
    prefix = f'href="/{site.name}/'
    normalised = []
    for row in rows:
        values = list(row)
        for i in html_at:
            values[i] = values[i].replace(prefix, 'href="/SITE/')
        normalised.append(tuple(values))
    return normalised


def _indexes(site: Any) -> dict[str, set[str]]:
    """The index names of each site table (constraints' own indexes included)."""
    from django.db import connections

    from pnyx.sites.registry import ensure_connection

    ensure_connection(site)
    connection = connections[site.db_alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return {
            table: {
                name
                for name, details in connection.introspection.get_constraints(cursor, table).items()
                if details["index"]
            }
            for table in tables
        }


def _tables_with_statistics(site: Any) -> set[str]:
    """The site tables the query planner has statistics for (ANALYZE gathers them)."""
    from django.db import connections

    from pnyx.sites.registry import ensure_connection

    ensure_connection(site)
    connection = connections[site.db_alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        else:
            cursor.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema()"
            )
        return {str(row[0]) for row in cursor.fetchall()}


@pytest.fixture
def imported_sites() -> Any:
    created: list[Any] = []
    yield created
    for site in created:
        delete_site(site)


def test_round_trip_gives_the_same_rows(beer, tmp_path: Path, imported_sites: list[Any]) -> None:  # type: ignore[no-untyped-def]
    export_site("beer", tmp_path / "export")
    report = import_dump(
        ImportRequest(
            tmp_path / "export",
            site_name=f"rt{uuid.uuid4().hex[:8]}",
            origins=["https://beer.stackexchange.com"],
        )
    )
    imported_sites.append(report.site)
    for model in ROUND_TRIP_MODELS:
        before, after = _rows(beer, model), _rows(report.site, model)
        assert len(before) == len(after), model.__name__
        assert before == after, model.__name__
    assert report.result.dangling == {"Votes.xml": 802, "PostLinks.xml": 1}


def test_export_writes_the_dump_format(beer, tmp_path: Path, beer_files: Path) -> None:  # type: ignore[no-untyped-def]
    written = export_site("beer", tmp_path)
    assert written["Posts.xml"] == 2106
    raw = (tmp_path / "Comments.xml").read_bytes()
    assert raw.startswith(b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\r\n<comments>\r\n')
    assert raw.endswith(b"</comments>")
    lines = raw.split(b"\r\n")
    assert all(line.startswith(b"  <row Id=") for line in lines[2:-1])
    # The dump's own files come back byte for byte where nothing is rendered or normalised.
    for name in (
        "Users.xml",
        "Comments.xml",
        "Votes.xml",
        "Tags.xml",
        "Badges.xml",
        "PostLinks.xml",
    ):
        assert (tmp_path / name).read_bytes() == (beer_files / name).read_bytes(), name
    first = next(xml_rows(tmp_path / "Posts.xml"))
    assert first["CreationDate"] == "2014-01-21T20:26:05.383"
    assert first["Tags"] == "<hops>"
    assert "ContentLicense" not in first  # the 2016 dump had none; Pnyx derived it
    assert "ClosedDate" not in first  # NULL columns are left out


def test_local_links_point_back_to_the_origin(beer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export_site("beer", tmp_path)
    bodies = [row["Body"] for row in xml_rows(tmp_path / "Posts.xml")]
    assert any('href="https://beer.stackexchange.com/questions/' in body for body in bodies)
    assert not any('href="/beer/' in body for body in bodies)


def test_votes_are_anonymised_as_stack_exchange_does(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("Asker")
    voter = factories.create_user("Voter")
    question = factories.ask_question(
        asker, "How long does a cask ale keep?", "Once tapped, how long is it good? " * 2, ["ale"]
    )
    at = datetime(2024, 3, 5, 17, 42, 11, 123000, tzinfo=UTC)
    for vote_type in (VoteType.UP, VoteType.DOWN, VoteType.FAVORITE, VoteType.BOUNTY_START):
        Vote.objects.create(
            post=question,
            vote_type=vote_type,
            user=voter,
            creation_date=at,
            bounty_amount=50 if vote_type == VoteType.BOUNTY_START else None,
        )
    export_site(site.name, tmp_path)
    votes = list(xml_rows(tmp_path / "Votes.xml"))
    assert [v.get("UserId") for v in votes] == [None, None, str(voter.id), str(voter.id)]
    assert {v["CreationDate"] for v in votes} == {"2024-03-05T00:00:00.000"}
    assert votes[3]["BountyAmount"] == "50"
    post = next(xml_rows(tmp_path / "Posts.xml"))
    assert post["ContentLicense"] == "CC BY-SA 4.0"  # Pnyx's own posts name their licence
    user_rows = list(xml_rows(tmp_path / "Users.xml"))
    assert all("Email" not in key for row in user_rows for key in row)


def test_deleted_posts_are_left_out(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("Asker")
    kept = factories.ask_question(
        asker, "Which glass for a tripel?", "Tulip or chalice, and why? " * 2, ["glassware"]
    )
    gone = factories.ask_question(
        asker, "Which glass for a stout?", "Pint or snifter, and why? " * 2, ["glassware"]
    )
    factories.add_comment(gone, asker, "Never mind, I found it elsewhere.")
    Post.objects.filter(pk=gone.pk).update(deletion_date=datetime.now(UTC))
    export_site(site.name, tmp_path)
    assert [row["Id"] for row in xml_rows(tmp_path / "Posts.xml")] == [str(kept.id)]
    assert list(xml_rows(tmp_path / "Comments.xml")) == []
    assert {row["PostId"] for row in xml_rows(tmp_path / "PostHistory.xml")} == {str(kept.id)}


def test_exporting_an_unknown_or_empty_site_is_refused(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="there is no site 'nope'"):
        export_site("nope", tmp_path)
    with pytest.raises(NotFound, match="has no content"):
        export_site(site.name, tmp_path)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ('a "b" <c> & d', "a &quot;b&quot; &lt;c&gt; &amp; d"),
        ("line\r\nnext\tcell", "line&#xD;&#xA;next&#x9;cell"),
        ("bell\x07gone", "bellgone"),
    ],
)
def test_attribute_escaping(text: str, escaped: str) -> None:
    assert escape_attribute(text) == escaped


def test_attribute_escaping_matches_a_character_by_character_reference() -> None:
    """Escaping by successive replaces gives what mapping each character on its own gives."""
    mapping: dict[int, str | None] = {
        ord("&"): "&amp;",
        ord("<"): "&lt;",
        ord(">"): "&gt;",
        ord('"'): "&quot;",
        ord("\n"): "&#xA;",
        ord("\r"): "&#xD;",
        ord("\t"): "&#x9;",
        **{code: None for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]},
        0xFFFE: None,
        0xFFFF: None,
    }
    alphabet = "a é&<>\"'\n\r\t\x00\x07\x0b\x1f\ufffe\uffff;#x"
    chance = random.Random(7)
    for _ in range(2000):
        text = "".join(chance.choices(alphabet, k=chance.randint(0, 30)))
        assert escape_attribute(text) == text.translate(mapping), repr(text)


@pytest.mark.parametrize(
    ("value", "formatted"),
    [
        ("2024-02-26 23:39:10.194000", "2024-02-26T23:39:10.194"),
        ("2024-02-26 23:39:10", "2024-02-26T23:39:10.000"),  # Django leaves out zero fractions
        ("2024-02-26 23:39:10.000999", "2024-02-26T23:39:10.000"),  # cut, not rounded
        (datetime(2014, 1, 2, 3, 4, 5, 999999, tzinfo=UTC), "2014-01-02T03:04:05.999"),
        (
            datetime(2014, 1, 2, 0, 4, 5, tzinfo=timezone(timedelta(hours=2))),
            "2014-01-01T22:04:05.000",
        ),
    ],
)
def test_dates_are_written_as_the_dumps_have_them(value: object, formatted: str) -> None:
    assert format_date(value) == formatted


def test_pipe_tags_are_written_back_as_pipes(
    make_dump: Callable[..., Path], tmp_path: Path, imported_sites: list[Any]
) -> None:
    from .conftest import MINIMAL_POSTS

    posts = [
        MINIMAL_POSTS[0].replace("&lt;stout&gt;&lt;colour&gt;", "|stout|colour|"),
        MINIMAL_POSTS[1],
    ]
    report = import_dump(
        ImportRequest(make_dump({"Posts.xml": posts}), site_name=f"p{uuid.uuid4().hex[:8]}")
    )
    imported_sites.append(report.site)
    export_site(report.site.name, tmp_path / "out")
    assert next(xml_rows(tmp_path / "out" / "Posts.xml"))["Tags"] == "|stout|colour|"


def _disk_fills_at_the_posts(monkeypatch: pytest.MonkeyPatch) -> None:
    from pnyx.dumps import exporter

    real_line = exporter._Formatter.line

    def line(self: Any, row: tuple[Any, ...]) -> str:
        if self.table.file == "Posts.xml":
            raise OSError(28, "No space left on device")
        return real_line(self, row)

    monkeypatch.setattr(exporter._Formatter, "line", line)


@pytest.fixture
def small_site(make_dump: Callable[..., Path], imported_sites: list[Any]) -> Callable[..., Any]:
    """Import a small dump (`make_dump`'s files, with `files` in their place) as a new site."""

    def factory(files: dict[str, list[str]] | None = None) -> Any:
        report = import_dump(ImportRequest(make_dump(files), site_name=f"f{uuid.uuid4().hex[:8]}"))
        imported_sites.append(report.site)
        return report.site

    return factory


def test_a_failed_export_leaves_no_file_behind(
    small_site: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = small_site()
    _disk_fills_at_the_posts(monkeypatch)
    with pytest.raises(ConfigurationError, match="No space left on device"):
        export_site(site.name, tmp_path / "out")
    # Users.xml was complete when Posts.xml failed: it goes too, as a lone file is no dump,
    # and so does the folder the export made.
    assert not (tmp_path / "out").exists()


def test_a_failed_overwrite_leaves_the_earlier_export_whole(
    small_site: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_site(small_site().name, tmp_path / "out")
    earlier = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    # Another site, whose Users.xml (written before the disk fills) differs from the first's.
    users = [row.replace('Reputation="101"', 'Reputation="999"') for row in MINIMAL_USERS]
    other = small_site({"Users.xml": users})
    _disk_fills_at_the_posts(monkeypatch)
    with pytest.raises(ConfigurationError, match="No space left on device"):
        export_site(other.name, tmp_path / "out", overwrite=True)
    after = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert after == earlier


def test_loading_in_lanes_gives_the_same_rows(  # type: ignore[no-untyped-def]
    beer, imported_sites: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big dumps are loaded by several processes side by side; the rows must not change."""
    from pnyx.demo.beer import BEER_ARCHIVE, BEER_ORIGIN
    from pnyx.dumps.lanes import LanePool

    ran_in_lanes: list[str] = []
    run = LanePool.run

    def spy(pool: LanePool, lanes: Any, tasks: list[Any], reporter: Any) -> Any:
        ran_in_lanes.extend(task.file for task in tasks)
        return run(pool, lanes, tasks, reporter)

    monkeypatch.setattr(LanePool, "run", spy)
    report = import_dump(
        ImportRequest(
            BEER_ARCHIVE, site_name=f"h{uuid.uuid4().hex[:8]}", origins=[BEER_ORIGIN], jobs=3
        )
    )
    imported_sites.append(report.site)
    expected = {"Posts.xml", "Comments.xml", "Votes.xml", "replies-1", "checks-1", "checks-2"}
    assert expected <= set(ran_in_lanes)
    # The checks, shared out, find every reference the single process finds.
    assert report.result.dangling == {"Votes.xml": 802, "PostLinks.xml": 1}
    for model in ROUND_TRIP_MODELS:
        assert _rows(beer, model) == _rows(report.site, model), model.__name__
    # And the same indexes: the posts' are built by the import beside the finishing lanes.
    assert _indexes(report.site) == _indexes(beer)
    assert "posts_type_activity" in _indexes(report.site)["posts"]
    # The planner knows the loaded tables (on PostgreSQL each lane analyses its own).
    loaded = {"posts", "post_history", "comments", "votes", "users", "badges", "tags"}
    assert loaded <= _tables_with_statistics(report.site)
