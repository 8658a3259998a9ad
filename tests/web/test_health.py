"""The `/-/ping` health check: up, plain, and free of database work."""

from __future__ import annotations

from django.db import connections
from django.test.utils import CaptureQueriesContext

from pnyx.network.models import Site
from pnyx.sites.registry import reload_sites


def test_ping_answers_ok_as_plain_text(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/-/ping")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Cache-Control"] == "no-store"


def test_ping_runs_no_sql(client, politics) -> None:  # type: ignore[no-untyped-def]
    # The site middleware refreshes its in-memory site list once a minute; make that happen now so
    # the count below is the view's own, with the site databases open as in a running server.
    reload_sites()
    # Every database a request could reach: the network's and each live site's (with the
    # search's own connection); aliases of sites that earlier tests deleted are left out.
    live = [site.db_alias for site in Site.objects.all()]
    aliases = [
        alias
        for alias in connections
        if alias == "default" or any(alias == a or alias.startswith(f"{a}_") for a in live)
    ]
    assert "default" in aliases and politics.db_alias in aliases
    contexts = [CaptureQueriesContext(connections[alias]) for alias in aliases]
    for context in contexts:
        context.__enter__()
    try:
        response = client.get("/-/ping")
    finally:
        for context in contexts:
            context.__exit__(None, None, None)
    assert response.status_code == 200
    assert [q["sql"] for context in contexts for q in context.captured_queries] == []


def test_ping_is_not_taken_for_a_site(client, politics) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/politics/-/ping").status_code == 404
