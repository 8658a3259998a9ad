"""Finding a dump's eight XML files: in a folder, in a site's `.7z` archive, or in a `.zip`.

Stack Exchange ships each site as one `.7z` holding the eight files, and Stack Overflow as one
`.7z` per table; a folder may hold the extracted files or those per-table archives. A `.zip` is
read member by member as a stream. 7-Zip archives are extracted into a work folder first (py7zr
cannot hand out a member as a stream), which the caller removes afterwards.
"""

from __future__ import annotations

import io
import lzma
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


def _extract_7z(archive: Path, work_dir: Path) -> dict[str, Path]:
    """Extract the dump's XML files from a 7-Zip archive; return them by canonical name."""
    label = archive.name
    try:
        with py7zr.SevenZipFile(archive, mode="r") as seven:
            wanted = {name: _canonical(name) for name in seven.getnames()}
            targets = [name for name, canonical in wanted.items() if canonical]
            if not targets:
                return {}
            seven.extract(path=work_dir, targets=targets)
    except ARCHIVE_ERRORS as exc:
        raise DumpError(f"the archive is damaged or truncated ({exc})", label) from exc
    found: dict[str, Path] = {}
    for name in targets:
        canonical = wanted[name]
        extracted = work_dir / name
        if canonical and extracted.is_file():
            found[canonical] = extracted
    return found


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
