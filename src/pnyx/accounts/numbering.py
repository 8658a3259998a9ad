"""New accounts are numbered from `ACCOUNT_ID_START` (see `pnyx.accounts.models`).

Kept by `pnyx migrate` after every run rather than once in a migration: SQLite forgets a table's
AUTOINCREMENT counter when a later migration rebuilds the table.
"""

from __future__ import annotations

from django.db import connections

from pnyx.accounts.models import ACCOUNT_ID_START, Account


def ensure_account_ids_start(using: str = "default") -> None:
    """Move the accounts' id counter up to `ACCOUNT_ID_START` if it is below (never down)."""
    connection = connections[using]
    table = Account._meta.db_table
    floor = ACCOUNT_ID_START - 1
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, floor]
                )
            elif row[0] < floor:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [floor, table]
                )
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last_value, is_called = cursor.fetchone()
            current = last_value if is_called else last_value - 1
            if current < floor:
                cursor.execute("SELECT setval(%s, %s, true)", [sequence, floor])
