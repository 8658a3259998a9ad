"""An empty, migrated SQLite site database to copy, rather than migrating every new one.

Running the site migrations takes half a second (Django replays the migration history to build
its model states), which is most of the time a small dump's import takes. `pnyx migrate` keeps
one empty site database in `DATA_DIR/templates/`, named after the migrations and the
content-version triggers it was made with, so a change to either makes a new one; an import
copies it and gives the copy a content version of its own.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from pnyx.config import private_dir
from pnyx.dbconfig import SQLITE_INIT, create_sqlite_file
from pnyx.network.models import Site
from pnyx.sites import content_version, registry


def schema_key() -> str:
    """What the template depends on: the migrations on disk, the triggers' code and the
    connection settings a new file is made with (its page size)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    digest = hashlib.sha256()
    for app, name in sorted(loader.disk_migrations):
        digest.update(f"{app}.{name}\n".encode())
    digest.update(Path(content_version.__file__).read_bytes())
    digest.update(SQLITE_INIT.encode())
    return digest.hexdigest()[:16]


def template_path() -> Path:
    return Path(settings.DATA_DIR) / "templates" / f"site-{schema_key()}.sqlite3"


def ensure_template() -> Path:
    """The template for the current schema, made (by migrating an empty file) if missing."""
    from pnyx.sites.services import migrate_site

    path = template_path()
    if path.exists():
        return path
    private_dir(path.parent)
    # Made under another name and renamed: a process copying it never sees half of it.
    making = path.with_name(f"{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.making")
    create_sqlite_file(making)
    scratch = Site(name=f"template-{secrets.token_hex(6)}", database_url=f"sqlite:///{making}")
    try:
        migrate_site(scratch)
        registry.forget_connection(scratch)
        with closing(sqlite3.connect(making)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        os.replace(making, path)
    finally:
        registry.forget_connection(scratch)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{making}{suffix}").unlink(missing_ok=True)
    for stale in path.parent.glob("site-*.sqlite3"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def copy_template(destination: Path) -> None:
    """Make `destination` an empty, migrated site database with a content version of its own."""
    template = ensure_template()
    create_sqlite_file(destination)
    with (
        closing(sqlite3.connect(template)) as origin,
        closing(sqlite3.connect(destination)) as copy,
    ):
        origin.backup(copy)
        for name in content_version.NAMES:
            copy.execute(
                f"UPDATE {content_version.TABLE} SET version = ? WHERE name = ?",
                [content_version.first_version(), name],
            )
        copy.commit()
