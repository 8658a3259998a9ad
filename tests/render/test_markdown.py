from pnyx.render.links import LinkContext
from pnyx.render.markdown import render_post, sanitise_comment, sanitise_imported_html

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


def test_each_site_keeps_its_own_link_rewriting() -> None:
    beer = LinkContext("/beer", ("https://beer.stackexchange.com",))
    body = '<a href="https://politics.stackexchange.com/q/1">q</a>'
    assert 'href="/politics/q/1"' in sanitise_imported_html(body, POLITICS)
    assert 'href="https://politics.stackexchange.com/q/1"' in sanitise_imported_html(body, beer)
    assert 'href="https://politics.stackexchange.com/q/1"' in sanitise_imported_html(body)
    assert 'href="/politics/q/1"' in sanitise_imported_html(body, POLITICS)


def test_malformed_scheme_relative_links_are_kept_as_written() -> None:
    # nh3 keeps relative hrefs it cannot parse; the local-link rewrite must not lose them.
    # (An absolute one with a broken host, `http://[bad`, nh3 drops whatever the rewrite does.)
    for href in ("//[bad", "//politics.stackexchange.com]/q/1", "//\uff03x/q/1"):
        link = f'<a href="{href}">odd</a>'
        assert f'href="{href}"' in sanitise_imported_html(link, POLITICS), href
        assert f'href="{href}"' in sanitise_comment(link, POLITICS), href
