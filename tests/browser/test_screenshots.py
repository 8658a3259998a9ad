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
    overflowing = []
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
    assert not overflowing, f"{main_page.path} scrolls sideways: {overflowing}"
