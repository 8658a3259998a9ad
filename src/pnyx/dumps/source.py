"""Finding a dump's eight XML files: in a folder, in a site's `.7z` archive, or in a `.zip`.

Stack Exchange ships each site as one `.7z` holding the eight files, and Stack Overflow as one
`.7z` per table; a folder may hold the extracted files or those per-table archives. A `.zip` is
read member by member as a stream. 7-Zip archives are extracted into a work folder first (py7zr
cannot hand out a member as a stream), which the caller removes afterwards; only once their
size is known to be sane (`MAX_EXPANSION`) and to fit the disk (`ROOM_SHARE`), and each file
is written under its canonical name, whatever the member's name.
"""

from __future__ import annotations

import io
import lzma
import shutil
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

import py7zr
import py7zr.exceptions

from pnyx.dumps.errors import DumpError
from pnyx.dumps.progress import Reporter
from pnyx.dumps.schema import TABLES

# What a damaged or truncated archive raises while being opened or read.
ARCHIVE_ERRORS: tuple[type[BaseException], ...] = (
    py7zr.exceptions.ArchiveError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
)
TABLE_FILES = {table.file.lower(): table.file for table in TABLES}
EXTRACTING = "extracting .7z"  # the step's name in the progress display and the log
# A dump's XML is 5 to 15 times its .7z (beer: 7); past this many times the archive is a bomb.
MAX_EXPANSION = 100
# The extracted XML may take at most this share of the free space: the new database needs
# about as much again beside it.
ROOM_SHARE = 0.5


@dataclass(frozen=True)
class DumpFile:
    """One XML file of the dump, which can be opened (once or more) as a binary stream.

    It names its file rather than holding an open handle, so it can be handed to the
    import's helper processes, each opening the file for itself.
    """

    name: str  # canonical name, e.g. "Posts.xml"
    label: str  # how messages name it, e.g. "beer.7z:Posts.xml"
    size: int  # uncompressed bytes, for progress
    path: Path  # the file, or the .zip holding it
    member: str | None = None  # the file's name inside the .zip

    def open(self) -> IO[bytes]:
        try:
            if self.member is None:
                return self.path.open("rb")
            return io.BufferedReader(_ZipMemberStream(self.path, self.member), 1 << 16)
        except ARCHIVE_ERRORS as exc:
            raise DumpError(f"the archive is damaged or truncated ({exc})", self.label) from exc


class _ZipMemberStream(io.RawIOBase):
    """A member of a .zip read as a stream, closing the archive with it."""

    def __init__(self, archive: Path, member: str) -> None:
        super().__init__()
        self._zip = zipfile.ZipFile(archive)
        try:
            self._stream = self._zip.open(member)
        except BaseException:
            self._zip.close()
            raise

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._stream.close()
            self._zip.close()
        super().close()


@dataclass
class DumpSource:
    """The files of one dump, by canonical name; absent files are simply not in `files`."""

    name: str
    files: dict[str, DumpFile]


def _canonical(member: str) -> str | None:
    return TABLE_FILES.get(PurePosixPath(member).name.lower())


def _table_archive_name(path: Path) -> str | None:
    """`stackoverflow.com-Posts.7z` or `Posts.7z` -> `Posts.xml`."""
    stem = path.name[: -len(".7z")]
    table = stem.rsplit("-", 1)[-1]
    return TABLE_FILES.get(f"{table}.xml".lower())


