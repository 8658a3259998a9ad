"""Every response carries the Content-Security-Policy and Django's protective headers, pages
served from the page cache and static files included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import override_settings
from tests import factories

from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path
from pnyx.web.pagecache import CACHE_ALIAS, STATUS_HEADER
from pnyx.web.security import policy_header


def directives(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_protected(response) -> None:  # type: ignore[no-untyped-def]
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"][0] == "'self'"
    every_source = [source for sources in policy.values() for source in sources]
    assert "'unsafe-inline'" not in every_source
    assert "'unsafe-eval'" not in every_source
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def question_path(site) -> str:  # type: ignore[no-untyped-def]
    author = factories.create_user("Header Reader")
    question = factories.ask_question(
        author, "Which headers does a page carry?", "A body that is long enough to pass.", ["http"]
    )
    return site_path(site, "question", question.id, slugify_title(question.title))


def test_pages_fragments_and_errors_carry_the_headers(client, site, question_path) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", f"{site.url_prefix}/", question_path, f"{site.url_prefix}/tags"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_protected(response)
        assert response["X-Frame-Options"] == "DENY"
    missing = client.get(f"{site.url_prefix}/questions/999999")
    assert missing.status_code == 404
    assert_protected(missing)
    assert missing["X-Frame-Options"] == "DENY"


def test_static_files_carry_the_policy(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/static/pnyx/pnyx.css")
    assert response.status_code == 200
    assert_protected(response)


@pytest.fixture
def page_cache() -> Iterator[None]:
    caches[CACHE_ALIAS].clear()
    with override_settings(PNYX_PAGE_CACHE_SECONDS=60):
        yield
    caches[CACHE_ALIAS].clear()


def test_a_page_from_the_cache_carries_the_headers(client, question_path, page_cache) -> None:  # type: ignore[no-untyped-def]
    client.get(question_path)
    cached = client.get(question_path)
    assert cached[STATUS_HEADER] == "hit"
    assert_protected(cached)
    assert cached["X-Frame-Options"] == "DENY"


def test_the_header_text() -> None:
    assert (
        policy_header({"default-src": ["'self'"], "img-src": ["'self'", "https:"], "x": []})
        == "default-src 'self'; img-src 'self' https:; x"
    )
