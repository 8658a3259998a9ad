"""axe-core on the main pages, in the light and the dark theme: no serious or critical violation."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import describe_violations, run_axe, serious_violations
from .pages import MAIN_PAGES, MainPage

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=lambda p: p.name)
def test_main_page_has_no_serious_accessibility_violation(
    page: Any, live_server: Any, request: pytest.FixtureRequest, main_page: MainPage
) -> None:
    for fixture in main_page.needs:
        request.getfixturevalue(fixture)
    page.goto(live_server(main_page.path))
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        violations = serious_violations(run_axe(page, colours_only=scheme == "dark"))
        if violations:
            found[scheme] = describe_violations(violations)
    assert not found, "\n".join(f"[{scheme}]\n{text}" for scheme, text in found.items())


def test_the_checker_itself_catches_known_violations(page: Any) -> None:
    """Guards the harness: a page with faint text and an image without alt text must fail."""
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main>'
        '<p style="color:#bbb;background:#fff">faint text</p><img src="data:,">'
        "</main></html>"
    )
    found = {v["id"] for v in serious_violations(run_axe(page))}
    assert {"color-contrast", "image-alt"} <= found
    assert "color-contrast" in {v["id"] for v in run_axe(page, colours_only=True)}