def check_member_name(name: str, label: str) -> None:
    """Refuse an archive member named outside the folder it would be extracted to (an
    absolute name or one going up with `..`): no dump has one, and such a name has made an
    import read a local file of that name."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or name[1:2] == ":":
        raise DumpError(
            f"holds a member named {name!r}, outside the archive: no dump has one", label
        )


def _megabytes(size: int) -> str:
    if size >= 10**9:
        return f"{size / 1e9:,.1f} GB"
    if size >= 10**6:
        return f"{size / 1e6:,.0f} MB"
    return f"{size:,} bytes"


def _check_room(archive: Path, work_dir: Path, needed: int) -> None:
    """Refuse to extract `needed` bytes from `archive` into `work_dir` unless that is a sane
    expansion of the archive and fits the free space, before a byte is written."""
    label = archive.name
    packed = max(archive.stat().st_size, 1)
    if needed > MAX_EXPANSION * packed:
        raise DumpError(
            f"its files say they take {_megabytes(needed)} extracted, {needed // packed:,} "
            f"times the archive, where a dump's XML takes at most {MAX_EXPANSION} times: "
            "refused unextracted",
            label,
        )
    free = shutil.disk_usage(work_dir).free
    if needed > free * ROOM_SHARE:
        raise DumpError(
            f"extracting it needs {_megabytes(needed)}, and the data folder's disk has "
            f"{_megabytes(free)} free: the XML may take at most {ROOM_SHARE:.0%} of it, the "
            "new database needs the rest; free some space or extract the archive elsewhere "
            "and import the folder",
            label,
        )


class _Extraction(py7zr.WriterFactory):
    """Where py7zr writes the members picked: `work_dir/Posts.xml`..., whatever their names
    in the archive, and not a byte more than the archive said they hold."""

    def __init__(self, work_dir: Path, label: str, budget: int) -> None:
        self.work_dir = work_dir
        self.label = label
        self.budget = budget
        self.written: dict[str, Path] = {}
        self.files: list[IO[bytes]] = []

    def create(self, filename: str) -> py7zr.Py7zIO:
        canonical = _canonical(filename)
        if canonical is None or canonical in self.written:
            raise DumpError(f"extracting it gave an unexpected member {filename!r}", self.label)
        path = self.work_dir / canonical
        self.written[canonical] = path
        handle = path.open("wb")
        self.files.append(handle)
        return _CappedFile(handle, self)

    def take(self, size: int) -> None:
        self.budget -= size
        if self.budget < 0:
            raise DumpError("its members hold more than the archive says they do", self.label)

    def close(self) -> None:
        for handle in self.files:
            handle.close()


class _CappedFile(py7zr.Py7zIO):
    def __init__(self, handle: IO[bytes], extraction: _Extraction) -> None:
        self.handle = handle
        self.extraction = extraction

    def write(self, s: bytes | bytearray) -> int:
        self.extraction.take(len(s))
        return self.handle.write(s)

    def read(self, size: int | None = None) -> bytes:
        return b""

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.handle.seek(offset, whence)

    def flush(self) -> None:
        self.handle.flush()

    def size(self) -> int:
        return self.handle.tell()

    def close(self) -> None:
        self.handle.close()


def _extract_7z(archive: Path, work_dir: Path) -> dict[str, Path]:
    """Extract the dump's XML files from a 7-Zip archive; return them by canonical name."""
    label = archive.name
    extraction: _Extraction | None = None
    try:
        with py7zr.SevenZipFile(archive, mode="r") as seven:
            members = seven.list()
            for member in members:
                check_member_name(member.filename, label)
            picked: dict[str, str] = {}
            needed = 0
            for member in members:
                canonical = _canonical(member.filename)
                if canonical and not member.is_directory and canonical not in picked:
                    picked[canonical] = member.filename
                    needed += member.uncompressed
            if not picked:
                return {}
            _check_room(archive, work_dir, needed)
            extraction = _Extraction(work_dir, label, needed)
            seven.extract(path=work_dir, targets=list(picked.values()), factory=extraction)
    except ARCHIVE_ERRORS as exc:
        raise DumpError(f"the archive is damaged or truncated ({exc})", label) from exc
    finally:
        if extraction is not None:
            extraction.close()
    return {name: path for name, path in extraction.written.items() if path.is_file()}


def _plain_file(path: Path, label: str, name: str) -> DumpFile:
    return DumpFile(name, label, path.stat().st_size, path)


def _from_folder(folder: Path, work_dir: Path, reporter: Reporter) -> dict[str, DumpFile]:
    files: dict[str, DumpFile] = {}
    for entry in sorted(folder.iterdir()):
        canonical = TABLE_FILES.get(entry.name.lower())
        # A named pipe works too: `7z e -so site.7z Posts.xml > Posts.xml` streams into it.
        if canonical and (entry.is_file() or entry.is_fifo()):
            files[canonical] = _plain_file(entry, entry.name, canonical)
    archives = [
        entry
        for entry in sorted(folder.iterdir())
        if entry.suffix.lower() == ".7z"
        and entry.is_file()
        and _table_archive_name(entry) not in (None, *files)
    ]
    if archives:
        with reporter.step(EXTRACTING):
            for entry in archives:
                target = work_dir / entry.stem
                target.mkdir(parents=True, exist_ok=True)
                for canonical, path in _extract_7z(entry, target).items():
                    label = f"{entry.name}:{canonical}"
                    files.setdefault(canonical, _plain_file(path, label, canonical))
    return files


def _from_zip(archive: Path) -> dict[str, DumpFile]:
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
    except ARCHIVE_ERRORS as exc:
        raise DumpError(f"the archive is damaged or truncated ({exc})", archive.name) from exc
    files: dict[str, DumpFile] = {}
    for member in members:
        check_member_name(member.filename, archive.name)
    for member in members:
        canonical = _canonical(member.filename)
        if canonical and not member.is_dir() and canonical not in files:
            files[canonical] = DumpFile(
                canonical,
                f"{archive.name}:{canonical}",
                member.file_size,
                archive,
                member.filename,
            )
    return files


@contextmanager
def open_dump(path: Path, work_dir: Path, reporter: Reporter | None = None) -> Iterator[DumpSource]:
    """Find the dump's files at `path`; archives are opened (or extracted into `work_dir`,
    shown to `reporter` as a step: a big archive takes minutes)."""
    reporter = reporter or Reporter()
    if not path.exists():
        raise DumpError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if path.is_dir():
        files = _from_folder(path, work_dir, reporter)
    elif suffix == ".7z":
        with reporter.step(EXTRACTING):
            extracted = _extract_7z(path, work_dir)
        files = {name: _plain_file(p, f"{path.name}:{name}", name) for name, p in extracted.items()}
    elif suffix == ".zip":
        files = _from_zip(path)
    else:
        raise DumpError(
            f"{path} is not a dump: give a folder of XML files, a .7z or a .zip archive"
        )
    if "Posts.xml" not in files:
        raise DumpError(f"{path} holds no Posts.xml, so it is not a Stack Exchange data dump")
    yield DumpSource(name=path.name, files=files)
