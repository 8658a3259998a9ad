"""Browser tests: the real WSGI application on a loopback port, driven by Debian's Chromium.

One Chromium per test process (pytest-xdist worker), one fresh browser context per test. The live
server runs the same WSGI application `pnyx serve` runs (middleware, WhiteNoise static files)
against this test run's databases, in a thread of the test process, so data that fixtures create
(`politics`, `beer`, ...) is what the browser sees.

Chromium comes from Debian (`apt-get install chromium`; `make test` and `.ci/run` install it). Without
`/usr/bin/chromium` every test here is skipped with that reason.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("PNYX_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VENDOR = Path(__file__).parent / "vendor"
AXE_SCRIPT = VENDOR / "axe-core-4.14.1.min.js"
# Where screenshots go: a temporary directory, or the folder named here (e.g. docs/screenshots).
SCREENSHOTS_ENV = "PNYX_SCREENSHOTS_DIR"


@dataclass(frozen=True)
class LiveServer:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


class _QuietHandler:
    """Built lazily: Django's request handler, without a log line per request."""

    @staticmethod
    def make() -> type:
        from django.core.servers.basehttp import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The WSGI app of `pnyx serve` on 127.0.0.1 and a free port, in a background thread.

    Django's threaded server closes each request thread's database connections when the request
    ends, so neither SQLite nor PostgreSQL connections pile up.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer

    from pnyx.wsgi import application

    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler.make(), allow_reuse_address=False)
    server.set_app(application)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield LiveServer(f"http://{host}:{port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the whole test process."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an asyncio loop running in this thread; Django would
    # then refuse ORM calls made by fixtures set up later (e.g. the `beer` import) as if they
    # came from async code. Pnyx has no async code, so the check has nothing to protect here.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh page (own cookies and cache) at a desktop width, light scheme."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="light", reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Chromium reports each thing the Content-Security-Policy blocks on the console, with the
    # file whose code did it. Code a test evaluates through the DevTools protocol has no file
    # (axe-core adds <style> elements while it checks): that is the harness, not the page.
    violations: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text and message.location.get("url"):
            violations.append(f"{message.text} ({message.location['url']})")

    page.on("console", on_console)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def run_axe(page: Any, *, colours_only: bool = False) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.x A/AA and best-practice rules on the page; return the violations.

    `colours_only` runs just the contrast rules: enough for a second colour scheme, where only
    the colours differ from a page already checked in full.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: an inline <script> tag would be refused by the
        # page's Content-Security-Policy, as it should be.
        page.evaluate(AXE_SCRIPT.read_text())
    options: dict[str, Any] = (
        {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}
        if colours_only
        else {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    )
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def serious_violations(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """A readable list: rule, impact, and the first few offending elements with axe's reason."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']}")
        for node in v["nodes"][:5]:
            target = json.dumps(node.get("target"))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
    if chosen:
        path = Path(chosen)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")


# A page that exists only while a test runs: the editor include in a form, as the ask, answer
# and edit pages will use it. Sending the form shows what arrived.
EDITOR_PAGE = "-/test/editor"
EDITOR_TEMPLATE = """{% extends "pnyx/base.html" %}
{% block head %}{% include "pnyx/editor_assets.html" %}{% endblock %}
{% block content %}<h1>Editor test page</h1>
{% if sent is not None %}<h2>Sent</h2><pre id="sent">{{ sent }}</pre>{% endif %}
<form method="post">{% csrf_token %}
{% include "pnyx/editor.html" with name="body" label="Body" value=value draft_key="test" help="Markdown; the preview shows what will be saved." %}
<button type="submit">Post</button>
</form>{% endblock %}"""


def _editor_view(request: Any) -> Any:
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string(EDITOR_TEMPLATE)
    sent = request.POST.get("body") if request.method == "POST" else None
    context = {"value": request.GET.get("value", ""), "sent": sent}
    return HttpResponse(template.render(context, request))


@pytest.fixture
def editor_page(politics: Any) -> Iterator[str]:
    """The path of a test page holding the editor, on the politics site."""
    from django.urls import clear_url_caches, path

    from pnyx.web import site_urls

    pattern = path(EDITOR_PAGE, _editor_view, name="test_editor")
    site_urls.urlpatterns.append(pattern)
    clear_url_caches()
    try:
        yield f"{politics.url_prefix}/{EDITOR_PAGE}"
    finally:
        site_urls.urlpatterns.remove(pattern)
        clear_url_caches()
