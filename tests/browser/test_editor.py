"""The post editor in Chromium, under the Content-Security-Policy: Stack Overflow's editor on the
form's textarea, the server-rendered preview, the toolbar, the draft that survives a reload, and
the plain textarea without JavaScript.

The page is the test-only `editor_page` (tests/browser/conftest.py), which holds the include as
the ask, answer and edit pages do. Every test here also fails on any CSP violation (the `page`
fixture).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from pnyx.render.markdown import render_post
from pnyx.sites.paths import link_context

from .pages import QUESTION_26794

pytestmark = pytest.mark.browser

EDITOR = ".editor-stacks .ProseMirror"
PREVIEW = "[data-editor-preview]"
SAME_HTML = """([selector, expected]) => {
  const made = document.createElement("template");
  made.innerHTML = expected;
  return document.querySelector(selector).innerHTML === made.innerHTML;
}"""


def open_editor(page: Any, live_server: Any, path: str) -> Any:
    response = page.goto(live_server(path))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    editor = page.locator(EDITOR)
    expect(editor).to_be_visible()
    return editor


def sent_text(page: Any) -> str:
    return page.locator("textarea[name=body]").input_value()


def wait_for_preview(page: Any, html: str) -> None:
    page.wait_for_function(SAME_HTML, arg=[PREVIEW, html])


def test_typing_shows_the_servers_rendering(
    page: Any, live_server: Any, politics: Any, editor_page: str
) -> None:
    editor = open_editor(page, live_server, editor_page)
    # The label names the editor for assistive technology; the textarea it replaces is hidden.
    expect(page.get_by_role("textbox", name="Body")).to_be_visible()
    expect(page.locator("textarea[name=body]")).to_be_hidden()
    editor.click()
    text = (
        "Some **bold** text, a [question](https://politics.stackexchange.com/questions/1/x)\n\n"
        "| n | v |\n|---|--:|\n| a | 1 |\n\n<script>window.ran = 1</script><b onclick=x()>b</b>"
    )
    page.keyboard.insert_text(text)
    expected = render_post(text, link_context(politics))
    assert "/politics/questions/1/x" in expected  # the site's own link, made local
    wait_for_preview(page, expected)
    expect(page.locator(PREVIEW).locator("strong")).to_have_text("bold")
    assert sent_text(page) == text
    assert page.evaluate("window.ran") is None


def test_bold_and_link_buttons(page: Any, live_server: Any, editor_page: str) -> None:
    editor = open_editor(page, live_server, editor_page)
    editor.click()
    page.keyboard.type("make this strong")
    for _ in range(len("strong")):
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="Bold (Ctrl-B)").click()
    expect(page.locator(PREVIEW).locator("strong")).to_have_text("strong")
    assert sent_text(page) == "make this **strong**"

    # A link: the selected words become its text, and the address is selected, to be typed.
    page.keyboard.press("End")
    page.keyboard.type(" see docs")
    for _ in range(len("docs")):
        page.keyboard.press("Shift+ArrowLeft")
    page.get_by_role("button", name="Link (Ctrl-L)").click()
    page.keyboard.type("https://example.org/docs")
    link = page.locator(PREVIEW).get_by_role("link", name="docs")
    expect(link).to_have_attribute("href", "https://example.org/docs")
    assert sent_text(page) == "make this **strong** see [docs](https://example.org/docs)"


def test_the_editor_offers_markdown_only(page: Any, live_server: Any, editor_page: str) -> None:
    """No rich-text view (see editor.js), no image upload (Pnyx keeps no files)."""
    open_editor(page, live_server, editor_page)
    expect(page.get_by_title("Rich text mode")).to_have_count(0)
    expect(page.get_by_role("button", name="Image (Ctrl-G)")).to_have_count(0)
    expect(page.get_by_role("button", name="Heading (Ctrl-H)")).to_be_visible()


def test_a_reload_restores_the_draft_and_sending_clears_it(
    page: Any, live_server: Any, editor_page: str
) -> None:
    editor = open_editor(page, live_server, editor_page)
    editor.click()
    page.keyboard.type("An unsent *draft*")
    expect(page.locator(PREVIEW).locator("em")).to_have_text("draft")
    page.reload()
    editor = page.locator(EDITOR)
    expect(editor).to_have_text("An unsent *draft*")
    expect(page.get_by_text("Your unsent draft was restored.")).to_be_visible()
    expect(page.locator(PREVIEW).locator("em")).to_have_text("draft")

    page.get_by_role("button", name="Post").click()
    expect(page.locator("#sent")).to_have_text("An unsent *draft*")
    page.goto(live_server(editor_page))
    expect(page.locator(EDITOR)).to_have_text("")
    expect(page.get_by_text("Your unsent draft was restored.")).to_be_hidden()


def test_discarding_the_draft_gives_back_the_text_the_page_had(
    page: Any, live_server: Any, editor_page: str
) -> None:
    path = editor_page + "?value=The+saved+body"
    editor = open_editor(page, live_server, path)
    expect(editor).to_have_text("The saved body")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(", edited")
    expect(page.locator(PREVIEW)).to_have_text("The saved body, edited")
    page.reload()
    expect(page.locator(EDITOR)).to_have_text("The saved body, edited")
    page.get_by_role("button", name="Discard the draft").click()
    expect(page.locator(EDITOR)).to_have_text("The saved body")
    expect(page.locator(PREVIEW)).to_have_text("The saved body")
    page.reload()
    expect(page.locator(EDITOR)).to_have_text("The saved body")


def test_drafts_are_kept_per_site_form_and_field(
    page: Any, live_server: Any, editor_page: str
) -> None:
    open_editor(page, live_server, editor_page).click()
    page.keyboard.type("kept")
    expect(page.locator(PREVIEW)).to_have_text("kept")
    keys = page.evaluate("Object.keys(localStorage)")
    host = live_server.url.split("//", 1)[1]
    assert keys == [f"pnyx.draft {host}/politics/ test /politics/-/test/editor body"]


def test_without_javascript_the_form_is_a_labelled_textarea(
    chromium: Any, live_server: Any, editor_page: str
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server(editor_page))
        field = page.get_by_role("textbox", name="Body")
        expect(field).to_be_visible()
        assert field.evaluate("e => e.tagName") == "TEXTAREA"
        field.fill("Sent **without** JavaScript")
        page.get_by_role("button", name="Post").click()
        expect(page.locator("#sent")).to_have_text("Sent **without** JavaScript")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_editors_styles_leave_the_rest_of_a_page_alone(
    page: Any, live_server: Any, politics: Any, scheme: str
) -> None:
    """Stacks' stylesheet, fenced in a cascade layer: a page looks the same, pixel for pixel."""
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server(QUESTION_26794))
    before = page.screenshot(full_page=True)
    page.add_style_tag(url="/static/pnyx/editor.css")
    page.evaluate("document.body.classList.add('theme-system')")
    page.wait_for_function(
        "[...document.styleSheets].some(s => s.href && s.href.endsWith('editor.css') && "
        "[...s.cssRules].some(r => r.styleSheet && r.styleSheet.cssRules.length > 1000))"
    )
    assert page.screenshot(full_page=True) == before


def test_a_text_over_the_limit_says_so_in_the_preview(
    page: Any, live_server: Any, editor_page: str
) -> None:
    open_editor(page, live_server, editor_page).click()
    page.keyboard.insert_text("a" * 30001)
    expect(page.locator(PREVIEW)).to_contain_text("limited to 30000 characters")


def test_an_empty_editor_still_sends_the_form(
    page: Any, live_server: Any, editor_page: str
) -> None:
    """The hidden textarea is `required` without JavaScript only: with the editor, the browser
    could not point at it, so the server says what is missing."""
    open_editor(page, live_server, editor_page)
    page.get_by_role("button", name="Post").click()
    expect(page.locator("#sent")).to_be_attached()
