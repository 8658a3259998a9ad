"""Whatever is typed into the search box, the reader gets a result page or a clear message:
never a server error, and never a statement left to run past its time limit."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.search.corpus import load

from pnyx.search.engines import engine_for
from pnyx.search.replica import search_alias
from pnyx.search.timeouts import TooSlow, time_limit

OPERATORS = [
    "user", "score", "answers", "views", "is", "isaccepted", "hasaccepted", "closed",
    "duplicate", "wiki", "locked", "title", "body", "code", "url", "inquestion", "created",
    "lastactive", "infavorites", "nosuch",
]  # fmt: skip
SYNTAX = [
    '"', "[", "]", "-", "*", "^", ":", "(", ")", "NEAR", "OR", "AND", "NOT", "or", "'", ";",
    "--", "\\", "%", "_", "{", "}", "..", "\x00", "&", "|", "!", "<->", "/*", "*/",
]  # fmt: skip
WORDS = ["stout", "bottle", "bottles", "пиво", "啤酒", "中", "البيرة", "[stout]", "bott*", "the"]

pieces = st.one_of(
    st.text(max_size=25),
    st.sampled_from(SYNTAX),
    st.sampled_from(WORDS),
    st.builds(lambda k, v: f"{k}:{v}", st.sampled_from(OPERATORS), st.text(max_size=14)),
    st.builds(
        lambda k, a, b: f"{k}:{a}..{b}",
        st.sampled_from(["score", "views", "answers", "created", "lastactive"]),
        st.integers(-(10**12), 10**12),
        st.integers(-(10**12), 10**12),
    ),
)
queries = st.lists(pieces, max_size=30).map(" ".join)


def _page(client, site, query: str, **extra: str):  # type: ignore[no-untyped-def]
    response = client.get(f"/{site.name}/search", {"q": query, **extra})
    assert response.status_code in (200, 302), query
    return response


@pytest.fixture
def corpus_site(site):  # type: ignore[no-untyped-def]
    load()
    return site


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=queries, sort=st.sampled_from(["relevance", "newest", "active", "score", "x"]))
def test_random_queries_give_a_page(client, corpus_site, query: str, sort: str) -> None:  # type: ignore[no-untyped-def]
    response = _page(client, corpus_site, query, tab=sort, page="3")
    if response.status_code == 200:
        assert b"Search" in response.content


def test_huge_and_malformed_queries(client, corpus_site) -> None:  # type: ignore[no-untyped-def]
    site = corpus_site
    long_text = "stout " * 2000
    assert "first 1,000 characters" in _page(client, site, long_text).content.decode()
    operators = " ".join(f"score:{i} title:x{i} [t{i}] -w{i}" for i in range(3000))
    html = _page(client, site, operators).content.decode()
    assert "Only the first 24 words" in html
    for text in ('"""', "[[[", "]]]", "-", "*", "(((", "\x00stout", "stout\x00"):
        _page(client, site, text)
    # Page numbers past the end, and nonsense ones.
    for page in ("999999", "-5", "x", "1e9"):
        assert client.get(f"/{site.name}/search", {"q": "stout", "page": page}).status_code == 200
    # Bytes that are not UTF-8 in the address.
    raw = client.get(f"/{site.name}/search", QUERY_STRING="q=%ff%fe%00stout&tab=%ff")
    assert raw.status_code == 200


def test_a_statement_past_its_time_is_stopped_with_a_message(corpus_site, backend) -> None:  # type: ignore[no-untyped-def]
    engine = engine_for(search_alias(corpus_site))
    slow = (
        "SELECT pg_sleep(3)"
        if backend == "postgres"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
    )
    with pytest.raises(TooSlow), time_limit(engine, seconds=0.2 if backend != "postgres" else 1):
        engine._rows(slow, [])
