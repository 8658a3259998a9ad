"""A number in each site's database that changes whenever any of its content does.

Caches of whole pages (see `pnyx.web.pagecache`) put this number in their keys, so a page cached
before a change is never served after it. Triggers on every site table bump it in the same
transaction as the change, whoever writes: the domain services, the dump importer, an
administrator's SQL. A reader that reads the number first and the content after cannot cache old
content under the new number: if it sees the new number, the change was committed before.

On PostgreSQL the bump takes the version row's lock until the writing transaction ends, so writes
to one site take turns at commit; SQLite already lets only one writer in at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.apps import apps
from django.db import connections, transaction

from pnyx.sites.router import SITE_APP_LABELS

TABLE = "pnyx_content_version"
FUNCTION = "pnyx_bump_content_version"
EVENTS = ("INSERT", "UPDATE", "DELETE")


def site_tables() -> list[str]:
    """The tables of every site model, many-to-many tables included."""
    tables = {
        model._meta.db_table
        for label in sorted(SITE_APP_LABELS)
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def first_version() -> int:
    """A random start, so that two databases a site has had (a dump import switches to a new
    one; a deleted site's id may be given again) never share a version, and a page cached for
    one is never served for the other."""
    return secrets.randbelow(2**62)


def _trigger_name(table: str, event: str = "") -> str:
    return f"pnyx_cv_{table}{'_' + event.lower() if event else ''}"


def _sqlite_statements(tables: list[str], quote: Callable[[str], str]) -> list[str]:
    q = quote  # the backend's identifier quoting
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} "
        "(id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)",
        f"INSERT OR IGNORE INTO {TABLE} (id, version) VALUES (1, {first_version()})",
    ]
    for table in tables:
        for event in EVENTS:
            name = _trigger_name(table, event)
            statements += [
                f"DROP TRIGGER IF EXISTS {q(name)}",
                f"CREATE TRIGGER {q(name)} AFTER {event} ON {q(table)} "
                f"BEGIN UPDATE {TABLE} SET version = version + 1 WHERE id = 1; END",
            ]
    return statements


def _postgres_statements(tables: list[str], quote: Callable[[str], str]) -> list[str]:
    q = quote
    statements = [
        f"CREATE TABLE IF NOT EXISTS {TABLE} "
        "(id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
        f"INSERT INTO {TABLE} (id, version) VALUES (1, {first_version()}) "
        "ON CONFLICT (id) DO NOTHING",
        f"CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN UPDATE {TABLE} SET version = version + 1 WHERE id = 1; RETURN NULL; END $$",
    ]
    for table in tables:
        name = _trigger_name(table)
        statements += [
            f"DROP TRIGGER IF EXISTS {q(name)} ON {q(table)}",
            f"CREATE TRIGGER {q(name)} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {q(table)} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
        ]
    return statements


def install(alias: str) -> None:
    """Create the version row and the triggers on every site table (safe to run again).

    Called after each migration of a site, so a table added by a later migration gets its
    triggers on the next `pnyx migrate`.
    """
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    tables = [t for t in site_tables() if t in existing]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        statements = _postgres_statements(tables, quote)
    else:
        statements = _sqlite_statements(tables, quote)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def current(alias: str) -> int:
    """The site's content version now: one indexed read of a one-row table."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0])
