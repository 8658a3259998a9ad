"""`export_site`: a site written back as a Stack Exchange data dump.

The eight files come out as Stack Exchange writes them: UTF-8 with a byte-order mark, CRLF,
one `<row .../>` per line, NULL columns left out, dates as `YYYY-MM-DDTHH:MM:SS.fff`. They are
anonymised the same way: no e-mail (Pnyx keeps none per site), votes without their voter except
bookmarks (5) and bounty starts (8), vote dates cut to the day. Deleted posts are left out with
their comments and history; votes and links that name them stay, as in Stack Exchange's dumps.

A site imported from a dump is written in that dump's shape: its tag form (`<a><b>` or
`|a|b|`), and without the licence column if the dump had none (Pnyx derived it from the dates,
and derives it again on import). Local links in post bodies point back to the site's first
public origin, so the dump reads right wherever it is imported. Importing an export of an
imported dump gives the same rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import psycopg

from pnyx.dumps.bulk import BulkConnection, PostgresBulk, SqliteBulk
from pnyx.dumps.importer import site_has_content
from pnyx.dumps.progress import Reporter
from pnyx.dumps.schema import (
    BADGES,
    COMMENTS,
    POST_HISTORY,
    POST_LINKS,
    POSTS,
    TAGS,
    USERS,
    VOTES,
    Field,
    Table,
)
from pnyx.dumps.target import TargetDatabase, connect_postgres
from pnyx.dumps.xmlwrite import EOL, HEADER, escape_attribute, format_date
from pnyx.errors import ConfigurationError, NotFound, ValidationError
from pnyx.network.models import Site
from pnyx.sites.registry import site_by_name

VOTERS_KEPT = (5, 8)  # bookmarks and bounty starts keep their voter, as Stack Exchange's do
LIVE_POST = "post_id NOT IN (SELECT id FROM posts WHERE deletion_date IS NOT NULL)"
EXPORTS: tuple[tuple[Table, str], ...] = (
    (USERS, ""),
    (POSTS, "deletion_date IS NULL"),
    (POST_HISTORY, LIVE_POST),
    (COMMENTS, LIVE_POST),
    (VOTES, ""),
    (POST_LINKS, ""),
    (TAGS, ""),
    (BADGES, ""),
)


def format_day(value: object) -> str:
    return format_date(value)[:10] + "T00:00:00.000"


def format_tags(names: str, form: str) -> str:
    tags = names.split()
    if form == "pipe":
        return "|" + "|".join(tags) + "|" if tags else ""
    return "".join(f"<{tag}>" for tag in tags)


def global_links(site: Site) -> Callable[[str], str]:
    """Turn the local links the import made (`/NAME/questions/...`) back into the origin's."""
    if not site.origins:
        return lambda html: html
    origin = site.origins[0]
    pattern = re.compile(
        'href="'
        + re.escape(site.url_prefix)
        + r'(/(?:questions|q|a|users|u|posts|tags|feeds)(?:[/?#][^"]*)?)"'
    )
    replacement = f'href="{origin}\\1"'
    return lambda html: pattern.sub(replacement, html)


class _Formatter:
    """Formats one table's rows as the dump's `<row .../>` lines."""

    def __init__(self, table: Table, site: Site, tag_form: str, derived: Iterable[str]) -> None:
        self.fields = [f for f in table.fields if f.attr not in set(derived)]
        self.table = table
        self.tag_form = tag_form
        self.links = global_links(site)
        columns = [f.column for f in self.fields]
        self.at_vote_type = columns.index("vote_type") if table is VOTES else -1
        self.formatters = [self._formatter(f) for f in self.fields]

    def _formatter(self, field: Field) -> Callable[[Any], str]:
        if self.table is VOTES and field.kind == "date":
            return format_day
        if field.kind == "date":
            return format_date
        if field.kind == "bool":
            return lambda value: "True" if value else "False"
        if field.kind == "html":
            return lambda value: escape_attribute(self.links(str(value)))
        if field.kind == "tags":
            return lambda value: escape_attribute(format_tags(str(value), self.tag_form))
        if field.kind in ("smallint", "int", "bigint"):
            return str
        return lambda value: escape_attribute(str(value))

    def line(self, row: tuple[Any, ...]) -> str:
        parts = ["  <row"]
        for field, value, formatter in zip(self.fields, row, self.formatters, strict=True):
            if value is None or (value == "" and field.kind == "tags"):
                continue  # NULL (and a post without tags) is an absent attribute
            anonymous_vote = self.at_vote_type >= 0 and row[self.at_vote_type] not in VOTERS_KEPT
            if anonymous_vote and field.column == "user_id":
                continue
            parts.append(f' {field.attr}="{formatter(value)}"')
        parts.append(" />" + EOL)
        return "".join(parts)


