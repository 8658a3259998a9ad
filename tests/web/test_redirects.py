"""Redirects built from the request's path stay on the host the request came to."""

from __future__ import annotations

import pytest
from django.test import override_settings

from .redirect_checks import stays_on_host

HOST = "brew.example.org"

HOSTILE_PATHS = [
    "//evil.com/x",
    "///evil.com/x",
    "/%2F%2Fevil.com",
    "/%2F/evil.com",
    "/%5Cevil.com",
    "/%5C%5Cevil.com",
    "/%09/evil.com",
    "/%0A/evil.com",
    "/%2Fevil.com%2F..",
    "//evil.com/x?next=//evil.com",
]


def test_the_checker_sees_an_open_redirect() -> None:
    # What the middleware answered before: the test below would catch it.
    assert not stays_on_host("//evil.com/x", HOST)
    assert not stays_on_host("/\\evil.com", HOST)
    assert not stays_on_host("/\t/evil.com", HOST)
    assert stays_on_host("/%2Fevil.com/x", HOST)


@pytest.fixture
def hosted(make_site):  # type: ignore[no-untyped-def]
    site = make_site(hostnames=[HOST])
    with override_settings(ALLOWED_HOSTS=[HOST, "testserver"]):
        yield site


@pytest.mark.parametrize("tail", HOSTILE_PATHS)
def test_a_prefixed_path_on_the_sites_own_host_redirects_on_that_host(
    client, hosted, tail: str
) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{hosted.url_prefix}{tail}", HTTP_HOST=HOST)
    assert response.status_code == 301
    location = response["Location"]
    assert stays_on_host(location, HOST), location


def test_the_prefix_redirect_keeps_the_path_and_query(client, hosted) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{hosted.url_prefix}/questions?tab=newest&page=2", HTTP_HOST=HOST)
    assert response["Location"] == "/questions?tab=newest&page=2"
    odd = client.get(f"{hosted.url_prefix}/tags/c%23/info", HTTP_HOST=HOST)
    assert odd["Location"] == "/tags/c%23/info"
    followed = client.get(f"{hosted.url_prefix}//evil.com/x", HTTP_HOST=HOST, follow=True)
    assert followed.status_code == 404  # on the site, not elsewhere
    assert all(stays_on_host(url, HOST) for url, _ in followed.redirect_chain)


@pytest.mark.parametrize("tail", HOSTILE_PATHS[:4])
def test_slug_and_short_link_redirects_keep_to_the_host(client, politics, tail: str) -> None:  # type: ignore[no-untyped-def]
    """The question and user pages redirect to their canonical slug keeping the query string;
    whatever the query holds, the target is a path on this host."""
    for url in (
        f"/politics/questions/26794/wrong-slug?x={tail}",
        f"/politics/users/15860/wrong?tab={tail}",
        f"/politics/users/15860?{tail}",
        f"/politics/q/26794?{tail}",
    ):
        response = client.get(url)
        assert response.status_code == 301, url
        assert stays_on_host(response["Location"], "testserver"), response["Location"]
