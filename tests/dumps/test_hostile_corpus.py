"""Hostile dumps: a corpus of dumps made to hurt the importer, generated here (nothing big is
kept in the repository), each run through `pnyx import` on the test's backend.

Every case must end in one clear line naming the file (and the line where there is one) and
exit status 2, leave no site, database or work folder behind, write nothing outside the data
folder, leave another site as it was, and hold memory bounded: the cases that stream big
values run in a process of their own, whose peak memory is measured. The figures (cases
tried, failures, peak memory) are printed at the end of the module (`pytest -s`) and kept in
`docs/dumps.md`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import psycopg
import py7zr
import pytest
from psycopg import sql

from pnyx.cli import main
from pnyx.dumps import target as targets
from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.dumps.target import leftovers, work_folder
from pnyx.network.models import Site
from pnyx.posts.models import Comment, Post, SiteUser
from pnyx.sites.context import activated
from pnyx.sites.services import default_database_url, delete_site

from .conftest import (
    HEADER,
    MINIMAL_COMMENTS,
    MINIMAL_POSTS,
    MINIMAL_USERS,
    ROOTS,
    write_dump_file,
)

# A process importing a dump holds Django, lxml and a few batches: about 100 MB. A case that
# streams a value of a gigabyte must stay within this.
MEMORY_LIMIT_MB = 400
FIGURES: dict[str, Any] = {"cases": 0, "failures": [], "peak_mb": {}}


def _name() -> str:
    return f"h{uuid.uuid4().hex[:8]}"


def minimal_dump(folder: Path, files: dict[str, list[str]] | None = None) -> Path:
    """The small dump of `conftest` (users, two posts, comments), with `files` replaced."""
    folder.mkdir(parents=True)
    contents = {
        "Users.xml": MINIMAL_USERS,
        "Posts.xml": MINIMAL_POSTS,
        "Comments.xml": MINIMAL_COMMENTS,
    }
    contents.update(files or {})
    for file, rows in contents.items():
        write_dump_file(folder, file, ROOTS[file], rows)
    return folder


def post_row(**attributes: str) -> str:
    """A question's attributes, with `attributes` changed (or added)."""
    values = {
        "Id": "3",
        "PostTypeId": "1",
        "CreationDate": "2014-01-23T10:00:00.000",
        "Score": "1",
        "Body": "&lt;p&gt;Hops?&lt;/p&gt;",
        "Title": "Why hops?",
        "CommentCount": "0",
    }
    values.update(attributes)
    return " ".join(f'{key}="{value}"' for key, value in values.items())


def with_posts(*rows: str) -> Callable[[Path], Path]:
    return lambda folder: minimal_dump(folder, {"Posts.xml": [*MINIMAL_POSTS, *rows]})


def with_file(file: str, rows: list[str]) -> Callable[[Path], Path]:
    return lambda folder: minimal_dump(folder, {file: rows})


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path], Path]  # writes the dump under the folder given, returns its path
    says: str  # what the one line says
    jobs: str = "1"
    own_process: bool = False  # big streams: run apart, with its peak memory measured
    patch: Callable[[pytest.MonkeyPatch], None] | None = None  # the machine, as the case needs


# -- PostgreSQL databases made quickly -------------------------------------------------------


# `pnyx import` with its new PostgreSQL database copied from TEMPLATE rather than migrated.
FROM_TEMPLATE = """
import sys
from pnyx.cli import main, setup_django

setup_django()
from psycopg import connect, sql
from pnyx.dumps import target as targets

template = sys.argv[1]


def create(target):
    with connect(**targets._admin_conninfo(target.config), autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(target.name), sql.Identifier(template)
            )
        )


if template:
    targets.create = create
sys.exit(main(sys.argv[2:]))
"""
TEMPLATE: dict[str, str] = {"name": ""}


