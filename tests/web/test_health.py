"""The `/-/ping` health check: up, plain, and free of database work."""

from __future__ import annotations

from django.db import connections
from django.test.utils import CaptureQueriesContext

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
    contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]
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
