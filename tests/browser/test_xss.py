"""The XSS corpus (tests/browser/xss_payloads.toml) in every field a person can fill, and every
page that shows it loaded in Chromium, with the Content-Security-Policy and without it: nothing
runs and nothing is left that could run (see tests/browser/xss.py for what is watched).

Payloads go in through each `SUBMITTERS` entry. Today that is the domain functions; when the
ask, answer, comment, edit and profile forms exist, a submitter that fills them in the browser
joins the dict (`name: factory(site, browser, live_server) -> Submit`), and every test below runs
for it too.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .xss import (
    FIELDS,
    DomainSubmitter,
    Payload,
    Submit,
    check_editor,
    check_pages,
    describe,
    list_pages,
    payloads,
    submit_all,
)

pytestmark = pytest.mark.browser

CATEGORIES = {
    "script",
    "event_handlers",
    "urls",
    "svg_and_mathml",
    "css",
    "encoding",
    "unclosed_and_nested",
    "mutation",
    "markdown",
    "template_syntax",
}

SUBMITTERS: dict[str, Callable[..., Submit]] = {
    "domain": lambda site, browser, live_server: DomainSubmitter(site),
}


@dataclass
class Submitted:
    site: Any
    paths: list[str]
    refused: list[tuple[int, str]]


@pytest.fixture(scope="module")
def corpus() -> list[Payload]:
    return payloads()


@pytest.fixture(scope="module", params=sorted(SUBMITTERS))
def submitted(
    request: pytest.FixtureRequest, corpus: list[Payload], chromium: Any, live_server: Any
) -> Iterator[Submitted]:
    """A fresh site holding every payload in every field, put there by one submitter."""
    from pnyx.sites.services import create_site, delete_site

    site = create_site(f"x{uuid.uuid4().hex[:10]}", "XSS corpus")
    try:
        submit = SUBMITTERS[request.param](site, chromium, live_server)
        paths, refused = submit_all(submit, corpus)
        yield Submitted(site, paths + list_pages(site), refused)
    finally:
        delete_site(site)


def test_the_corpus(corpus: list[Payload]) -> None:
    assert len(corpus) >= 150
    by_category = Counter(payload.category for payload in corpus)
    assert set(by_category) == CATEGORIES
    assert min(by_category.values()) >= 10, by_category
    assert len({payload.text for payload in corpus}) == len(corpus), "a payload is repeated"
    # Each payload would name itself if it ran, but for a few that cannot (`vbscript:`, which
    # no current browser runs, and server-side template syntax, which would show in the text).
    silent = [payload for payload in corpus if not payload.signals]
    assert len(silent) <= 5, silent


def test_every_field_takes_the_payloads_or_refuses_them_cleanly(
    submitted: Submitted, corpus: list[Payload]
) -> None:
    refused_fields = Counter(name for _, name in submitted.refused)
    # Free text: everything is taken (and must then be shown safely).
    for name in ("body", "answer", "comment", "edit_summary", "location", "website", "about_me"):
        assert refused_fields[name] == 0, (name, [n for n, f in submitted.refused if f == name])
    # Titles and names have lengths; tags a strict form, which no payload has.
    assert refused_fields["title"] < len(corpus) // 4
    too_long = {p.number for p in corpus if len(" ".join(p.text.split())) > 100}
    assert {n for n, f in submitted.refused if f == "display_name"} == too_long
    assert refused_fields["tags"] == len(corpus)
    assert set(refused_fields) <= set(FIELDS)


@pytest.mark.parametrize("with_policy", [True, False], ids=["with-csp", "without-csp"])
def test_no_payload_runs(
    submitted: Submitted, chromium: Any, live_server: Any, with_policy: bool
) -> None:
    findings = check_pages(chromium, live_server.url, submitted.paths, with_policy=with_policy)
    assert findings.loaded >= 2 * 150
    assert not findings.problems(), describe(findings)


def test_the_harness_sees_payloads_that_run(
    corpus: list[Payload], chromium: Any, live_server: Any
) -> None:
    """Guards the checks: the same payloads served raw, unsanitised and without a policy, run
    (calls, dialogs, navigation, fetched signals) or are caught by the DOM audit."""
    raw = {
        f"/-/raw/{payload.number}": f"<!doctype html><title>raw</title><body>{payload.text}"
        for payload in corpus
    }
    raw["/-/raw/dialog"] = "<!doctype html><script>alert('hi')</script>"
    raw["/-/raw/navigate"] = '<!doctype html><meta http-equiv="refresh" content="0;url=/-/raw/1">'
    findings = check_pages(chromium, live_server.url, list(raw), with_policy=False, raw_pages=raw)
    ran = findings.payloads_that_ran()
    assert len(ran) >= len(corpus) // 3, describe(findings)
    assert findings.dialogs and findings.navigations
    audited = {int(m) for m in re.findall(r"/-/raw/(\d+):", "\n".join(findings.audit))}
    caught = ran | audited
    markdown_only = {
        p.number for p in corpus if p.category in ("markdown", "template_syntax", "encoding")
    }
    missed = {p.number for p in corpus} - caught - markdown_only
    assert len(missed) <= len(corpus) // 10, sorted(missed)


@pytest.mark.parametrize("with_policy", [True, False], ids=["with-csp", "without-csp"])
def test_no_payload_runs_in_the_editor(
    corpus: list[Payload], chromium: Any, live_server: Any, editor_page: str, with_policy: bool
) -> None:
    """Each payload as the text an edit page opens with, in Stack Overflow's editor (and, after
    the last, the server's preview of it)."""
    findings = check_editor(
        chromium,
        live_server.url,
        editor_page,
        [(payload.number, payload.text) for payload in corpus],
        with_policy=with_policy,
    )
    assert findings.loaded == len(corpus)
    assert not findings.problems(), describe(findings)
