"""Writers of one process queue in Python before SQLite's lock (`pnyx.sqlite_backend`): many
threads writing at once all succeed, where SQLite alone answers some of them "database is
locked" once its busy timeout passes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from django.db import connections, transaction

from pnyx.dbconfig import database_settings


def _writers(alias: str, threads: int = 6, each: int = 10) -> list[BaseException]:
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(each):
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("INSERT INTO marks (n) VALUES (%s)", [n * 1000 + i])
                    time.sleep(0.01)  # hold the write lock past the others' busy timeout
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections[alias].close()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures


@pytest.mark.parametrize("queued", [True, False])
def test_concurrent_writers_all_succeed_when_queued(tmp_path: Path, queued: bool) -> None:
    alias = f"queued_{queued}_{tmp_path.name}"
    config = database_settings(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    if not queued:
        config["ENGINE"] = "django.db.backends.sqlite3"  # Django's own backend
    config["OPTIONS"]["timeout"] = 0.002
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), alias: config}
    )
    connections.settings[alias] = configured[alias]
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE marks (n INTEGER PRIMARY KEY)")
        connections[alias].close()
        failures = _writers(alias)
        if queued:
            assert failures == []
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM marks")
                assert cursor.fetchone()[0] == 60
        else:
            # The test's premise: without the queue, SQLite refuses some of these writers.
            assert any("locked" in str(exc) for exc in failures)
    finally:
        connections[alias].close()
        del connections.settings[alias]
