"""A reader searching from the top bar, and an asker seeing similar questions as they type."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .pages import BEER_QUESTION

pytestmark = pytest.mark.browser


def test_search_from_the_top_bar(page: Any, live_server: Any, beer: Any) -> None:
    from playwright.sync_api import expect

    page.goto(live_server(BEER_QUESTION))
    box = page.get_by_role("searchbox", name="Search Beer, Wine & Spirits")
    box.fill("taste cans")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/beer/search\?q=taste\+cans"))
    expect(page.locator(".list-count")).to_contain_text("result")
    expect(page.locator(".search-results mark").first).to_be_visible()
    page.get_by_role("link", name="Newest").click()
    expect(page).to_have_url(re.compile(r"tab=newest"))


def test_similar_questions_appear_while_typing(page: Any, live_server: Any, beer: Any) -> None:
    from playwright.sync_api import expect

    page.goto(live_server("/beer/search/similar"))
    address = page.url
    page.get_by_label("A question's title").press_sequentially(
        "does beer taste different from cans"
    )
    results = page.locator("#similar-results")
    expect(results.get_by_role("heading", name="Similar questions")).to_be_visible()
    expect(results.locator("li").first).to_be_visible()
    assert page.url == address  # in place, without a reload
