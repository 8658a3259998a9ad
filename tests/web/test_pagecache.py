"""The whole-page cache: a reader sees a change the moment it is made, and only shared pages
are kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from tests import factories

from pnyx.cli import main
from pnyx.posts import actions
from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path
from pnyx.web.pagecache import CACHE_ALIAS, STATUS_HEADER, PageCacheMiddleware


@pytest.fixture(autouse=True)
def page_cache() -> Iterator[None]:
    caches[CACHE_ALIAS].clear()
    with override_settings(PNYX_PAGE_CACHE_SECONDS=60):
        yield
    caches[CACHE_ALIAS].clear()


@pytest.fixture
def thread(site):  # type: ignore[no-untyped-def]
    author = factories.create_user("Cacher")
    question = factories.ask_question(
        author, "Does the cache keep up?", "A question body that is long enough.", ["cache"]
    )
    return question, author, site_path(site, "question", question.id, slugify_title(question.title))


def test_a_repeated_page_comes_from_the_cache(client, thread) -> None:  # type: ignore[no-untyped-def]
    _, _, path = thread
    first = client.get(path)
    second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert (first[STATUS_HEADER], second[STATUS_HEADER]) == ("miss", "hit")
    assert second.content == first.content


def test_a_new_comment_shows_at_once(client, thread) -> None:  # type: ignore[no-untyped-def]
    question, author, path = thread
    client.get(path)
    factories.add_comment(question, author, "A brand new comment on the question.")
    response = client.get(path)
    assert response[STATUS_HEADER] == "miss"
    assert "A brand new comment on the question." in response.content.decode()


def test_a_change_made_past_the_domain_shows_after_a_touch(client, site, thread) -> None:  # type: ignore[no-untyped-def]
    question, _, path = thread
    client.get(path)
    client.get(site_path(site, "questions"))
    with connections[site.db_alias].cursor() as cursor:
        cursor.execute(
            "UPDATE posts SET body_html = %s, title = %s WHERE id = %s",
            ["<p>Rewritten by an administrator.</p>", "Does the cache keep up?!", question.id],
        )
    assert client.get(path)[STATUS_HEADER] == "hit"
    assert main(["site", "touch", site.name]) == 0
    assert "Rewritten by an administrator." in client.get(path).content.decode()
    assert "Does the cache keep up?!" in client.get(site_path(site, "questions")).content.decode()


def test_a_vote_elsewhere_leaves_a_question_page_cached(client, site, thread) -> None:  # type: ignore[no-untyped-def]
    question, author, path = thread
    other = factories.ask_question(
        author, "Another question on the site", "A question body that is long enough.", ["x"]
    )
    voter = factories.create_user("Voter", reputation=100)
    client.get(path)
    actions.check_vote(actor=voter, post_id=other.pk, vote="up")
    assert client.get(path)[STATUS_HEADER] == "hit"
    actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    response = client.get(path)
    assert response[STATUS_HEADER] == "miss"


def test_readers_with_cookies_get_the_view(client, thread) -> None:  # type: ignore[no-untyped-def]
    _, _, path = thread
    client.get(path)
    client.cookies["sessionid"] = "abc"
    response = client.get(path)
    assert response.status_code == 200
    assert STATUS_HEADER not in response


def test_errors_are_not_kept(client, site) -> None:  # type: ignore[no-untyped-def]
    path = f"{site.url_prefix}/questions/999999/missing"
    assert client.get(path).status_code == 404
    response = client.get(path)
    assert response.status_code == 404
    assert STATUS_HEADER not in response


def test_cache_off_when_seconds_is_zero(client, thread) -> None:  # type: ignore[no-untyped-def]
    _, _, path = thread
    with override_settings(PNYX_PAGE_CACHE_SECONDS=0):
        client.get(path)
        assert STATUS_HEADER not in client.get(path)


def test_network_pages_are_not_cached(client) -> None:  # type: ignore[no-untyped-def]
    client.get("/-/ping")
    assert STATUS_HEADER not in client.get("/-/ping")


def test_headers_named_in_vary_are_part_of_the_key(site) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        fragment = request.headers.get("HX-Request") == "true"
        calls.append("fragment" if fragment else "page")
        response = HttpResponse("fragment" if fragment else "whole page")
        response["Vary"] = "HX-Request"
        return response

    middleware = PageCacheMiddleware(view)

    def get(**headers: str) -> HttpResponse:
        request = RequestFactory().get("/comments", headers=headers)
        request.site = site  # type: ignore[attr-defined]
        return middleware(request)

    assert get().content == b"whole page"
    assert get(HX_Request="true").content == b"fragment"
    assert get().content == b"whole page"
    assert get(HX_Request="true").content == b"fragment"
    assert calls == ["page", "fragment"]


def test_a_page_that_sets_a_cookie_is_not_kept(site) -> None:  # type: ignore[no-untyped-def]
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("personal")
        response.set_cookie("seen", "1")
        return response

    middleware = PageCacheMiddleware(view)
    for _ in range(2):
        request = RequestFactory().get("/personal")
        request.site = site  # type: ignore[attr-defined]
        assert STATUS_HEADER not in middleware(request)


class RenderedTwice:
    """A page whose second render lets another reader in: `get()` asks for the page; the
    request made from inside the second render stands for a reader arriving mid-render, and
    what it got is in `during`."""

    def __init__(self, site) -> None:  # type: ignore[no-untyped-def]
        self.site = site
        self.renders: list[str] = []
        self.during: list[HttpResponse] = []
        self.middleware = PageCacheMiddleware(self.view)

    def view(self, request: HttpRequest) -> HttpResponse:
        self.renders.append(f"render {len(self.renders) + 1}")
        text = self.renders[-1]
        if len(self.renders) == 2:
            self.during.append(self.get())
        return HttpResponse(text)

    def get(self) -> HttpResponse:
        request = RequestFactory().get("/users")
        request.site = self.site  # type: ignore[attr-defined]
        return self.middleware(request)

    def change(self) -> None:
        author = factories.create_user(f"Cacher {len(self.renders)}")
        factories.ask_question(
            author, "A change the page shows", "A question body that is long enough.", ["x"]
        )


def test_while_a_changed_page_renders_others_get_its_last_rendering(site) -> None:  # type: ignore[no-untyped-def]
    """A page that changes many times a second is rendered once at a time: a reader arriving
    while it renders gets the page as last rendered, marked stale; the next reader the new one."""
    page = RenderedTwice(site)
    assert page.get().content == b"render 1"
    page.change()
    fresh = page.get()
    assert fresh.content == b"render 2" and fresh[STATUS_HEADER] == "miss"
    assert [(r.content, r[STATUS_HEADER]) for r in page.during] == [(b"render 1", "stale")]
    assert page.get()[STATUS_HEADER] == "hit" and page.get().content == b"render 2"
    assert page.renders == ["render 1", "render 2"]


def test_a_rendering_too_old_is_not_served_while_the_page_renders(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pnyx.web import pagecache

    page = RenderedTwice(site)
    page.get()
    monkeypatch.setattr(pagecache, "STALE_SECONDS", 0.0)
    page.change()
    assert page.get().content == b"render 2"
    assert [r.content for r in page.during] == [b"render 3"]  # rendered, not the old page