@pytest.fixture(scope="module", autouse=True)
def databases_from_a_template(backend: str) -> Iterator[None]:
    """On PostgreSQL an import migrates its new database, five seconds a case: here the
    imports copy one migrated once (CREATE DATABASE ... TEMPLATE), which is all the same to
    the cases, refused while the rows are read."""
    if backend != "postgres":
        yield
        return
    template = targets.new_target(default_database_url("hostiletemplate"))
    targets.create(template)
    TEMPLATE["name"] = template.name

    def create(target: targets.TargetDatabase) -> None:  # as FROM_TEMPLATE's
        with psycopg.connect(**targets._admin_conninfo(target.config), autocommit=True) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(target.name), sql.Identifier(template.name)
                )
            )

    patch = pytest.MonkeyPatch()
    patch.setattr(targets, "create", create)
    try:
        yield
    finally:
        patch.undo()
        TEMPLATE["name"] = ""
        targets.drop(template)


# -- the other site, which no case may touch -------------------------------------------------


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = minimal_dump(tmp_path_factory.mktemp("other") / "dump")
    site = import_dump(ImportRequest(folder, site_name=_name())).site
    yield site
    delete_site(Site.objects.get(pk=site.pk))


def fingerprint(site: Site) -> tuple[object, ...]:
    """What another import could change of a site: its row, its content, its file."""
    row = Site.objects.get(pk=site.pk)
    with activated(row):
        content = (
            list(Post.objects.order_by("id").values_list("id", "title", "body_html")),
            SiteUser.objects.count(),
            Comment.objects.count(),
        )
    stamp: object = None
    if row.database_url.startswith("sqlite"):
        path = Path(row.database_url.removeprefix("sqlite:///"))
        stamp = (path.stat().st_size, path.stat().st_mtime_ns)
    return (row.database_url, row.title, row.origins, content, stamp)


# -- running a case --------------------------------------------------------------------------


def files_under(folder: Path) -> dict[str, int]:
    return {
        str(path.relative_to(folder)): path.lstat().st_size
        for path in sorted(folder.rglob("*"))
        if not path.is_dir()
    }


def feed_fifo(path: Path, chunks: Iterator[bytes]) -> threading.Thread:
    """Make `path` a named pipe and write `chunks` into it from a thread, until the reader
    goes away: a file of any size without a byte on disk."""
    os.mkfifo(path)

    def feed() -> None:
        try:
            with path.open("wb") as pipe:
                for chunk in chunks:
                    pipe.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the import stopped reading, as it should

    thread = threading.Thread(target=feed, daemon=True)
    thread.start()
    return thread


def release_fifos(folder: Path) -> None:
    """Open each named pipe for reading once, so a feeder the import never read from ends."""
    for path in folder.rglob("*"):
        if stat.S_ISFIFO(path.lstat().st_mode):
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))


def run_apart(path: Path, name: str, jobs: str, cwd: Path) -> tuple[int, str, float]:
    """`pnyx import` in a process of its own: (status, stderr, peak memory in MB)."""
    command = [sys.executable, "-c", FROM_TEMPLATE, TEMPLATE["name"], "import", str(path)]
    command += ["--site", name, "--quiet", "--jobs", jobs]
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, "TMPDIR": str(cwd)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    error = process.stderr.read().decode()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, error, usage.ru_maxrss / 1024


