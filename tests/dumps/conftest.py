"""Helpers for the dump tests: the beer dump's files, and small hand-made dumps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import py7zr
import pytest
from lxml import etree

from pnyx.dumps.schema import TABLES

# Each dump file's root element, as the importer expects it.
ROOTS = {table.file: table.root for table in TABLES}
HEADER = '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n'


@pytest.fixture(scope="session")
def beer_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The beer dump's XML files, extracted from the packaged archive."""
    from pnyx.demo.beer import BEER_ARCHIVE

    folder = tmp_path_factory.mktemp("beer-files")
    with py7zr.SevenZipFile(BEER_ARCHIVE) as archive:
        archive.extractall(folder)
    return folder


def xml_rows(path: Path) -> Iterator[dict[str, str]]:
    for _event, element in etree.iterparse(str(path), events=("end",), tag="row"):
        yield dict(element.attrib)
        element.clear()


def write_dump_file(folder: Path, name: str, root: str, rows: list[str], eol: str = "\r\n") -> Path:
    """One dump file: BOM, declaration, `<root>`, one row per line, as Stack Exchange writes."""
    body = HEADER.replace("\r\n", eol) + f"<{root}>{eol}"
    body += "".join(f"  <row {row} />{eol}" for row in rows)
    body += f"</{root}>"
    path = folder / name
    path.write_text(body, encoding="utf-8", newline="")
    return path


MINIMAL_USERS = [
    'Id="-1" Reputation="1" CreationDate="2014-01-21T17:45:53.587" DisplayName="Community" '
    'LastAccessDate="2014-01-21T17:45:53.587" Views="0" UpVotes="0" DownVotes="0" AccountId="-1"',
    'Id="5" Reputation="101" CreationDate="2014-01-21T18:00:00.000" DisplayName="Ann Asker" '
    'LastAccessDate="2014-02-01T10:00:00.000" Views="3" UpVotes="1" DownVotes="0" AccountId="77"',
    'Id="6" Reputation="55" CreationDate="2014-01-21T18:30:00.000" DisplayName="Bo Answerer" '
    'LastAccessDate="2014-02-01T10:00:00.000" Views="1" UpVotes="2" DownVotes="0" AccountId="78"',
]
MINIMAL_POSTS = [
    'Id="1" PostTypeId="1" AcceptedAnswerId="2" CreationDate="2014-01-21T20:00:00.000" '
    'Score="3" ViewCount="40" Body="&lt;p&gt;Why is stout dark?&lt;/p&gt;&#xA;" OwnerUserId="5" '
    'LastActivityDate="2014-01-22T09:00:00.000" Title="Why is stout so dark in colour?" '
    'Tags="&lt;stout&gt;&lt;colour&gt;" AnswerCount="1" CommentCount="1"',
    'Id="2" PostTypeId="2" ParentId="1" CreationDate="2014-01-22T09:00:00.000" Score="5" '
    'Body="&lt;p&gt;Roasted barley, see '
    '&lt;a href=&quot;https://tiny.stackexchange.com/questions/1/x&quot;&gt;this&lt;/a&gt;.&lt;/p&gt;" '
    'OwnerUserId="6" LastActivityDate="2014-01-22T09:00:00.000" CommentCount="1"',
]
MINIMAL_COMMENTS = [
    'Id="10" PostId="1" Score="0" Text="Good question, **really**." '
    'CreationDate="2014-01-21T21:00:00.000" UserId="6"',
    'Id="11" PostId="1" Score="1" Text="@Ann thanks, that helps" '
    'CreationDate="2014-01-22T10:00:00.000" UserId="6"',
]


@pytest.fixture
def make_dump(tmp_path: Path) -> Callable[..., Path]:
    """Write a small dump folder; `files` maps a file name to its rows (attribute text)."""
    counter = iter(range(1000))

    def factory(files: dict[str, list[str]] | None = None, eol: str = "\r\n") -> Path:
        folder = tmp_path / f"dump{next(counter)}"
        folder.mkdir()
        contents = {
            "Users.xml": MINIMAL_USERS,
            "Posts.xml": MINIMAL_POSTS,
            "Comments.xml": MINIMAL_COMMENTS,
        }
        contents.update(files or {})
        for name, rows in contents.items():
            write_dump_file(folder, name, ROOTS[name], rows, eol)
        return folder

    return factory
