"""Creating, migrating and removing sites, each with its own database.

`create_site` either leaves a working site (row in the network database, migrated database) or
nothing at all: a database it created is dropped again if a later step fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from psycopg import sql

from pnyx.config import private_dir
from pnyx.dbconfig import create_sqlite_file, database_settings, is_sqlite
from pnyx.errors import ConfigurationError, NotFound, ValidationError
from pnyx.network.models import PrivilegeLevel, Site
from pnyx.posts.privileges import check_level
from pnyx.sites import content_version, ownership, registry

SITE_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")
RESERVED_NAMES = frozenset({"static", "admin", "api", "feeds", "sites", "accounts", "health"})


def check_site_name(name: str) -> None:
    """A site name is a lowercase slug that cannot be mistaken for one of the network's own paths."""
    if not SITE_NAME_RE.match(name):
        raise ValidationError(
            f"site name {name!r} is not a valid slug: use 2 to 40 lowercase letters, digits and "
            "hyphens, starting with a letter"
        )
    if name in RESERVED_NAMES:
        raise ValidationError(f"site name {name!r} is reserved")


def check_origin(origin: str) -> str:
    match = re.fullmatch(r"(https?)://([A-Za-z0-9.-]+(?::\d+)?)/?", origin.strip())
    if not match:
        raise ValidationError(f"origin {origin!r} is not of the form https://host")
    return f"{match.group(1).lower()}://{match.group(2).lower()}"


def default_database_url(name: str) -> str:
    template = settings.PNYX.site_database_template
    if template:
        return template.replace("{name}", name)
    return f"sqlite:///{Path(settings.DATA_DIR) / 'sites' / f'{name}.sqlite3'}"


def _postgres_admin_conninfo(config: dict[str, Any]) -> dict[str, Any]:
    return {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": 5,
    }


def create_database(config: dict[str, Any]) -> bool:
    """Create the database if it does not exist; return whether this call created it."""
    if is_sqlite(config):
        path = Path(config["NAME"])
        try:
            private_dir(path.parent)
        except OSError as exc:
            raise ConfigurationError(f"cannot create {path.parent}: {exc.strerror}") from exc
        import sqlite3

        try:
            created = create_sqlite_file(path)
            sqlite3.connect(path).close()
        except OSError as exc:
            raise ConfigurationError(
                f"cannot create SQLite database {path}: {exc.strerror}"
            ) from exc
        except sqlite3.Error as exc:
            raise ConfigurationError(f"cannot open SQLite database {path}: {exc}") from exc
        return created
    name = config["NAME"]
    try:
        with psycopg.connect(**_postgres_admin_conninfo(config), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists:
                return False
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    except psycopg.Error as exc:
        raise ConfigurationError(
            f"cannot create PostgreSQL database {name!r}: {exc}".strip()
        ) from exc


def drop_database(config: dict[str, Any]) -> None:
    if is_sqlite(config):
        base = Path(config["NAME"])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{base}{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(**_postgres_admin_conninfo(config), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(config["NAME"])
            )
        )


def migrate_site(site: Site, verbosity: int = 0) -> None:
    """Bring the site's database schema up to date."""
    registry.ensure_connection(site)
    try:
        call_command("migrate", database=site.db_alias, verbosity=verbosity, interactive=False)
        # After every migration, so that tables a migration adds get their triggers too.
        content_version.install(site.db_alias)
    except DatabaseError as exc:
        raise ConfigurationError(
            f"cannot migrate the database of site {site.name!r}: {exc}"
        ) from exc


def create_site(
    name: str,
    title: str,
    database_url: str | None = None,
    origins: list[str] | None = None,
    hostnames: list[str] | None = None,
    site_id: int | None = None,
    privilege_level: str = PrivilegeLevel.GRADUATED,
) -> Site:
    """Create a site and its migrated database, or raise and leave nothing behind."""
    check_site_name(name)
    check_level(privilege_level)
    title = title.strip()
    if not title:
        raise ValidationError("a site needs a title")
    clean_origins = [check_origin(o) for o in origins or []]
    if Site.objects.filter(name=name).exists():
        raise ValidationError(f"site {name!r} already exists")
    url = database_url or default_database_url(name)
    config = database_settings(url)
    if is_sqlite(config):
        url = f"sqlite:///{config['NAME']}"  # absolute: every process opens the same file
    ownership.check_database_free(url, name)
    site = Site(
        name=name,
        title=title,
        database_url=url,
        origins=clean_origins,
        hostnames=[h.lower() for h in hostnames or []],
        privilege_level=privilege_level,
    )
    if site_id is not None:
        site.id = site_id
    created = create_database(config)
    try:
        migrate_site(site)
        with transaction.atomic(using="default"):
            site.save(using="default")
    except BaseException:
        registry.forget_connection(site)
        if created:
            drop_database(config)
        raise
    registry.reload_sites()
    return site


def set_privilege_level(name: str, level: str) -> Site:
    """Move a site to another stage's privilege thresholds (`pnyx site privileges`)."""
    check_level(level)
    site = Site.objects.using("default").filter(name=name).first()
    if site is None:
        raise NotFound(f"there is no site {name!r}")
    site.privilege_level = level
    site.save(using="default", update_fields=["privilege_level"])
    registry.reload_sites()
    return site


def delete_site(site: Site) -> None:
    """Remove the site row and drop its database (unless the network or another site uses
    it too, as a site made before such URLs were refused could)."""
    config = database_settings(site.database_url)
    registry.forget_connection(site)
    connections.close_all()
    if ownership.used_by_another(site.database_url, site.name) is None:
        drop_database(config)
    Site.objects.using("default").filter(pk=site.pk).delete()
    registry.reload_sites()
