"""Screenshots of the main pages on a phone (360 px) and a desktop (1280 px), light and dark.

They go to a temporary directory, or to the folder named by `PNYX_SCREENSHOTS_DIR` (for example
`PNYX_SCREENSHOTS_DIR=docs/screenshots`) to look at them. The test itself checks what a reader
would notice at once: the page never scrolls sideways.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .pages import MAIN_PAGES, MainPage

pytestmark = pytest.mark.browser

WIDTHS = {"phone": 360, "desktop": 1280}
# A sidebar with content sits right of the main column on a desktop and below it on a phone.
EXPECTED_SIDEBAR = {"phone": "below", "desktop": "beside"}
SIDEBAR_PLACEMENT = """() => {
  const side = document.querySelector('.sidebar');
  if (!side || !side.children.length) return null;
  const main = document.querySelector('main').getBoundingClientRect();
  const box = side.getBoundingClientRect();
  if (box.top >= main.bottom - 1) return 'below';
  if (box.left >= main.right - 1) return 'beside';
  return 'overlapping';
}"""


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=lambda p: p.name)
def test_main_page_fits_phone_and_desktop_in_both_themes(
    page: Any,
    live_server: Any,
    screenshot_dir: Path,
    request: pytest.FixtureRequest,
    main_page: MainPage,
) -> None:
    for fixture in main_page.needs:
        request.getfixturevalue(fixture)
    overflowing, misplaced = [], []
    for device, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(live_server(main_page.path))
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.screenshot(
                path=screenshot_dir / f"{main_page.name}-{width}-{scheme}.png", full_page=True
            )
        extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if extra > 0:
            overflowing.append(f"{device} ({width} px): {extra} px too wide")
        placement = page.evaluate(SIDEBAR_PLACEMENT)
        if placement is not None and placement != EXPECTED_SIDEBAR[device]:
            misplaced.append(f"{device}: sidebar {placement}, expected {EXPECTED_SIDEBAR[device]}")
    assert not overflowing, f"{main_page.path} scrolls sideways: {overflowing}"
    assert not misplaced, f"{main_page.path}: {misplaced}"
