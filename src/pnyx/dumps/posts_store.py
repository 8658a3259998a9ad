"""On SQLite, the posts written by the helper process that sanitises their bodies.

The posts are the longest file of a dump and they start last: each post's Markdown source and
lock come from its revisions, so the posts wait until the history is in, and then run alone
while the other lanes run out of files. On SQLite their lane reads and converts the XML, and
the helper process that sanitises the bodies (nh3) also writes each batch and its tags (the
INSERT works out each post's Markdown and lock from the revisions, see
`loader.revision_columns`), through a connection of its own, in one transaction that
`commit_stored` commits once the lane has read the last post. So two cores share the posts'
work, and the lane holds no transaction on the database meanwhile.

On PostgreSQL the lane's COPY is written by a thread of its own and the revisions are looked
up by another (`PostgresBulk`), the server doing much of the work: writing from the helper
as well measured no faster there (one million posts, 150.0 s against 149.0 s).

Nothing here needs Django: a helper process starts with the parser and the sanitiser only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pnyx.dumps.bulk import Row, SqliteBulk, open_sqlite_for_loading
from pnyx.render.links import LinkContext
from pnyx.render.markdown import sanitise_imported_html

# What a batch writes: (table, columns, rows, computed columns), in order; the posts first.
Write = tuple[str, Sequence[str], list[Row], Sequence[tuple[str, str]]]
# The SQLite files this helper process writes posts into, each in one open transaction.
_open: dict[str, SqliteBulk] = {}


def store_posts(path: str, at_body: int, context: LinkContext, writes: list[Write]) -> int:
    """Sanitise the bodies of a batch of posts (the first write's rows) and write the batch
    into the SQLite database at `path`; return the posts written. In a helper process, one
    batch after the other, in the lane's order."""
    db = _open.get(path)
    if db is None:
        db = _open[path] = SqliteBulk(open_sqlite_for_loading(path), final=False)
    posts = writes[0][2]
    for values in posts:
        values[at_body] = sanitise_imported_html(str(values[at_body]), context)  # type: ignore[index]
    for table, columns, rows, computed in writes:
        if rows:
            db.insert(table, columns, rows, computed)
    return len(posts)


def commit_stored(path: str) -> None:
    """Commit what `store_posts` wrote into the database at `path`, and close it."""
    db = _open.pop(path, None)
    if db is not None:
        try:
            db.commit()
        finally:
            db.close()