def _open_for_reading(site: Site) -> BulkConnection:
    """A read-only connection that sees one snapshot of the site for the whole export."""
    target = TargetDatabase(site.database_url)
    if target.is_sqlite:
        conn = sqlite3.connect(
            f"file:{target.name}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        return SqliteBulk(conn)
    return PostgresBulk(connect_postgres(target, snapshot=True))


def _dump_shape(db: BulkConnection) -> tuple[str, dict[str, list[str]]]:
    row = None
    for batch in db.stream("SELECT tag_form, derived FROM dump_imports ORDER BY id DESC", 1):
        row = batch[0]
        break
    if row is None:
        return "angle", {}
    derived = row[1] if isinstance(row[1], dict) else json.loads(row[1] or "{}")
    return str(row[0]), derived


def export_site(
    name: str, directory: Path, overwrite: bool = False, reporter: Reporter | None = None
) -> dict[str, int]:
    """Write site `name` into `directory` as a data dump; return the rows written per file.
    `reporter` is shown each file's rows as they are written.

    A folder that already holds a dump's file is refused unless `overwrite` is given: it is
    most likely a dump itself (the one the site came from, say), which the export would replace.

    Every file is written under a temporary name first, and they are renamed into place only
    once all are complete: an export that fails part way (a full disk, Ctrl-C) removes what
    it wrote and leaves the folder as it was, earlier files included, rather than a mix of
    new and old files that no longer make one dump.
    """
    site = site_by_name(name)
    if site is None:
        raise NotFound(f"there is no site {name!r}")
    if not site_has_content(site):
        raise NotFound(f"site {name!r} has no content to export")
    if not overwrite:
        taken = [table.file for table, _ in EXPORTS if (directory / table.file).exists()]
        if taken:
            raise ValidationError(
                f"{directory} already holds {', '.join(taken)}: give --overwrite to replace"
                " them, or choose another folder"
            )
    created = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(f"cannot create {directory}: {exc.strerror or exc}") from exc
    reporter = reporter or Reporter()
    db = _open_for_reading(site)
    written: dict[str, int] = {}
    partials: list[tuple[Path, Path]] = []  # (written under, renamed to)
    complete = False
    try:
        tag_form, derived = _dump_shape(db)
        for table, condition in EXPORTS:
            formatter = _Formatter(table, site, tag_form, derived.get(table.file, []))
            where = f" WHERE {condition}" if condition else ""
            columns = ", ".join(f.column for f in formatter.fields)
            statement = f"SELECT {columns} FROM {table.db_table}{where} ORDER BY id"
            path = directory / table.file
            partial = path.with_name(path.name + ".partial")
            partials.append((partial, path))
            reporter.start_file(table.file, 0)  # its size is known only once written
            rows = _write_file(partial, table, formatter, db, statement, reporter)
            reporter.finish_file(rows, table.file)
            written[table.file] = rows
        for partial, path in partials:
            os.replace(partial, path)
        complete = True
    except (OSError, sqlite3.Error, psycopg.Error) as exc:
        raise ConfigurationError(f"the export of site {name!r} failed: {exc}") from exc
    finally:
        for partial, _path in partials:  # none is left once all are renamed
            partial.unlink(missing_ok=True)
        if created and not complete:
            with contextlib.suppress(OSError):  # not empty: someone else wrote there meanwhile
                directory.rmdir()
        db.close()
        reporter.close()
    return written


def _write_file(
    path: Path,
    table: Table,
    formatter: _Formatter,
    db: BulkConnection,
    statement: str,
    reporter: Reporter,
) -> int:
    """Write one file at `path` (a temporary name, which `export_site` renames)."""
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        out.write(f"<{table.root}>{EOL}")
        for batch in db.stream(statement):
            out.write("".join(formatter.line(row) for row in batch))
            rows += len(batch)
            reporter.advance(rows, 0, table.file)
        out.write(f"</{table.root}>")
    return rows
