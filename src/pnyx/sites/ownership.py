"""Which databases belong to whom: the one rule that keeps a site off another's database.

A site's database must be its own. An import drops databases (the site's previous one, and
the half-made ones of an interrupted import, found by their names: `NAME--iTOKEN.sqlite3`
beside an SQLite file, `DBNAME__iTOKEN` on a PostgreSQL server), so a site given the network
database, another site's, or a name whose import siblings are another site's, would have an
import drop them. `check_database_free` refuses such a URL before anything is made;
`used_by_another` is asked again before each drop.

URLs are compared by where their data lives, not by their text: an SQLite file by its path
with symbolic links resolved, a PostgreSQL database by host (the loopback names and a local
socket are one host), port and name.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pnyx.dbconfig import database_settings, is_sqlite
from pnyx.errors import ValidationError
from pnyx.network.models import Site

# The names an import gives the databases it fills (see `pnyx.dumps.target`).
SQLITE_SUFFIX_RE = re.compile(r"--i[0-9a-f]{8}$")
POSTGRES_SUFFIX_RE = re.compile(r"__i[0-9a-f]{8}$")
POSTGRES_NAME_LIMIT = 63
IMPORT_TOKEN_LENGTH = 9  # "i" and 8 hex digits
# An import's PostgreSQL database is the base name cut to this, `__`, and the token.
POSTGRES_STEM_LIMIT = POSTGRES_NAME_LIMIT - IMPORT_TOKEN_LENGTH - 2
LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1", "[::1]"})
# Folders of the data directory that hold Pnyx's own files, never a site's database.
PRIVATE_FOLDERS = ("templates", "tmp", "locks")


@dataclass(frozen=True)
class Place:
    """Where a database's data lives: `server` is `sqlite` or PostgreSQL's host:port, `name`
    the file's resolved path or the database name."""

    server: str
    name: str


def sqlite_base(path: Path) -> Path:
    """The file an import's database beside `path` is named after (`path` itself, or the
    file an earlier import's `NAME--iTOKEN.sqlite3` was named after)."""
    return path.with_name(SQLITE_SUFFIX_RE.sub("", path.stem) + path.suffix)


def postgres_stem(name: str) -> str:
    """What an import's database beside the PostgreSQL database `name` starts with, before
    `__iTOKEN`."""
    return POSTGRES_SUFFIX_RE.sub("", name)[:POSTGRES_STEM_LIMIT]


def _server(config: dict[str, object]) -> str:
    host = str(config.get("HOST") or "").lower()
    if host in LOCAL_HOSTS or host.startswith("/"):
        host = "localhost"  # a socket directory or a loopback name: this machine's server
    return f"{host}:{config.get('PORT') or 5432}"


def place(url: str) -> Place:
    """Where the database of `url` lives (raises `ConfigurationError` for a bad URL)."""
    config = database_settings(url)
    if is_sqlite(config):
        return Place("sqlite", os.path.realpath(config["NAME"]))
    return Place(_server(config), str(config["NAME"]))


def family(url: str) -> frozenset[Place]:
    """The names an import of a site on `url` derives its databases from: two URLs with a
    name in common would have one's import take the other's databases for its leftovers."""
    config = database_settings(url)
    if is_sqlite(config):
        given = Path(config["NAME"])
        # The file as named (its folder resolved: siblings are made beside it) and, when it
        # is a link, the file it points to.
        paths = {Path(os.path.realpath(given.parent)) / given.name, Path(os.path.realpath(given))}
        return frozenset(Place("sqlite", str(sqlite_base(path))) for path in paths)
    return frozenset({Place(_server(config), postgres_stem(str(config["NAME"])))})


def describe(url: str) -> str:
    """The URL for a message, without its user and password."""
    where = place(url)
    if where.server == "sqlite":
        return f"sqlite:///{where.name}"
    return f"postgresql://{where.server}/{where.name}"


@dataclass(frozen=True)
class Owner:
    """A database in use: by the network (`site` None) or by a site."""

    url: str
    site: str | None

    @property
    def label(self) -> str:
        return (
            "the network database" if self.site is None else f"the database of site {self.site!r}"
        )


def owners(excluding: str | None = None) -> list[Owner]:
    """The network database and every site's, but site `excluding`'s."""
    found = [Owner(settings.PNYX.network_database_url, None)]
    rows = Site.objects.using("default").exclude(name=excluding or "").order_by("name")
    found.extend(Owner(url, name) for name, url in rows.values_list("name", "database_url"))
    return found


def _private_folder(url: str) -> Path | None:
    where = place(url)
    if where.server != "sqlite":
        return None
    data_dir = Path(os.path.realpath(settings.DATA_DIR))
    for folder in PRIVATE_FOLDERS:
        if Path(where.name).is_relative_to(data_dir / folder):
            return data_dir / folder
    return None


def check_database_free(url: str, site_name: str) -> None:
    """Refuse `url` as site `site_name`'s database when the network or another site uses it,
    or a database whose name it would share with theirs in an import (see the module doc)."""
    folder = _private_folder(url)
    if folder is not None:
        raise ValidationError(
            f"database {describe(url)} is in {folder}, which holds Pnyx's own files: "
            "give a database of the site's own",
            code="database_in_use",
        )
    where, names = place(url), family(url)
    for owner in owners(excluding=site_name):
        same = place(owner.url) == where
        if same:
            raise ValidationError(
                f"database {describe(url)} is already {owner.label}: give site "
                f"{site_name!r} a database of its own",
                code="database_in_use",
            )
        if family(owner.url) & names:
            raise ValidationError(
                f"database {describe(url)} is named like {owner.label} "
                f"({describe(owner.url)}), and imports name their databases after it: "
                "give another name",
                code="database_in_use",
            )


def used_by_another(url: str, site_name: str | None) -> Owner | None:
    """The network or a site other than `site_name` whose database `url` is, if any: a
    database an import or a deletion must leave alone."""
    where = place(url)
    for owner in owners(excluding=site_name):
        if place(owner.url) == where:
            return owner
    return None
