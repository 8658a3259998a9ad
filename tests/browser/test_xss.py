"""The XSS corpus (tests/browser/xss_payloads.toml) in every field a person can fill, and every
page that shows it loaded in Chromium without the Content-Security-Policy (and a quarter of them
with it): nothing runs and nothing is left that could run (see tests/browser/xss.py for what is
watched).

Payloads go in through each submitter named in `PNYX_XSS_SUBMITTERS` (comma-separated; `forms`
by default): `forms` signs up and fills the site's own forms over HTTP, CSRF checks on
(tests/browser/xss_forms.py); `domain` writes through the domain functions and models, around
the forms' rules (tests/browser/xss.py), as an import would. Every test below runs for each.
"""

from __future__ import annotations

import os
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
    check_editor,
    check_pages,
    describe,
    list_pages,
    payloads,
    submit_all,
)
from .xss_forms import FormResults, submit_through_forms

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


@dataclass
class Submitted:
    name: str
    site: Any
    paths: list[str]
    refused: list[tuple[int, str]]
    forms: FormResults | None = None  # what the forms stored and refused, and why


def _through_the_forms(site: Any, corpus: list[Payload]) -> Submitted:
    done = submit_through_forms(site, corpus)
    return Submitted("forms", site, done.paths, done.refused, done)


def _through_the_domain(site: Any, corpus: list[Payload]) -> Submitted:
    return Submitted("domain", site, *submit_all(DomainSubmitter(site), corpus))


SUBMITTERS: dict[str, Callable[[Any, list[Payload]], Submitted]] = {
    "forms": _through_the_forms,
    "domain": _through_the_domain,
}
CHOSEN = [
    name.strip() for name in os.environ.get("PNYX_XSS_SUBMITTERS", "forms").split(",") if name
]


@pytest.fixture(scope="module")
def corpus() -> list[Payload]:
    return payloads()


@pytest.fixture(scope="module", params=CHOSEN)
def submitted(
    request: pytest.FixtureRequest, corpus: list[Payload], chromium: Any, live_server: Any
) -> Iterator[Submitted]:
    """A fresh site holding every payload in every field, put there by one submitter."""
    from pnyx.sites.services import create_site, delete_site

    site = create_site(f"x{uuid.uuid4().hex[:10]}", "XSS corpus")
    try:
        submitted = SUBMITTERS[request.param](site, corpus)
        submitted.paths += list_pages(site)
        yield submitted
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


def test_the_payloads_go_in_and_none_runs(
    submitted: Submitted, corpus: list[Payload], chromium: Any, live_server: Any
) -> None:
    """One test for what needs the submitted site, so that pytest-xdist never sends its parts to
    two workers, which would each put the corpus through the forms."""
    _every_field_takes_the_payloads_or_refuses_them_cleanly(submitted, corpus)
    tried = len(corpus) * len(FIELDS)
    print(  # shown with `pytest -rP`
        f"{submitted.name}: {tried} payload-fields sent, {len(submitted.refused)} refused, "
        f"{len(set(submitted.paths))} pages; refused by field: "
        f"{dict(Counter(name for _, name in submitted.refused))}; "
        f"requests: {submitted.forms.requests if submitted.forms else '-'}"
    )
    # Without the policy, the sanitiser alone stands: every page. The policy can only take away
    # what runs (and whether each page sends it is checked in both passes), so with it a quarter
    # of the pages is enough to show that they work under it and that it holds.
    pages = sorted(set(submitted.paths))
    for with_policy, paths in ((False, pages), (True, pages[::4])):
        findings = check_pages(chromium, live_server.url, paths, with_policy=with_policy)
        print(f"with_policy={with_policy}: {findings.loaded} pages loaded")
        assert findings.loaded == len(paths) and findings.loaded >= 2 * 150 // (
            4 if with_policy else 1
        )
        where = "with the policy" if with_policy else "without the policy"
        assert not findings.problems(), f"{where}: {describe(findings)}"


def _every_field_takes_the_payloads_or_refuses_them_cleanly(
    submitted: Submitted, corpus: list[Payload]
) -> None:
    refused_fields = Counter(name for _, name in submitted.refused)
    assert set(refused_fields) <= set(FIELDS)
    # No payload is a valid tag (a tag has a strict form).
    assert refused_fields["tags"] == len(corpus)
    if submitted.name == "forms":
        _forms_took_or_refused_cleanly(submitted, corpus)
        return
    # Free text: everything is taken (and must then be shown safely).
    for name in ("body", "answer", "comment", "edit_summary", "location", "website", "about_me"):
        assert refused_fields[name] == 0, (name, [n for n, f in submitted.refused if f == name])
    # Titles and names have lengths.
    assert refused_fields["title"] < len(corpus) // 4
    too_long = {p.number for p in corpus if len(" ".join(p.text.split())) > 100}
    assert {n for n, f in submitted.refused if f == "display_name"} == too_long


def _forms_took_or_refused_cleanly(submitted: Submitted, corpus: list[Payload]) -> None:
    """Through the forms, each text is either stored (looked up in the database) or refused with
    a 4xx page (allauth's sign-up: 200) that says why, nothing written: the submitter checks
    each; here, that enough went in for the pages to prove something."""
    forms = submitted.forms
    assert forms is not None
    refused = Counter(name for _, name in submitted.refused)
    assert Counter(r.field for r in forms.refusals) == refused
    for refusal in forms.refusals + forms.signup_refusals:
        assert refusal.message and (refusal.status == 200 or 400 <= refusal.status < 500)
    everything = len(corpus)
    # Markdown takes anything: bodies, answers, comments (padded to their minimum), about me.
    for name in ("body", "answer", "comment", "about_me"):
        assert forms.stored[name] == everything, (name, refused[name])
    # Lengths refuse a few titles, edit summaries and locations; names have at most 30.
    for name in ("title", "edit_summary", "location"):
        assert forms.stored[name] >= everything * 3 // 4, (name, forms.stored[name])
    short = {p.number for p in corpus if len(" ".join(p.text.split())) <= 30}
    assert forms.stored["display_name"] >= len(short) * 3 // 4, forms.stored["display_name"]
    # The sign-up form and the profile form apply the same rule to a display name.
    assert {r.payload for r in forms.signup_refusals} == {
        r.payload for r in forms.refusals if r.field == "display_name"
    }
    for name in FIELDS:
        assert forms.stored[name] + refused[name] == everything, name
    assert sum(forms.stored.values()) >= len(FIELDS) * everything * 6 // 10, forms.stored


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
