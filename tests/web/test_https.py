"""Behind a TLS-terminating proxy: absolute URLs say https when the proxy's header (named by
PNYX_PROXY_SSL_HEADER) says so, a client's own header is ignored otherwise, and PNYX_HTTPS=1
makes the cookies secure and sends HSTS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import override_settings

from pnyx.config import load_config
from pnyx.errors import ConfigurationError

# A proxy passes the Host header on (the test client would otherwise add the port, 80).
FORGED = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "testserver"}


def _absolute_urls(client: Any) -> dict[str, str]:
    """The absolute URLs of the politics site's canonical link, sitemap, robots.txt and feed."""
    tags = client.get("/politics/tags", **FORGED).content.decode()
    canonical = tags.split('rel="canonical" href="', 1)[1].split('"', 1)[0]
    sitemap = client.get("/politics/sitemap.xml", **FORGED).content.decode()
    robots = client.get("/politics/robots.txt", **FORGED).content.decode()
    network_robots = client.get("/robots.txt", **FORGED).content.decode()
    feed = client.get("/politics/feeds", **FORGED).content.decode()
    return {
        "canonical": canonical,
        "sitemap": sitemap.split("<loc>", 1)[1],
        "robots": robots.split("Sitemap: ", 1)[1],
        "network robots": network_robots.split("Sitemap: ", 1)[1],
        "feed": feed.split('href="', 1)[1],
    }


def test_a_forged_header_is_ignored_without_the_setting(client, politics) -> None:  # type: ignore[no-untyped-def]
    urls = _absolute_urls(client)
    assert all(url.startswith("http://testserver/") for url in urls.values()), urls


def test_absolute_urls_say_https_behind_the_proxy(client, politics, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PNYX_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    header = load_config().proxy_ssl_header
    assert header == ("HTTP_X_FORWARDED_PROTO", "https")
    with override_settings(SECURE_PROXY_SSL_HEADER=header):
        urls = _absolute_urls(client)
        assert all(url.startswith("https://testserver/") for url in urls.values()), urls
        # The proxy says http: a plain request stays http.
        robots = client.get(
            "/politics/robots.txt", HTTP_X_FORWARDED_PROTO="http", HTTP_HOST="testserver"
        )
        assert "Sitemap: http://testserver/" in robots.content.decode()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PNYX_PROXY_SSL_HEADER": "X Forwarded: https"}, "is not a header name"),
        ({"PNYX_HTTPS": "1"}, "PNYX_HTTPS=1 needs PNYX_PROXY_SSL_HEADER"),
        (
            {
                "PNYX_HTTPS": "1",
                "PNYX_PROXY_SSL_HEADER": "X-Forwarded-Proto",
                "PNYX_HSTS_SECONDS": "1y",
            },
            "PNYX_HSTS_SECONDS='1y' is not a whole number",
        ),
    ],
)
def test_bad_https_settings_are_refused_in_one_line(monkeypatch, env, message) -> None:  # type: ignore[no-untyped-def]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        load_config()


PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
answers = {}
for name, headers in [("https", {"HTTP_X_FORWARDED_PROTO": "https"}), ("http", {})]:
    response = client.get("/robots.txt", HTTP_HOST="testserver", **headers)
    answers[name] = {
        "hsts": response.headers.get("Strict-Transport-Security"),
        "sitemap": response.content.decode().split("Sitemap: ")[1].split("/")[0],
    }
answers["cookies secure"] = [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE]
print(json.dumps(answers))
"""


def _settings_probe(politics: Any, **env: str) -> dict[str, Any]:
    """Django set up afresh with `env`, as `pnyx serve` would be, asked for /robots.txt."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pnyx.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_environment_reaches_the_settings(politics) -> None:  # type: ignore[no-untyped-def]
    served = _settings_probe(politics, PNYX_PROXY_SSL_HEADER="X-Forwarded-Proto", PNYX_HTTPS="1")
    assert served["https"] == {"hsts": "max-age=31536000", "sitemap": "https:"}
    assert served["http"] == {"hsts": None, "sitemap": "http:"}
    assert served["cookies secure"] == [True, True]
    plain = _settings_probe(politics, PNYX_HSTS_SECONDS="60")
    assert plain["https"] == {"hsts": None, "sitemap": "http:"}  # no header trusted
    assert plain["cookies secure"] == [False, False]
    short = _settings_probe(
        politics, PNYX_PROXY_SSL_HEADER="X-Forwarded-Proto", PNYX_HTTPS="1", PNYX_HSTS_SECONDS="600"
    )
    assert short["https"]["hsts"] == "max-age=600"
