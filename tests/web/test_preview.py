"""The editor's preview: the server's own rendering, CSRF-protected, bounded, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from pnyx.posts.rules import BODY_MAX
from pnyx.render.markdown import render_post
from pnyx.sites.paths import link_context
from pnyx.sites.registry import reload_sites

CSRF = get_random_string(32)


@pytest.fixture
def browser() -> Client:
    """A client that, like a browser, must send the CSRF token the form gave it (the secret
    lives in the session: settings.CSRF_USE_SESSIONS)."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_SESSION_KEY

    client = Client(enforce_csrf_checks=True)
    session = client.session
    session[CSRF_SESSION_KEY] = CSRF
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def preview(client: Client, site, text: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"{site.url_prefix}/posts/preview",
        {"text": text},
        headers={"X-CSRFToken": CSRF, **headers},
    )


def test_the_preview_is_what_the_post_will_show(browser, site) -> None:  # type: ignore[no-untyped-def]
    site.origins = ["https://example.stackexchange.com"]
    site.save(update_fields=["origins"])
    reload_sites()
    text = (
        "**Bold** and [a question](https://example.stackexchange.com/questions/7/seven)\n\n"
        "<script>window.bad = 1</script><img src=x onerror=alert(1)>\n\n| a |\n|--:|\n| 1 |"
    )
    response = preview(browser, site, text)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert html == render_post(text, link_context(site))
    assert "<strong>Bold</strong>" in html
    assert f'href="{site.url_prefix}/questions/7/seven"' in html
    assert "<script" not in html and "onerror" not in html


def test_a_preview_without_the_csrf_token_is_refused(site) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{site.url_prefix}/posts/preview", {"text": "**hi**"})
    assert response.status_code == 403


def test_a_forged_token_is_refused(browser, site) -> None:  # type: ignore[no-untyped-def]
    response = browser.post(
        f"{site.url_prefix}/posts/preview",
        {"text": "**hi**"},
        headers={"X-CSRFToken": get_random_string(32)},
    )
    assert response.status_code == 403


def test_only_post(client, site) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"{site.url_prefix}/posts/preview").status_code == 405


def test_the_preview_lives_on_each_site_only(browser) -> None:  # type: ignore[no-untyped-def]
    response = browser.post("/posts/preview", {"text": "x"}, headers={"X-CSRFToken": CSRF})
    assert response.status_code == 404


def test_a_body_over_the_limit_gets_a_message(browser, site) -> None:  # type: ignore[no-untyped-def]
    response = preview(browser, site, "a" * (BODY_MAX + 1))
    assert response.status_code == 400
    assert f"limited to {BODY_MAX} characters" in response.content.decode()
    assert preview(browser, site, "a" * BODY_MAX).status_code == 200


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x7f",
        "[" * 5000,
        "![x](" * 2000,
        "<" * 5000,
        "&#" * 3000 + ";",
        "> " * 3000,
        "```" + "\n" * 3000,
        "\u202e\u200b\ufeff",
        "[x](<javascript:alert(1)>)",
    ],
)
def test_odd_text_renders(browser, site, text: str) -> None:  # type: ignore[no-untyped-def]
    response = preview(browser, site, text)
    assert response.status_code == 200


def test_bytes_that_are_not_utf8_render(browser, site) -> None:  # type: ignore[no-untyped-def]
    response = browser.post(
        f"{site.url_prefix}/posts/preview",
        b"text=%FF%FE%ED%A0%80abc",
        content_type="application/x-www-form-urlencoded",
        headers={"X-CSRFToken": CSRF},
    )
    assert response.status_code == 200
    assert "abc" in response.content.decode()
