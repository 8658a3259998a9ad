"""Bad dumps stop the import with the file, the line and the problem, and change nothing."""

from __future__ import annotations

import errno
import pickle
import shutil
import sqlite3
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import py7zr
import pytest

from pnyx.cli import main
from pnyx.dumps.errors import out_of_space
from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.dumps.target import leftovers, work_folder
from pnyx.network.models import Site
from pnyx.posts.models import Post
from pnyx.sites.context import activated
from pnyx.sites.services import default_database_url, delete_site

from .conftest import MINIMAL_COMMENTS, MINIMAL_POSTS, MINIMAL_USERS, write_dump_file


def _name() -> str:
    return f"bad{uuid.uuid4().hex[:8]}"


def run_import(path: Path, site: str, *extra: str) -> int:
    return main(["import", str(path), "--site", site, "--quiet", *extra])


def assert_no_trace(name: str) -> None:
    """No site row, no half-made database, no extracted files."""
    assert not Site.objects.filter(name=name).exists()
    assert leftovers(default_database_url(name), keep=None) == []
    assert not work_folder(name).exists()


@pytest.fixture
def existing_site() -> Any:
    """A site with content, imported from the minimal dump."""
    sites: list[Any] = []

    def factory(folder: Path) -> Any:
        site = import_dump(ImportRequest(folder, site_name=_name())).site
        sites.append(site)
        return site

    yield factory
    for site in sites:
        delete_site(Site.objects.get(pk=site.pk))


BAD_DUMPS = [
    pytest.param(
        "Posts.xml",
        [MINIMAL_POSTS[0], 'Id="2" PostTypeId="2 CreationDate="2014-01-22T09:00:00.000"'],
        "Posts.xml, line 4: not well-formed XML",
        id="malformed",
    ),
    pytest.param(
        "Users.xml",
        [*MINIMAL_USERS, 'Reputation="1" CreationDate="2014-01-21T18:00:00.000" DisplayName="X"'],
        "Users.xml, line 6: the row has no Id",
        id="row-without-id",
    ),
    pytest.param(
        "Comments.xml",
        [
            MINIMAL_COMMENTS[0],
            'Id="11" PostId="2" Score="1" Text="ok then" CreationDate="2014-13-45T10:00:00.000"',
        ],
        "Comments.xml, line 4: CreationDate '2014-13-45T10:00:00.000' is not a date",
        id="bad-date",
    ),
    pytest.param(
        "Comments.xml",
        ['Id="x10" PostId="1" Text="hm" CreationDate="2014-01-22T10:00:00.000"'],
        "Comments.xml, line 3: Id 'x10' is not an integer",
        id="bad-integer",
    ),
    pytest.param(
        "Users.xml",
        ['Id="7" CreationDate="2014-01-21T18:00:00.000" DisplayName="' + "n" * 101 + '"'],
        "Users.xml, line 3: DisplayName is longer than 100 characters",
        id="too-long",
    ),
]


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "lanes"])
@pytest.mark.parametrize(("file", "rows", "message"), BAD_DUMPS)
def test_bad_rows_stop_a_new_site_with_file_and_line(
    make_dump: Callable[..., Path],
    capsys: Any,
    file: str,
    rows: list[str],
    message: str,
    jobs: str,
) -> None:
    name = _name()
    status = run_import(make_dump({file: rows}), name, "--jobs", jobs)
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("pnyx: error: ")
    assert message in error, error
    assert_no_trace(name)


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "lanes"])
@pytest.mark.parametrize(("file", "rows", "message"), BAD_DUMPS[:3])
def test_bad_rows_leave_an_existing_site_as_it_was(
    make_dump: Callable[..., Path],
    existing_site: Any,
    capsys: Any,
    file: str,
    rows: list[str],
    message: str,
    jobs: str,
) -> None:
    site = existing_site(make_dump())
    status = run_import(make_dump({file: rows}), site.name, "--replace", "--jobs", jobs)
    assert status == 2
    assert message in capsys.readouterr().err
    after = Site.objects.get(pk=site.pk)
    assert after.database_url == site.database_url
    with activated(after):
        assert Post.objects.count() == 2
    assert leftovers(site.database_url, keep=site.database_url) == []