def run_case(case: Case, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"  # the working directory: nothing may land here
    outside.mkdir()
    monkeypatch.chdir(outside)
    if case.patch is not None:
        case.patch(monkeypatch)
    dump = case.build(tmp_path / "dump")
    before = files_under(tmp_path)
    name = _name()
    started = time.monotonic()
    if case.own_process:
        status, error, peak = run_apart(dump, name, case.jobs, outside)
        FIGURES["peak_mb"][case.id] = round(peak)
    else:
        status = main(["import", str(dump), "--site", name, "--quiet", "--jobs", case.jobs])
        error = capsys.readouterr().err
        peak = 0.0
    release_fifos(tmp_path)
    FIGURES["cases"] += 1
    try:
        assert status == 2, error
        lines = error.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in error, error  # one clear line
        assert lines[0].startswith("pnyx: error: "), error
        assert case.says in lines[0], error
        assert files_under(tmp_path) == before  # nothing written beside the dump or here
        assert not Site.objects.filter(name=name).exists()
        assert leftovers(default_database_url(name), keep=None) == []
        assert not work_folder(name).exists()
        assert peak < MEMORY_LIMIT_MB, f"{case.id}: {peak:.0f} MB"
    except AssertionError:
        FIGURES["failures"].append(case.id)
        raise
    finally:
        FIGURES.setdefault("seconds", {})[case.id] = round(time.monotonic() - started, 1)


HISTORY = 'PostHistoryTypeId="2" PostId="1" CreationDate="2014-01-21T20:00:00.000" Text="x"'
LINE = "Posts.xml, line 5: "  # the row after the minimal dump's two posts

CASES: list[Case] = [
    # Integers are ASCII digits (int() also reads other scripts' digits, `_`, `+`, spaces).
    Case("arabic-indic-id", with_posts(post_row(Id="١٢")), LINE + "Id '١٢' is not an integer"),
    Case("fullwidth-score", with_posts(post_row(Score="\uff15")), LINE + "Score '\uff15' is not"),
    Case("underscore-id", with_posts(post_row(Id="1_0")), LINE + "Id '1_0' is not an integer"),
    Case("plus-id", with_posts(post_row(Id="+3")), LINE + "Id '+3' is not an integer"),
    Case("spaced-id", with_posts(post_row(Id=" 3")), LINE + "Id ' 3' is not an integer"),
    Case("long-integer", with_posts(post_row(Score="9" * 5000)), LINE + "Score '99999"),
    # What the columns hold on both backends; an id one less, so its sequence can move past.
    Case(
        "history-id-2^63-1",
        with_file("PostHistory.xml", [f'Id="{2**63 - 1}" {HISTORY}']),
        f"PostHistory.xml, line 3: Id {2**63 - 1} is out of range",
    ),
    Case(
        "comment-id-2^63",
        with_file("Comments.xml", [MINIMAL_COMMENTS[0].replace('Id="10"', f'Id="{2**63}"')]),
        f"Comments.xml, line 3: Id {2**63} is out of range",
    ),
    Case("post-id-2^31-1", with_posts(post_row(Id=str(2**31 - 1))), LINE + "Id 2147483647 is"),
    Case("score-2^31", with_posts(post_row(Score=str(2**31))), LINE + "Score 2147483648 is out"),
    Case(
        "post-type-smallint",
        with_posts(post_row(PostTypeId="40000")),
        LINE + "PostTypeId 40000 is out of range",
    ),
    Case(
        "vote-type-negative",
        with_file(
            "Votes.xml",
            ['Id="1" PostId="1" VoteTypeId="-40000" CreationDate="2014-01-22T00:00:00.000"'],
        ),
        "Votes.xml, line 3: VoteTypeId -40000 is out of range",
    ),
    # 100,000 attributes took a minute (lxml reads values by name): refused at once.
    Case(
        "100k-attributes",
        with_posts(post_row(**{f"A{i}": "1" for i in range(100_000)})),
        LINE + "the row has 100,007 attributes, more than the 100 a row may have",
    ),
    # Values past the documented limit.
    Case(
        "body-past-limit",
        with_posts(post_row(Body="a" * 2_000_001)),
        LINE + "Body is longer than 2000000 characters",
    ),
    Case(
        "comment-past-limit",
        with_file("Comments.xml", [MINIMAL_COMMENTS[0].replace("Good question", "b" * 2_000_001)]),
        "Comments.xml, line 3: Text is longer than 2000000 characters",
    ),
]

# -- what the parser would hold whole: refused while it is read ------------------------------

GIGABYTE = 2**30
ROW_TOO_LONG = "a row is longer than 16 MB of XML"


def posts_stream(before_value: bytes, value_bytes: int, after_value: bytes) -> Iterator[bytes]:
    """Posts.xml with a value of `value_bytes` made as it is written (never held whole)."""
    yield HEADER.encode() + b"<posts>\r\n"
    yield "".join(f"  <row {row} />\r\n" for row in MINIMAL_POSTS).encode()
    yield before_value
    chunk = b"a" * 2**20
    for _ in range(value_bytes // len(chunk)):
        yield chunk
    yield after_value + b"\r\n</posts>"


def streamed_posts(before: bytes, size: int, after: bytes) -> Callable[[Path], Path]:
    """A dump whose Posts.xml is a named pipe fed `posts_stream`: no byte of it on disk."""

    def build(folder: Path) -> Path:
        minimal_dump(folder)
        (folder / "Posts.xml").unlink()
        feed_fifo(folder / "Posts.xml", posts_stream(before, size, after))
        return folder

    return build


def zipped_posts(before: bytes, size: int, after: bytes) -> Callable[[Path], Path]:
    """A .zip of the minimal dump whose Posts.xml holds a value of `size` bytes."""

    def build(folder: Path) -> Path:
        minimal_dump(folder)
        archive = folder.parent / "dump.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zipped:
            for path in sorted(folder.iterdir()):
                if path.name != "Posts.xml":
                    zipped.write(path, path.name)
            with zipped.open("Posts.xml", "w", force_zip64=True) as member:
                for chunk in posts_stream(before, size, after):
                    member.write(chunk)
        return archive

    return build


def with_posts_text(text: str) -> Callable[[Path], Path]:
    """Posts.xml with `text` after its rows, inside <posts>."""

    def build(folder: Path) -> Path:
        minimal_dump(folder)
        path = folder / "Posts.xml"
        path.write_text(path.read_text().replace("</posts>", text + "</posts>"))
        return folder

    return build


def with_posts_file(content: bytes) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        minimal_dump(folder)
        (folder / "Posts.xml").write_bytes(content)
        return folder

    return build


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + ']>\n<posts><row Id="1" PostTypeId="1" CreationDate="2014-01-23T10:00:00.000"'
    ' Body="&j;" /></posts>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    '<posts><row Id="1" PostTypeId="1" CreationDate="2014-01-23T10:00:00.000"'
    ' Body="&secret;" /></posts>'
)
BIG_BODY = b'  <row Id="3" PostTypeId="1" CreationDate="2014-01-23T10:00:00.000" Body="'

CASES += [
    # A gigabyte's Body, streamed: 540 MB of memory per 100 MB of value before.
    Case(
        "1gb-body-streamed",
        streamed_posts(BIG_BODY, GIGABYTE, b'" />'),
        f"Posts.xml, line 5: {ROW_TOO_LONG}",
        own_process=True,
    ),
    Case(
        "1gb-body-streamed-lanes",
        streamed_posts(BIG_BODY, GIGABYTE, b'" />'),
        f"Posts.xml, line 5: {ROW_TOO_LONG}",
        jobs="2",
        own_process=True,
    ),
    # 64 MB of value in a 0.3 MB zip (the probe's: 10 GB in 10 MB, 10.3 GB of memory).
    Case(
        "zip-bomb-value",
        zipped_posts(BIG_BODY, 64 * 2**20, b'" />'),
        f"dump.zip:Posts.xml, line 5: {ROW_TOO_LONG}",
        own_process=True,
    ),
    # Between rows, or in an element that is not a row.
    Case(
        "whitespace-between-rows",
        streamed_posts(b"", 64 * 2**20, b""),
        f"Posts.xml, line 5: {ROW_TOO_LONG}",
        own_process=True,
    ),
    Case(
        "not-a-row-with-a-big-value",
        streamed_posts(b'  <rowx Body="', 64 * 2**20, b'" />'),
        f"Posts.xml, line 5: {ROW_TOO_LONG}",
        own_process=True,
    ),
    # Markup no dump has, in which a `<row` could hide from the count.
    Case(
        "comment",
        with_posts_text("<!-- <row " + "x" * 100 + " -->\r\n"),
        "Posts.xml, line 5: holds a comment, CDATA section or DOCTYPE",
    ),
    Case(
        "cdata",
        with_posts_text("<![CDATA[ <row ]]>\r\n"),
        "Posts.xml, line 5: holds a comment, CDATA section or DOCTYPE",
    ),
    Case(
        "processing-instruction",
        with_posts_text("<?pnyx <row ?>\r\n"),
        "Posts.xml, line 5: holds a processing instruction (<?...?>) after the XML",
    ),
    Case(
        "billion-laughs",
        with_posts_file(BILLION_LAUGHS.encode()),
        "Posts.xml, line 2: holds a comment, CDATA section or DOCTYPE",
    ),
    Case(
        "external-entity",
        with_posts_file(EXTERNAL_ENTITY.encode()),
        "Posts.xml, line 2: holds a comment, CDATA section or DOCTYPE",
    ),
    Case(
        "utf-16",
        with_posts_file((HEADER + "<posts></posts>").encode("utf-16")),
        "Posts.xml: is not UTF-8",
    ),
]

# -- archives --------------------------------------------------------------------------------


def archived(kind: str, names: Callable[[Path], dict[str, str]]) -> Callable[[Path], Path]:
    """A .7z or .zip of the minimal dump, its members named by `names(folder)` (file ->
    member name), written as named whatever the archivers' own checks would say; beside it a
    decoy file where a member's name points, which the import must not read."""

    def build(folder: Path) -> Path:
        minimal_dump(folder)
        named = names(folder)
        archive = folder.parent / f"dump.{kind}"
        if kind == "7z":
            with py7zr.SevenZipFile(archive, "w") as seven:
                for path in sorted(folder.iterdir()):
                    # py7zr's writestr refuses such names; its writer does not.
                    seven._writestr(path.read_bytes(), named.get(path.name, path.name))
        else:
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
                for path in sorted(folder.iterdir()):
                    zipped.writestr(named.get(path.name, path.name), path.read_bytes())
        return archive

    return build


def decoy(folder: Path) -> Path:
    """A valid Posts.xml outside the archive, as an absolute member name could point at."""
    place = folder.parent / "decoy"
    place.mkdir(exist_ok=True)
    write_dump_file(place, "Posts.xml", "posts", MINIMAL_POSTS)
    return place / "Posts.xml"


def absolute(folder: Path) -> dict[str, str]:
    return {"Posts.xml": str(decoy(folder))}


def parent_relative(folder: Path) -> dict[str, str]:
    decoy(folder)
    return {"Posts.xml": "../decoy/Posts.xml"}


def seven_zip_of_zeros(size: int) -> Callable[[Path], Path]:
    """A .7z whose Posts.xml is `size` zero bytes: kilobytes that extract to megabytes."""

    def build(folder: Path) -> Path:
        folder.mkdir(parents=True)
        archive = folder / "bomb.7z"
        with py7zr.SevenZipFile(archive, "w") as seven:
            seven.writestr(bytes(size), "Posts.xml")
        return archive

    return build


def little_room(monkeypatch: pytest.MonkeyPatch) -> None:
    """The data folder's disk with 1,000 bytes free."""
    from pnyx.dumps import source

    def usage(path: object) -> shutil._ntuple_diskusage:
        return shutil._ntuple_diskusage(10**12, 10**12 - 1000, 1000)

    monkeypatch.setattr(source.shutil, "disk_usage", usage)


def lying_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The archive's list of sizes says 100 bytes in all, whatever its members hold (a
    crafted header would; py7zr writes true ones)."""
    from pnyx.dumps import source

    class Lied(source._Extraction):
        def __init__(self, work_dir: Path, label: str, budget: int) -> None:
            super().__init__(work_dir, label, 100)

    monkeypatch.setattr(source, "_Extraction", Lied)


OUTSIDE = "outside the archive: no dump has one"

CASES += [
    Case("7z-absolute-member", archived("7z", absolute), "dump.7z: holds a member named '/"),
    Case("7z-parent-member", archived("7z", parent_relative), f"'../decoy/Posts.xml', {OUTSIDE}"),
    Case("zip-absolute-member", archived("zip", absolute), "dump.zip: holds a member named '/"),
    Case("zip-parent-member", archived("zip", parent_relative), f"'../decoy/Posts.xml', {OUTSIDE}"),
    # The probe's: 1.5 MB holding 10 GB of zeros filled tmp/ for 96 s. Refused unextracted.
    Case(
        "7z-bomb",
        seven_zip_of_zeros(64 * 2**20),
        "bomb.7z: its files say they take 67 MB extracted",
    ),
    Case(
        "7z-bigger-than-the-disk",
        archived("7z", lambda folder: {}),
        "bytes, and the data folder's disk has 1,000 bytes free: the XML may take at most 50%",
        patch=little_room,
    ),
    Case(
        "7z-members-bigger-than-listed",
        archived("7z", lambda folder: {}),
        "dump.7z: its members hold more than the archive says they do",
        patch=lying_sizes,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_hostile_dump_is_refused_in_one_line(
    case: Case, other_site: Site, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = fingerprint(other_site)
    run_case(case, tmp_path, capsys, monkeypatch)
    assert fingerprint(other_site) == seen


# -- dumps that are odd but fine -------------------------------------------------------------


def test_lanes_import_a_dump_whose_posts_have_no_tags(tmp_path: Path, capsys: Any) -> None:
    """In lanes on SQLite, the import's connection went on seeing the posts' indexes that the
    posts' lane had dropped, and making them again failed ("index post_tags_tag already
    exists") when nothing had used that connection since: a dump of posts only, without
    tags."""
    untagged = [row.replace('Tags="&lt;stout&gt;&lt;colour&gt;" ', "") for row in MINIMAL_POSTS]
    folder = tmp_path / "dump"
    folder.mkdir()
    write_dump_file(folder, "Posts.xml", "posts", untagged)
    name = _name()
    assert main(["import", str(folder), "--site", name, "--quiet", "--jobs", "2"]) == 0
    site = Site.objects.get(name=name)
    try:
        with activated(site):
            assert sorted(Post.objects.values_list("id", flat=True)) == [1, 2]
            assert list(Post.objects.filter(tags="").values_list("id", flat=True))
    finally:
        delete_site(site)
    assert capsys.readouterr().err == ""


def test_zz_figures() -> None:
    """The probe's figures for this run (shown with `pytest -s`)."""
    print(
        f"\nhostile dumps: {FIGURES['cases']} cases tried, {len(FIGURES['failures'])} failures"
        f" {FIGURES['failures']}, peak memory (MB) {FIGURES['peak_mb']},"
        f" seconds {FIGURES.get('seconds', {})}"
    )
    assert FIGURES["failures"] == []


# -- the reader's guard, chunk by chunk ------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 4096])
def test_the_guard_passes_a_dump_read_in_chunks_of_any_size(
    chunk: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marks split across chunks (`<row`, `<?xml`, `?` and `!` in values) are neither missed
    nor mistaken; with the last row the longest, a limit just over what follows its `<row`
    passes, one just under is stopped (the check is per chunk: a row is stopped within one
    chunk of the limit)."""
    from pnyx.dumps import xmlrows

    last = post_row(Title="Really?! &lt;no&gt; " + "x" * 200)
    folder = minimal_dump(tmp_path / "d", {"Posts.xml": [*MINIMAL_POSTS, last]})
    data = (folder / "Posts.xml").read_bytes()
    tail = len(data) - data.rindex(b"<row")
    for limit, passes in ((tail, True), (tail - 1, False)):
        monkeypatch.setattr(xmlrows, "MAX_ROW_BYTES", limit)
        reader = xmlrows.GuardedReader(io.BytesIO(data))
        read = b"".join(iter(partial(reader.read, chunk), b""))
        assert (reader.refused is None) is passes, (limit, reader.refused)
        assert read == data if passes else len(read) < len(data)
