"""The search index's tables (see `pnyx.search.schema`): FTS5 on SQLite, a GIN-indexed
tsvector on PostgreSQL. The statements differ per engine, so this runs them by hand rather
than through RunSQL, which cannot choose."""

from django.db import migrations

from pnyx.search import schema


def _run(schema_editor, sqlite, postgres):  # type: ignore[no-untyped-def]
    statements = postgres if schema_editor.connection.vendor == "postgresql" else sqlite
    for statement in statements:
        schema_editor.execute(statement)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, schema.SQLITE_CREATE, schema.POSTGRES_CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, schema.SQLITE_DROP, schema.POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