def test_an_unknown_root_element_is_named(make_dump: Callable[..., Path], capsys: Any) -> None:
    folder = make_dump()
    write_dump_file(folder, "Votes.xml", "ballots", ['Id="1" PostId="1" VoteTypeId="2"'])
    name = _name()
    assert run_import(folder, name) == 2
    error = capsys.readouterr().err
    assert "Votes.xml, line 2: the root element is <ballots>, expected <votes>" in error
    assert_no_trace(name)


def test_a_stray_element_is_named(make_dump: Callable[..., Path], capsys: Any) -> None:
    folder = make_dump()
    path = folder / "Users.xml"
    path.write_text(path.read_text(encoding="utf-8").replace("</users>", "  <user />\r\n</users>"))
    name = _name()
    assert run_import(folder, name) == 2
    assert "Users.xml, line 6: unexpected element <user>" in capsys.readouterr().err
    assert_no_trace(name)


def test_a_file_cut_short_is_reported(make_dump: Callable[..., Path], capsys: Any) -> None:
    folder = make_dump()
    path = folder / "Posts.xml"
    path.write_bytes(path.read_bytes()[:-200])
    name = _name()
    assert run_import(folder, name) == 2
    error = capsys.readouterr().err
    assert "Posts.xml, line " in error and "not well-formed XML" in error
    assert_no_trace(name)


@pytest.mark.parametrize("kind", ["7z", "zip"])
def test_a_truncated_archive_is_reported(
    make_dump: Callable[..., Path], tmp_path: Path, capsys: Any, kind: str
) -> None:
    folder = make_dump()
    archive = tmp_path / f"site.{kind}"
    if kind == "7z":
        with py7zr.SevenZipFile(archive, "w") as seven:
            for path in sorted(folder.iterdir()):
                seven.write(path, path.name)
    else:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(folder.iterdir()):
                zipped.write(path, path.name)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    name = _name()
    assert run_import(archive, name) == 2
    error = capsys.readouterr().err
    assert f"site.{kind}" in error and "damaged or truncated" in error, error
    assert_no_trace(name)


def test_not_a_dump_is_refused(tmp_path: Path, capsys: Any) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert run_import(tmp_path / "notes.txt", _name()) == 2
    assert "is not a dump" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_import(empty, _name()) == 2
    assert "holds no Posts.xml" in capsys.readouterr().err
    assert run_import(tmp_path / "missing", _name()) == 2
    assert "does not exist" in capsys.readouterr().err


def test_a_site_with_content_needs_replace(
    make_dump: Callable[..., Path], existing_site: Any, capsys: Any
) -> None:
    site = existing_site(make_dump())
    assert run_import(make_dump(), site.name) == 2
    assert "already has content; give --replace" in capsys.readouterr().err
    assert Site.objects.get(pk=site.pk).database_url == site.database_url


def test_replace_switches_to_the_new_content_and_drops_the_old_database(
    make_dump: Callable[..., Path], existing_site: Any
) -> None:
    site = existing_site(make_dump())
    smaller = make_dump({"Posts.xml": MINIMAL_POSTS[:1], "Comments.xml": MINIMAL_COMMENTS[:1]})
    assert run_import(smaller, site.name, "--replace") == 0
    after = Site.objects.get(pk=site.pk)
    assert after.database_url != site.database_url
    with activated(after):
        assert list(Post.objects.values_list("id", flat=True)) == [1]
    assert leftovers(after.database_url, keep=after.database_url) == []
    if site.database_url.startswith("sqlite"):
        assert not Path(site.database_url.removeprefix("sqlite:///")).exists()


REPEATED_IDS = {
    "Users.xml": [*MINIMAL_USERS, MINIMAL_USERS[1].replace("Ann Asker", "Ann Again")],
    # A plain comment and a reply with one id: in lanes on PostgreSQL, replies wait in a
    # table of their own and meet the other comments only once rendered.
    "Comments.xml": [*MINIMAL_COMMENTS, MINIMAL_COMMENTS[1].replace('Id="11"', 'Id="10"')],
    # In lanes on SQLite the posts are written by the helper process that sanitises them.
    "Posts.xml": [*MINIMAL_POSTS, MINIMAL_POSTS[1]],
}


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "lanes"])
@pytest.mark.parametrize("file", sorted(REPEATED_IDS))
def test_a_duplicate_id_is_reported_with_the_file(
    make_dump: Callable[..., Path], capsys: Any, jobs: str, file: str
) -> None:
    """On PostgreSQL the primary key is added after the rows (by a lane, in lanes): the
    repeated id is refused then, and still told as a problem of its file."""
    name = _name()
    assert run_import(make_dump({file: REPEATED_IDS[file]}), name, "--jobs", jobs) == 2
    error = capsys.readouterr().err
    assert error.startswith("pnyx: error: ")
    assert file in error and "repeats an id" in error
    assert len(error.strip().splitlines()) == 1, error  # one line, no traceback
    assert_no_trace(name)


