"""The seed thread as a reader sees it in Chromium (issue 2's browser test)."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.browser

QUESTION = (
    "/politics/questions/26794/why-did-vladimir-putin-order-a-pullout-from-syria-in-late-2017"
)


def test_reader_sees_all_comments_the_bold_word_and_follows_a_mention(
    page: Any, live_server: Any, politics: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server(QUESTION))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why did Vladimir Putin order a pullout from Syria in late 2017?"
    )
    # Long comment threads open with the first few; the rest load in place on demand.
    for more in page.locator("a.comments-more").all():
        more.click()
    expect(page.locator(".comment")).to_have_count(11)
    for comment in page.locator(".comment").all():
        expect(comment).to_be_visible()

    bold = page.locator(".comment strong", has_text=re.compile(r"^will$"))
    expect(bold).to_be_visible()
    assert bold.evaluate("el => Number(getComputedStyle(el).fontWeight)") >= 600

    page.locator("a.mention", has_text="@xrorox").first.click()
    expect(page).to_have_url(re.compile(r"/politics/users/15860/xrorox$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("xrorox")


def test_stylesheet_is_served_to_the_browser(page: Any, live_server: Any, politics: Any) -> None:
    responses = []
    page.on("response", lambda r: responses.append(r) if r.url.endswith(".css") else None)
    page.goto(live_server("/politics/"))
    assert responses and all(r.status == 200 for r in responses)
    # The stylesheet took effect: the page grid is laid out, not the browser's defaults.
    assert page.locator(".page").evaluate("el => getComputedStyle(el).display") == "grid"
