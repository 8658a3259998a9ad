from pnyx.render.links import LinkContext
from pnyx.render.markdown import render_post

POLITICS = LinkContext("/politics", ("https://politics.stackexchange.com",))


def test_commonmark_with_tables_and_strikethrough() -> None:
    html = render_post("**will**\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | ~~2~~ |")
    assert "<strong>will</strong>" in html
    assert "<blockquote>" in html
    assert "<table>" in html and "<td><s>2</s></td>" in html


def test_scripts_and_event_handlers_never_survive() -> None:
    html = render_post(
        '<script>alert(1)</script><img src="x.png" onerror="alert(2)"> [x](javascript:alert(3))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert 'href="javascript:' not in html


def test_bare_urls_become_links() -> None:
    html = render_post("see https://example.org/page for more")
    assert '<a href="https://example.org/page"' in html


def test_links_to_the_sites_origin_become_local() -> None:
    html = render_post(
        "https://politics.stackexchange.com/questions/26186/putins-2016 and "
        "[answer](https://politics.stackexchange.com/a/26216/15897) and https://other.example/questions/1",
        POLITICS,
    )
    assert 'href="/politics/questions/26186/putins-2016"' in html
    assert 'href="/politics/a/26216/15897"' in html
    assert 'href="https://other.example/questions/1"' in html


def test_origin_links_outside_post_paths_stay_external() -> None:
    html = render_post("https://politics.stackexchange.com/help/on-topic", POLITICS)
    assert 'href="https://politics.stackexchange.com/help/on-topic"' in html
