"""Streaming a dump file's `<row .../>` elements with lxml's iterparse, in flat memory.

Each row is handed out and then cleared and detached from the tree, so a 100 GB file is read
with the memory of a few rows; a row past `MAX_ROW_BYTES` is refused while it is read
(`GuardedReader`), so one row cannot fill the memory either. Whatever breaks the file's shape
(not well-formed XML, another root element, an element that is not a row) stops the read with
the file and the line.
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


# A row, from its `<row` to the next one's, is at most this much XML. A real row is a few
# KB (Stack Exchange keeps a post's body under 30,000 characters); the parser holds a whole
# row, so a value of gigabytes must be refused while it is read, not once it is held.
MAX_ROW_BYTES = 16 * 2**20
_ROW_START = b"<row"
_ROW_NAME_ENDS = frozenset(b" \t\r\n/>")
_NOT_UTF8 = (b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")


class GuardedReader:
    """The stream handed to the parser: counts the bytes read (for progress and ETA), and
    stops what would make the parser hold more than a row's worth of the file.

    It looks at each chunk before the parser does, with searches that run at memory speed
    (a dump is read at hundreds of MB/s): more than `MAX_ROW_BYTES` since the last `<row`
    is refused, and so is markup a dump never has that could hide a `<row` from that count:
    comments, CDATA, a DOCTYPE (`<!`) and processing instructions (`<?`) after the XML
    declaration. A `<` cannot occur elsewhere in well-formed XML (in a value it is written
    `&lt;`), so every `<row` found is a row's start tag. To refuse, it ends the stream where
    the problem is and says why in `refused`: the parser then stops there, and its line is
    the problem's line (counting lines here would cost more than the rest of this).
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.bytes_read = 0
        self.refused: str | None = None
        self._carry = b""  # the last bytes read, searched again with the next chunk
        self._row_start = 0  # where the last row started (the file's start before one)

    def read(self, size: int = -1) -> bytes:
        if self.refused is not None:
            return b""
        data = self.raw.read(size)
        if not data:
            return data
        if self.bytes_read == 0 and data.startswith(_NOT_UTF8):
            return self._refuse("is not UTF-8 (Stack Exchange dumps are)", b"")
        carry = self._carry
        window = carry + data
        start = self.bytes_read - len(carry)  # the file offset of window[0]
        markup = _stray_markup(window, start)
        if markup is not None:
            at, problem = markup
            return self._refuse(problem, data[: max(at - len(carry), 0)])
        at = _last_row_start(window)
        if at >= 0:
            self._row_start = start + at
        if self.bytes_read + len(data) - self._row_start > MAX_ROW_BYTES:
            return self._refuse(
                f"a row is longer than {MAX_ROW_BYTES // 2**20} MB of XML, the limit for one "
                "row (a real row is a few KB)",
                b"",
            )
        self.bytes_read += len(data)
        self._carry = window[-len(_ROW_START) :]
        return data

    def _refuse(self, problem: str, last: bytes) -> bytes:
        """End the stream after `last`, the bytes before the problem."""
        self.refused = problem
        self.bytes_read += len(last)
        return last


COMMENT_CDATA_DOCTYPE = (
    "holds a comment, CDATA section or DOCTYPE (<!...>), which no Stack Exchange dump has"
)
PROCESSING_INSTRUCTION = (
    "holds a processing instruction (<?...?>) after the XML declaration, which no Stack "
    "Exchange dump has"
)


def _stray_markup(window: bytes, start: int) -> tuple[int, str] | None:
    """The first `<!`, or `<?` past the XML declaration, in `window` (which starts at file
    offset `start`): where it is and what it is. Searched by its second byte, which a dump
    holds far less often than `<` (finding one byte is a memchr; two, a loop)."""
    for mark, problem in ((b"!", COMMENT_CDATA_DOCTYPE), (b"?", PROCESSING_INSTRUCTION)):
        at = window.find(mark, 1)
        while at >= 0:
            if window[at - 1] == 60 and (mark == b"!" or start + at - 1 not in (0, 3)):  # `<`
                return at - 1, problem  # `<?` at 0 (or 3, after a BOM): the declaration
            at = window.find(mark, at + 1)
    return None


def _last_row_start(window: bytes) -> int:
    """Where the last `<row` start tag in `window` begins, or -1 (one whose name is followed
    by the next chunk's first byte is found with that chunk)."""
    end = len(window) - 1  # leave room for the byte after the name
    while True:
        at = window.rfind(_ROW_START, 0, end)
        if at < 0 or window[at + len(_ROW_START)] in _ROW_NAME_ENDS:
            return at
        end = at + len(_ROW_START) - 1  # `<rowx`: look before it


def _syntax_problem(exc: etree.XMLSyntaxError) -> str:
    message = (exc.msg or str(exc)).strip()
    # libxml2 appends ", line N, column M"; the caller puts the line in front already.
    return f"not well-formed XML: {message}"


def read_rows(
    dump_file: DumpFile, table: Table, progress: Progress | None = None
) -> Iterator[etree._Element]:
    """Yield each `<row>` element of `dump_file`; its attributes are valid until the next one."""
    stream = dump_file.open()
    label = dump_file.label
    reader = GuardedReader(stream)
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
        # Where the reader ended the stream, the parser stopped: at the problem's line.
        problem = reader.refused or _syntax_problem(exc)
        raise DumpError(problem, label, exc.lineno) from exc
    except ARCHIVE_ERRORS as exc:
        raise DumpError(f"the archive is damaged or truncated ({exc})", label) from exc
    except OSError as exc:
        raise DumpError(f"cannot be read: {exc.strerror or exc}", label) from exc
    finally:
        stream.close()
    if reader.refused is not None:  # what the parser had was whole (past the root's end)
        raise DumpError(reader.refused, label)
    if progress is not None:
        progress(rows, reader.bytes_read)


def bare_parse(dump_file: DumpFile, table: Table) -> int:
    """Read every row and do nothing with it: the floor an import cannot beat (benchmarks)."""
    count = 0
    for _row in read_rows(dump_file, table):
        count += 1
    return count