def test_leftovers_of_a_killed_import_are_dropped_by_the_next(
    make_dump: Callable[..., Path],
) -> None:
    """A half-made database (as a killed import leaves) goes away when the site is imported."""
    from pnyx.dumps import target

    name = _name()
    stray = target.new_target(default_database_url(name))
    target.create(stray)
    assert leftovers(default_database_url(name), keep=None) == [stray]
    assert run_import(make_dump(), name) == 0
    site = Site.objects.get(name=name)
    assert leftovers(site.database_url, keep=site.database_url) == []
    assert target.exists(target.TargetDatabase(site.database_url))
    shutil.rmtree(work_folder(name), ignore_errors=True)
    delete_site(site)


def test_a_lane_that_breaks_stops_the_import_with_a_message(
    make_dump: Callable[..., Path], capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a problem of the dump but of Pnyx (here: the lane thread's load raises): a clear
    error, status 2, and no half-made site."""
    from pnyx.dumps import lanes

    def broken(*args: object) -> None:
        raise RuntimeError("the lane broke")

    monkeypatch.setattr(lanes, "_run", broken)  # the lane thread runs in this process
    name = _name()
    status = run_import(make_dump(), name, "--jobs", "2")
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("pnyx: error: ")
    assert "RuntimeError: the lane broke" in error
    assert_no_trace(name)


DISK_FULL = "the disk filled up during the import ({}); the site is as it was before"


@pytest.mark.parametrize(
    ("jobs", "where", "error", "said"),
    [
        ("2", "lane", sqlite3.OperationalError("database or disk is full"), "SQLite: database"),
        ("1", "load", OSError(errno.ENOSPC, "No space left on device"), "No space left on"),
        ("1", "load", psycopg.errors.DiskFull("could not extend file"), "PostgreSQL: could not"),
        ("1", "extract", OSError(errno.ENOSPC, "No space left on device"), "No space left on"),
    ],
)
def test_a_full_disk_stops_the_import_with_a_clear_message(
    make_dump: Callable[..., Path],
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
    jobs: str,
    where: str,
    error: BaseException,
    said: str,
) -> None:
    from pnyx.dumps import lanes
    from pnyx.dumps.loader import DumpLoader

    def full(*args: object, **kwargs: object) -> None:
        raise error

    path = make_dump()
    if where == "lane":
        monkeypatch.setattr(lanes, "_run", full)  # the lane thread runs in this process
    elif where == "load":
        monkeypatch.setattr(DumpLoader, "load_comments", full)
    else:
        path = tmp_path / "tiny.7z"
        with py7zr.SevenZipFile(path, "w") as seven:
            for file in sorted(make_dump().iterdir()):
                seven.write(file, file.name)
        monkeypatch.setattr(py7zr.SevenZipFile, "extract", full)
    name = _name()
    status = run_import(path, name, "--jobs", jobs)
    error_text = capsys.readouterr().err
    assert status == 2
    assert error_text.startswith("pnyx: error: " + DISK_FULL.format(said)[:40])
    assert said in error_text and "free some space and import again" in error_text
    assert "Traceback" not in error_text
    assert_no_trace(name)


def test_out_of_space_is_told_from_other_errors_and_crosses_processes() -> None:
    told = out_of_space(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert told is not None and "(Disk quota exceeded)" in str(told)
    assert pickle.loads(pickle.dumps(told)).args == told.args  # sent by a lane process
    assert out_of_space(OSError(errno.EACCES, "Permission denied")) is None
    assert out_of_space(sqlite3.OperationalError("database is locked")) is None
    assert out_of_space(ValueError("database or disk is full")) is None
