"""A reader with only a keyboard: skip link, a visible focus ring on every stop, comments by Enter."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .pages import BEER_QUESTION

pytestmark = pytest.mark.browser

# What the focused element looks like: its outline, or a ring drawn with box-shadow.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName, text: (el.textContent || '').trim().slice(0, 40),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    ring: style.boxShadow !== 'none',
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth,
  };
}"""


def test_skip_link_comes_first_and_jumps_past_the_top_bar(
    page: Any, live_server: Any, beer: Any
) -> None:
    page.goto(live_server(BEER_QUESTION))
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUS_STYLE)
    assert focused["text"] == "Skip to content" and focused["onScreen"], focused
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert inside_main, "after the skip link, the next stop is in the main content"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_keyboard_stop_shows_a_focus_ring(
    page: Any, live_server: Any, beer: Any, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server(BEER_QUESTION))
    without_ring = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "BODY":
            break
        if not (focused["outline"] or focused["ring"]):
            without_ring.append(focused)
    assert not without_ring, f"focused without a visible ring: {without_ring}"


def test_more_comments_open_with_the_keyboard(page: Any, live_server: Any, beer: Any) -> None:
    from playwright.sync_api import expect

    page.goto(live_server(BEER_QUESTION))
    more = page.locator("a.comments-more").first
    expect(more).to_have_text(re.compile(r"more comments?"))
    post_id = page.locator("article", has=more).get_attribute("data-post-id")
    post = page.locator(f"article[data-post-id='{post_id}']")
    shown = post.locator(".comment").count()
    more.focus()
    page.keyboard.press("Enter")
    expect(post.locator(".comment-list")).to_be_focused()
    assert post.locator(".comment").count() > shown
