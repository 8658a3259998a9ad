"""Numbers in each site's database that say when its pages must be rendered again.

Caches of pages and of parts of pages (see `pnyx.web.pagecache` and `pnyx.web.fragments`) put
these numbers in their keys, so that a page cached before a change is never served after it:

- each post's own `version` column, changed in the same UPDATE as the post whenever the post,
  its comments or its votes change: a question page is keyed by its thread's posts' versions,
  and each post's block by its own;
- `lists`, changed after every write that changes a question list (a new question or answer, a
  vote, an acceptance, an edit, a deletion): the home page, `/questions` and tag lists;
- `all`, changed after every write: every other page (users, tags, badges, feeds...);
- `epoch`, the database's own starting point, changed only by hand (`pnyx site touch`): a
  random start, so that two databases a site has had (an import switches to a new one; a
  deleted site's id may be given again) never share a key.

The post versions change inside the writing transaction, on rows it locks anyway. On
PostgreSQL `lists` and `all` change after the commit, in a transaction of their own
(`pnyx.web.invalidation`), so that writers to one site never queue on one row for the length of
their transactions; on SQLite, whose write transactions take turns on the database anyway, as
the write's last statement. A reader that reads the numbers first and the content after can
only cache content newer than its key.

Writes that bypass the domain (an administrator's SQL) are not seen until the caches expire
(`PNYX_PAGE_CACHE_SECONDS`), or at once after `pnyx site touch NAME`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import connections, transaction

TABLE = "pnyx_versions"
NAMES = ("epoch", "lists", "all")
# What earlier releases installed: a single version bumped by triggers on every table.
OLD_TABLE = "pnyx_content_version"
OLD_FUNCTION = "pnyx_bump_content_version"


def first_version() -> int:
    """A random start (see the module's docstring)."""
    return secrets.randbelow(2**62)


@dataclass(frozen=True)
class Versions:
    epoch: int
    lists: int
    all: int

    def key(self, scope: str) -> str:
        """A cache key part for pages of `scope` (`lists` or `all`)."""
        return f"{self.epoch}.{self.lists if scope == 'lists' else self.all}"


def _old_triggers(cursor: object, vendor: str) -> list[tuple[str, str]]:
    if vendor == "postgresql":
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'pnyx_cv_%%'"
        )
    else:
        cursor.execute(  # type: ignore[attr-defined]
            "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'pnyx_cv_%'"
        )
    return list(cursor.fetchall())  # type: ignore[attr-defined]


def install(alias: str) -> None:
    """Create the version rows (safe to run again) and remove the old triggers.

    Called after each migration of a site.
    """
    connection = connections[alias]
    quote = connection.ops.quote_name
    integer = "bigint" if connection.vendor == "postgresql" else "INTEGER"
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            f"(name varchar(20) PRIMARY KEY, version {integer} NOT NULL)"
        )
        for name in NAMES:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {TABLE} (name, version) VALUES (%s, %s) "
                    "ON CONFLICT (name) DO NOTHING",
                    [name, first_version()],
                )
            else:
                cursor.execute(
                    f"INSERT OR IGNORE INTO {TABLE} (name, version) VALUES (%s, %s)",
                    [name, first_version()],
                )
        for trigger, table in _old_triggers(cursor, connection.vendor):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(trigger)} ON {quote(table)}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(trigger)}")
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {OLD_FUNCTION}()")
        cursor.execute(f"DROP TABLE IF EXISTS {OLD_TABLE}")


def current(alias: str) -> Versions:
    """The site's versions now: one indexed read of a three-row table."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT name, version FROM {TABLE}")
        found = dict(cursor.fetchall())
    return Versions(int(found["epoch"]), int(found["lists"]), int(found["all"]))


def bump(alias: str, *names: str) -> None:
    """Move the versions named on: in a transaction of their own, or as part of the caller's
    (without a savepoint) when one is open."""
    marks = ", ".join(["%s"] * len(names))
    with transaction.atomic(using=alias, savepoint=False), connections[alias].cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET version = version + 1 WHERE name IN ({marks})", list(names)
        )


def thread(alias: str, question_id: int) -> str:
    """A key part for a question's page: the database's epoch and the sum and count of the
    versions of the question and its answers, which any change to one of them moves (1 query)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {TABLE} WHERE name = 'epoch'), "
            "COALESCE(SUM(version), 0), COUNT(*) FROM posts "
            "WHERE id = %s OR (parent_id = %s AND post_type = 2)",
            [question_id, question_id],
        )
        epoch, total, count = cursor.fetchone()
    return f"{epoch}.{total}.{count}"
