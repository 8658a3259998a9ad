"""Every process follows a site's move to another database on its next lookup.

`pnyx import --replace` fills a new database, points the site at it in the network database,
and then drops the old one; a server started before must not keep reading the old one.
"""

from __future__ import annotations

import os
import select
import sqlite3
import time
from typing import Any

import psycopg
import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from pnyx.dumps import target as targets
from pnyx.network.models import Site
from pnyx.sites import registry

POSTGRES = os.environ.get("PNYX_TEST_BACKEND") == "postgres"


def _move_from_another_connection(site: Site, url: str) -> None:
    """What `pnyx import --replace` does from its own process: switch the site's row, commit."""
    table = Site._meta.db_table
    if POSTGRES:
        with (
            psycopg.connect(os.environ["PNYX_DATABASE_URL"], autocommit=True) as other,
            other.transaction(),
        ):
            other.execute(f"UPDATE {table} SET database_url = %s WHERE id = %s", [url, site.pk])
            other.execute(f"NOTIFY {registry.CHANNEL}")
        # The notification travels to this process's listening connection over the network;
        # wait until it is there (not a polling interval: the socket becomes readable).
        listener = registry._listener
        assert listener is not None
        assert select.select([listener.fileno()], [], [], 5)[0]
    else:
        other = sqlite3.connect(connections["default"].settings_dict["NAME"])
        with other:
            other.execute(f"UPDATE {table} SET database_url = ? WHERE id = ?", [url, site.pk])
        other.close()


def test_a_site_moved_by_another_process_is_seen_by_the_next_lookup(make_site: Any) -> None:
    site = make_site()
    assert registry.site_by_name(site.name) is not None
    moved_to = site.database_url + "-moved"
    try:
        _move_from_another_connection(site, moved_to)
        found = registry.site_by_name(site.name)
        assert found is not None and found.database_url == moved_to
    finally:
        Site.objects.filter(pk=site.pk).update(database_url=site.database_url)
        registry.sites_changed()
        registry.reload_sites()


def test_a_lookup_runs_no_query_when_nothing_changed(make_site: Any) -> None:
    site = make_site()
    assert registry.site_by_name(site.name) is not None  # follows the creation
    loaded_at = registry._loaded_at
    with CaptureQueriesContext(connections["default"]) as queries:
        for _ in range(3):
            assert registry.site_by_name(site.name) is not None
            assert registry.site_by_host("no-such-host.example") is None
    assert len(queries) == 0
    assert registry._loaded_at == loaded_at


def test_a_site_saved_in_this_process_is_seen_at_once(make_site: Any) -> None:
    site = make_site(title="Before")
    assert registry.site_by_name(site.name) is not None
    row = Site.objects.get(pk=site.pk)
    row.title = "After"
    row.save(update_fields=["title"])
    found = registry.site_by_name(site.name)
    assert found is not None and found.title == "After"


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL notifications only")
def test_a_change_is_announced_when_it_commits_not_before(make_site: Any) -> None:
    site = make_site()
    with psycopg.connect(os.environ["PNYX_DATABASE_URL"], autocommit=True) as listener:
        listener.execute(f"LISTEN {registry.CHANNEL}")
        with transaction.atomic(using="default"):
            Site.objects.filter(pk=site.pk).update(title="Renamed")
            registry.sites_changed()
            assert list(listener.notifies(timeout=0.2)) == []  # not committed yet
        assert [n.channel for n in listener.notifies(timeout=5, stop_after=1)] == [registry.CHANNEL]


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL notifications only")
def test_a_broken_listening_connection_is_opened_again(make_site: Any) -> None:
    site = make_site()
    assert registry.site_by_name(site.name) is not None
    listener = registry._listener
    assert listener is not None
    with psycopg.connect(os.environ["PNYX_DATABASE_URL"], autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [listener.info.backend_pid])
    assert select.select([listener.fileno()], [], [], 5)[0]  # the server hung up
    moved_to = site.database_url + "-moved"
    try:
        with psycopg.connect(os.environ["PNYX_DATABASE_URL"], autocommit=True) as other:
            other.execute(
                f"UPDATE {Site._meta.db_table} SET database_url = %s WHERE id = %s",
                [moved_to, site.pk],
            )  # no notification reaches the dead connection: reopening reloads
        found = registry.site_by_name(site.name)
        assert found is not None and found.database_url == moved_to
        assert registry._listener is not None and registry._listener is not listener
    finally:
        Site.objects.filter(pk=site.pk).update(database_url=site.database_url)
        registry.sites_changed()
        registry.reload_sites()


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL sessions only")
def test_the_old_database_is_dropped_once_nobody_uses_it(make_site: Any) -> None:
    site = make_site()
    old = targets.TargetDatabase(site.database_url)
    config = old.config
    reader = psycopg.connect(
        dbname=config["NAME"],
        user=config.get("USER") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        password=config.get("PASSWORD") or None,
    )
    started = time.monotonic()
    targets.wait_until_unused(old, seconds=0.5)
    assert time.monotonic() - started >= 0.5  # a session still reads it: waited it out
    reader.close()
    registry.forget_connection(site)
    started = time.monotonic()
    targets.wait_until_unused(old, seconds=5)
    assert time.monotonic() - started < 2  # nobody left: no wait


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL notifications only")
def test_the_import_switch_announces_itself(make_site: Any) -> None:
    from pnyx.dumps import importer

    site = make_site()
    old_url = site.database_url
    with psycopg.connect(os.environ["PNYX_DATABASE_URL"], autocommit=True) as listener:
        listener.execute(f"LISTEN {registry.CHANNEL}")
        try:
            # An update() of the row, which sends no post_save: the switch notifies itself.
            importer._switch(site, targets.TargetDatabase(old_url + "-new"), is_new_site=False)
            notices = list(listener.notifies(timeout=5, stop_after=1))
            assert [n.channel for n in notices] == [registry.CHANNEL]
        finally:
            Site.objects.filter(pk=site.pk).update(database_url=old_url)
            site.database_url = old_url
            registry.reload_sites()
