"""The network home: each site with its question count and its most active questions."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def test_network_home_shows_counts_and_most_active_questions(client, community) -> None:  # type: ignore[no-untyped-def]
    built = community(5)
    body = client.get("/").content.decode()
    prefix = built.site.url_prefix
    (card,) = [c for c in body.split('<li class="site-card">') if f'<a href="{prefix}/">' in c]
    assert "5 questions" in card
    # The latest activity is the second answer of the newest question.
    titles = re.findall(r'<a href="[^"]+/questions/\d+/[^"]+">([^<]+)</a>', card)
    assert titles == [
        "Question number 4 about beer styles",
        "Question number 3 about beer styles",
        "Question number 2 about beer styles",
    ]
    assert (
        f'href="{prefix}/questions/{built.questions[4].id}/question-number-4-about-beer-styles"'
        in card
    )


def test_network_home_lists_an_empty_site(client, make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(title="Quiet corner")
    body = client.get("/").content.decode()
    assert "Quiet corner" in body
    assert f'href="{site.url_prefix}/"' in body
    (card,) = [c for c in body.split('<li class="site-card">') if "Quiet corner" in c]
    assert "0 questions" in card


def test_network_home_queries_each_site_three_times_then_once(client, community) -> None:  # type: ignore[no-untyped-def]
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    small, large = community(2), community(30)
    with (
        CaptureQueriesContext(connections[small.site.db_alias]) as small_queries,
        CaptureQueriesContext(connections[large.site.db_alias]) as large_queries,
    ):
        assert client.get("/").status_code == 200
    # The content version, the count and the most active questions.
    assert len(small_queries) == len(large_queries) == 3
    with CaptureQueriesContext(connections[large.site.db_alias]) as again:
        assert client.get("/").status_code == 200
    assert len(again) == 1


def test_network_home_changes_the_moment_a_site_does(client, community) -> None:  # type: ignore[no-untyped-def]
    from tests import factories

    from pnyx.sites.context import activated

    built = community(2)
    assert "2 questions" in client.get("/").content.decode()
    with activated(built.site):
        factories.ask_question(built.users[0], "A brand new question right now", "x" * 40, "ale")
    body = client.get("/").content.decode()
    (card,) = [c for c in body.split('<li class="site-card">') if built.site.url_prefix in c]
    assert "3 questions" in card
    assert "A brand new question right now" in card
