"""Streaming a dump file's `<row .../>` elements with lxml's iterparse, in flat memory.

Each row is handed out and then cleared and detached from the tree, so a 100 GB file is read
with the memory of a few rows. Whatever breaks the file's shape (not well-formed XML, another
root element, an element that is not a row) stops the read with the file and the line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from lxml import etree

from pnyx.dumps.errors import DumpError
from pnyx.dumps.schema import Table
from pnyx.dumps.source import ARCHIVE_ERRORS, DumpFile

PROGRESS_EVERY = 4096  # rows between progress reports
Progress = Callable[[int, int], None]  # (rows so far, bytes read so far)


class CountingReader:
    """A read-only stream that counts the bytes handed to the parser (for progress and ETA)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.bytes_read += len(data)
        return data


def _syntax_problem(exc: etree.XMLSyntaxError) -> str:
    message = (exc.msg or str(exc)).strip()
    # libxml2 appends ", line N, column M"; the caller puts the line in front already.
    return f"not well-formed XML: {message}"


def read_rows(
    dump_file: DumpFile, table: Table, progress: Progress | None = None
) -> Iterator[etree._Element]:
    """Yield each `<row>` element of `dump_file`; its attributes are valid until the next one."""
    stream = dump_file.open()
    reader = CountingReader(stream)
    label = dump_file.label
    rows = 0
    try:
        context = etree.iterparse(
            reader,
            events=("end",),
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
            remove_comments=True,
            remove_pis=True,
        )
        checked_root = False
        for _event, element in context:
            if not checked_root:
                root = element.getroottree().getroot()
                if root.tag != table.root:
                    raise DumpError(
                        f"the root element is <{root.tag}>, expected <{table.root}> "
                        f"in {table.file}",
                        label,
                        root.sourceline,
                    )
                checked_root = True
            parent = element.getparent()
            if parent is None:
                break  # the root's own end: the file is complete
            if element.tag != "row":
                raise DumpError(
                    f"unexpected element <{element.tag}> (only <row .../> belongs in <{table.root}>)",
                    label,
                    element.sourceline,
                )
            yield element
            rows += 1
            element.clear()
            while element.getprevious() is not None:
                del parent[0]
            if progress is not None and rows % PROGRESS_EVERY == 0:
                progress(rows, reader.bytes_read)
    except etree.XMLSyntaxError as exc:
        raise DumpError(_syntax_problem(exc), label, exc.lineno) from exc
    except ARCHIVE_ERRORS as exc:
        raise DumpError(f"the archive is damaged or truncated ({exc})", label) from exc
    except OSError as exc:
        raise DumpError(f"cannot be read: {exc.strerror or exc}", label) from exc
    finally:
        stream.close()
    if progress is not None:
        progress(rows, reader.bytes_read)


def bare_parse(dump_file: DumpFile, table: Table) -> int:
    """Read every row and do nothing with it: the floor an import cannot beat (benchmarks)."""
    count = 0
    for _row in read_rows(dump_file, table):
        count += 1
    return count
