"""The two engines find the same posts for the same query over the same posts; and what each
query finds is what the language says (on the test backend)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from tests.search.corpus import Corpus, load
from tests.search.queries import QUERIES

from pnyx.search.engines import Context, engine_for
from pnyx.search.query import parse
from pnyx.sites.context import activated


def _postgres_reachable() -> str | None:
    import psycopg

    url = os.environ.get("PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.Error:
        return None
    return url


@pytest.fixture
def twin_sites(make_site):  # type: ignore[no-untyped-def]
    """The corpus in a site on SQLite and in one on PostgreSQL."""
    server = _postgres_reachable()
    if server is None:
        pytest.skip("no PostgreSQL server to compare with")
    from urllib.parse import urlsplit, urlunsplit

    name = f"pnyx_t_twin_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(server)
    postgres_url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    sqlite_url = f"sqlite:///{Path(settings.DATA_DIR) / 'sites' / (name + '.sqlite3')}"
    loaded = []
    for url in (sqlite_url, postgres_url):
        site = make_site(database_url=url)
        with activated(site):
            loaded.append((site, load()))
    return loaded


def _found(site, corpus: Corpus, text: str) -> set[str]:  # type: ignore[no-untyped-def]
    names = {post.id: name for name, post in corpus.posts.items()}
    context = Context(user_id=corpus.helper.id, question_id=corpus.posts["stout"].id)
    with activated(site):
        ids = engine_for(site.db_alias).match_ids(parse(text), context)
    return {names.get(i, str(i)) for i in ids}


def test_both_engines_find_the_same_posts(twin_sites) -> None:  # type: ignore[no-untyped-def]
    (lite, lite_corpus), (postgres, postgres_corpus) = twin_sites
    assert {lite.db_alias, postgres.db_alias} and lite.database_url.startswith("sqlite")
    found_any = 0
    extra = [
        f"user:{lite_corpus.helper.id}",
        "user:me stout",
        "infavorites:me",
        "inquestion:this",
        f"inquestion:{lite_corpus.posts['hops'].id} citrus",
    ]
    for text in [*QUERIES, *extra]:
        on_sqlite = _found(lite, lite_corpus, text)
        on_postgres = _found(postgres, postgres_corpus, text)
        assert on_sqlite == on_postgres, text
        found_any += bool(on_sqlite)
    assert found_any > len(QUERIES) * 2 // 3


EXPECTED = {
    "bottle": {"stout", "stout_answer", "copy"},
    '"clean bottles"': {"stout_answer"},
    '"pale ale"': {"hops", "hops_answer", "wiki"},
    '"ale pale"': set(),
    "stout -bottles": {"wiki"},
    "[hops] or [storage]": {"hops", "hops_answer", "russian", "chinese"},
    "[stout] bottles": {"stout", "stout_answer", "copy"},
    "bott*": {"stout", "stout_answer", "copy"},
    "title:stout": {"stout", "copy"},
    'code:"cap_bottle"': {"stout"},
    "url:example.com": {"stout"},
    "url:docs.example.org": {"cafe"},
    "пиво": {"russian"},
    "хранить пиво": {"russian"},
    "啤酒": {"chinese"},
    "中": {"chinese"},
    "喜欢喝啤酒": {"chinese"},
    "البيرة": {"arabic"},
    "café": {"cafe"},
    "cafe NAÏVE": {"cafe"},
    "e-mail": {"cafe"},
    "[c++]": {"cafe"},
    "score:3": {"stout", "stout_answer"},
    "answers:0": {"russian", "chinese", "arabic", "cafe", "copy", "wiki"},
    "isaccepted:yes": {"stout_answer"},
    "hasaccepted:no": {"hops", "russian", "chinese", "arabic", "cafe", "copy", "wiki"},
    "duplicate:yes": {"copy"},
    "closed:yes": {"hops", "copy"},
    "wiki:yes": {"wiki"},
    "created:2017": {"cafe"},
    "infavorites:me": {"hops"},
    "inquestion:this": {"stout", "stout_answer"},
    "user:me stout": {"copy"},
    "NEAR(a b) OR 1=1; DROP TABLE posts; --": set(),
}


@pytest.mark.parametrize("text", sorted(EXPECTED))
def test_each_part_of_the_language_finds_what_it_says(site, text: str) -> None:  # type: ignore[no-untyped-def]
    corpus = load()
    assert _found(site, corpus, text) == EXPECTED[text]
