"""Search reads run on a read replica when one is configured (PostgreSQL sites)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from tests.search.corpus import load

from pnyx.search.replica import replica_url, search_alias


def test_the_replica_url_keeps_the_site_database_name() -> None:
    assert (
        replica_url(
            "postgresql://reader:pw@replica1:5433", "postgresql://pnyx@db/pnyx_beer__i1a2b3c4d"
        )
        == "postgresql://reader:pw@replica1:5433/pnyx_beer__i1a2b3c4d"
    )


def test_searches_go_to_the_replica(client, site, backend, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    load()
    if backend != "postgres":
        monkeypatch.setattr(
            settings,
            "PNYX",
            dataclasses.replace(settings.PNYX, read_replica_urls=["postgresql://x@y"]),
        )
        assert search_alias(site) == site.db_alias  # an SQLite site has no replica
        return
    # The test server stands in for a replica, reached by another name.
    parts = urlsplit(site.database_url)
    server = urlunsplit((parts.scheme, parts.netloc.replace("127.0.0.1", "localhost"), "", "", ""))
    monkeypatch.setattr(
        settings, "PNYX", dataclasses.replace(settings.PNYX, read_replica_urls=[server])
    )
    alias = search_alias(site)
    assert alias != site.db_alias
    assert connections[alias].settings_dict["HOST"] == "localhost"
    assert (
        connections[alias].settings_dict["NAME"] == connections[site.db_alias].settings_dict["NAME"]
    )
    with (
        CaptureQueriesContext(connections[alias]) as on_replica,
        CaptureQueriesContext(connections[site.db_alias]) as on_primary,
    ):
        response = client.get(f"/{site.name}/search", {"q": "bottles"})
    assert "3 results" in response.content.decode()
    assert any("search_docs" in q["sql"] for q in on_replica.captured_queries)
    assert not any("search_docs" in q["sql"] for q in on_primary.captured_queries)
    connections[alias].close()


def test_similar_questions_read_through_the_search_connection(site) -> None:  # type: ignore[no-untyped-def]
    load()
    alias = search_alias(site)
    from pnyx.search.selectors import similar_questions

    with CaptureQueriesContext(connections[alias]) as captured:
        found = similar_questions(site, "How should I bottle my stout?")
    assert found[0].title in ("How do I bottle stout at home?", "How to bottle a stout at home")
    assert any("search_terms" in q["sql"] for q in captured.captured_queries)
