"""Every process follows a site's move to another database within a second.

`pnyx import --replace` fills a new database, points the site at it in the network database,
and then drops the old one; a server started before must not keep reading the old one.
"""

from __future__ import annotations

import os
import time
from typing import Any

import psycopg
import pytest

from pnyx.dumps import target as targets
from pnyx.network.models import Site
from pnyx.sites import registry


def test_a_site_moved_by_another_process_is_followed_within_a_second(
    make_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    registry.reload_sites()
    moved_to = site.database_url + "-moved"
    try:
        # What the import does from its own process: one update of the site's row.
        Site.objects.filter(pk=site.pk).update(database_url=moved_to)
        found = registry.site_by_name(site.name)
        assert found is not None and found.database_url == site.database_url  # not yet checked
        monkeypatch.setattr(registry, "_checked_at", time.monotonic() - registry.CHECK_SECONDS)
        found = registry.site_by_name(site.name)
        assert found is not None and found.database_url == moved_to
    finally:
        Site.objects.filter(pk=site.pk).update(database_url=site.database_url)
        registry.reload_sites()


def test_an_unchanged_site_list_is_not_loaded_again(
    make_site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site()
    registry.reload_sites()
    loaded_at = registry._loaded_at
    monkeypatch.setattr(registry, "_checked_at", time.monotonic() - registry.CHECK_SECONDS)
    assert registry.site_by_name(site.name) is not None
    assert registry._loaded_at == loaded_at


@pytest.mark.skipif(
    os.environ.get("PNYX_TEST_BACKEND") != "postgres", reason="PostgreSQL sessions only"
)
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
