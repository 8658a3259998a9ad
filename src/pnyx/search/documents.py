"""What the index holds for a post: the rows `index` reads, turned into stored documents.

No Django here: bulk indexing runs `analyse_sqlite` and `analyse_postgres` in helper processes.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from pnyx.search import analysis
from pnyx.search.analysis import Document

SEPARATOR = "\x1f"  # between the columns of a stored document
# A post and its question: what `document_of` needs.
POST_COLUMNS = (
    "p.id, p.post_type, p.title, p.body_html, p.tags, p.deletion_date IS NULL, "
    "q.tags, q.post_type, q.deletion_date IS NULL"
)

Row = tuple[Any, ...]


def document_of(row: Row) -> Document | None:
    """The document of a post row (`POST_COLUMNS`), or None when it is not to be indexed."""
    _id, post_type, title, body_html, tags, live, q_tags, q_type, q_live = row
    if not live:
        return None
    if post_type == 1:
        return analysis.document(1, title, body_html, tags)
    if post_type == 2 and q_type == 1 and q_live:
        return analysis.document(2, None, body_html, q_tags)
    return None


def packed(doc: Document) -> tuple[str, str, str, str]:
    return (" ".join(doc.title), " ".join(doc.body), " ".join(doc.code), " ".join(doc.meta))


def compress(columns: tuple[str, str, str, str]) -> bytes:
    return zlib.compress(SEPARATOR.join(columns).encode(), 1)


def decompress(blob: bytes) -> tuple[str, str, str, str]:
    title, body, code, meta = zlib.decompress(blob).decode().split(SEPARATOR)
    return title, body, code, meta


def distinct(columns: Sequence[str]) -> set[str]:
    found = {term for column in columns for term in column.split()}
    found.discard(analysis.FILLER)
    return found


def analyse_sqlite(rows: list[Row]) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        doc = document_of(row)
        if doc is not None:
            columns = packed(doc)
            out.append((row[0], *columns, compress(columns)))
    return out


def analyse_postgres(rows: list[Row]) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        doc = document_of(row)
        if doc is not None:
            out.append((row[0], analysis.tsvector_literal(doc)))
    return out
