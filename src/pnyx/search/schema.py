"""The index's tables on each engine, in one place for the migration and the bulk builder.

SQLite:
- `search_fts`: FTS5, contentless (the posts hold the text; the terms are in `search_docs`),
  four columns (`title`, `body`, `code`, `meta`), the `ascii` tokenizer splitting at spaces only
  (see `analysis`), full detail (positions, for phrases).
- `search_docs`: each indexed post's terms as given to FTS5, compressed: a contentless FTS5
  table forgets a row only when told its old terms (SQLite before 3.43 has no
  `contentless_delete`), and the terms' document counts go down by them.

PostgreSQL:
- `search_docs`: each indexed post's terms as a weighted `tsvector` (title A, tags and links B,
  code C, body D), with a GIN index.

Both:
- `search_terms`: how many indexed posts hold each term (and, under the empty term, how many
  posts are indexed): the planner's statistics, kept exact by every change to the index.
- `search_pending`: posts changed while `pnyx reindex` builds a new index, applied after it.
- `search_state`: `rebuilding` while `pnyx reindex` runs.
"""

from __future__ import annotations

from pnyx.search.analysis import TOKEN_CHARS

FTS_TABLE = "search_fts"
FTS_COLUMNS = ("title", "body", "code", "meta")
# bm25 weights of the columns: a title word counts ten times a body word; tags, type and links
# filter rather than rank.
BM25_WEIGHTS = (10.0, 1.0, 1.0, 0.0)
GIN_INDEX = "search_docs_vec"


def _fts_create(table: str = FTS_TABLE) -> str:
    return (
        f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(FTS_COLUMNS)}, content='', "
        f"tokenize=\"ascii tokenchars '{TOKEN_CHARS}'\")"
    )


def gin_create(table: str = "search_docs", name: str = GIN_INDEX) -> str:
    return f"CREATE INDEX {name} ON {table} USING gin (vec)"


SQLITE_CREATE = (
    _fts_create(),
    "CREATE TABLE search_docs (id INTEGER PRIMARY KEY, terms BLOB NOT NULL)",
    "CREATE TABLE search_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE search_pending (id INTEGER PRIMARY KEY)",
    "CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
SQLITE_DROP = (
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    "DROP TABLE IF EXISTS search_docs",
    "DROP TABLE IF EXISTS search_terms",
    "DROP TABLE IF EXISTS search_pending",
    "DROP TABLE IF EXISTS search_state",
)
POSTGRES_CREATE = (
    "CREATE TABLE search_docs (id integer PRIMARY KEY, vec tsvector NOT NULL)",
    gin_create(),
    # Byte order ("C"): a wildcard's terms are a range of the key, whatever the locale.
    'CREATE TABLE search_terms (term text COLLATE "C" PRIMARY KEY, docs integer NOT NULL)',
    "CREATE TABLE search_pending (id integer PRIMARY KEY)",
    "CREATE TABLE search_state (key text PRIMARY KEY, value text NOT NULL)",
)
POSTGRES_DROP = (
    "DROP TABLE IF EXISTS search_docs",
    "DROP TABLE IF EXISTS search_terms",
    "DROP TABLE IF EXISTS search_pending",
    "DROP TABLE IF EXISTS search_state",
)


def sqlite_fts_create(table: str) -> str:
    """The FTS5 table under another name (a rebuild fills one beside the live one)."""
    return _fts_create(table)
