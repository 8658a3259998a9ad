"""The search pages as a reader uses them: the box on every page, results, sorts, pages,
redirects, notes, similar questions while asking, the duplicate finder."""

from __future__ import annotations

import re
from html import unescape

import pytest
from tests.search.corpus import Corpus, load

from pnyx.sites.context import activated


@pytest.fixture
def corpus(site) -> Corpus:  # type: ignore[no-untyped-def]
    return load()


def _get(client, site, path: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.get(f"/{site.name}{path}", **headers)


def _titles(html: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", t))
        for t in re.findall(r'<h2 class="q-title">(.*?)</h2>', html, re.S)
    ]


def test_every_site_page_has_a_search_box(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/questions", "/tags", f"/questions/{corpus.posts['stout'].id}/x"):
        response = _get(client, site, path, follow=True)
        html = response.content.decode()
        assert 'role="search"' in html and 'name="q"' in html, path
    question_page = _get(client, site, f"/q/{corpus.posts['stout'].id}", follow=True)
    assert f'name="this" value="{corpus.posts["stout"].id}"' in question_page.content.decode()


def test_results_show_questions_and_answers_under_their_question(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, site, "/search?q=bottles").content.decode()
    assert "3 results" in html
    titles = _titles(html)
    assert any("How do I bottle stout at home?" in t for t in titles)
    assert "Deleted question" not in html
    # The accepted answer shows under its question with its own score.
    assert "Accepted answer" in html
    assert "<strong>3</strong> votes" in html
    assert "<mark>bottles</mark>" in html or "<mark>Bottles</mark>" in html


def test_sorts_change_the_order(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    by_score = _titles(_get(client, site, "/search?q=stout&tab=score").content.decode())
    newest = _titles(_get(client, site, "/search?q=stout&tab=newest").content.decode())
    assert by_score[0].endswith("How do I bottle stout at home?")
    assert newest[0].endswith("List of beer styles and their bitterness")
    html = _get(client, site, "/search?q=stout&tab=score").content.decode()
    assert 'aria-current="page">Score' in html


def test_numbered_pages_and_a_page_past_the_end(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    with activated(site):
        from tests import factories

        for i in range(20):
            factories.ask_question(
                corpus.asker,
                f"Porter recipe number {i} for winter",
                "A porter recipe body that is long enough.",
                ["porter"],
            )
    html = _get(client, site, "/search?q=porter").content.decode()
    assert "21 results" in html  # twenty recipes and the styles list
    assert "page=2" in html and 'rel="next"' in html
    second = _get(client, site, "/search?q=porter&page=2").content.decode()
    assert len(_titles(second)) == 6
    past = _get(client, site, "/search?q=porter&page=40")
    assert past.status_code == 200
    assert "past the last one" in past.content.decode()


def test_tag_alone_number_alone_and_post_address_go_to_the_thing(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    tag = _get(client, site, "/search?q=%5Bstout%5D")
    assert tag.status_code == 302 and tag["Location"].endswith("/questions/tagged/stout")
    number = _get(client, site, f"/search?q={corpus.posts['hops'].id}")
    assert number.status_code == 302 and number["Location"].endswith(
        f"/questions/{corpus.posts['hops'].id}"
    )
    answer = _get(client, site, f"/search?q=%23{corpus.posts['stout_answer'].id}")
    assert answer["Location"].endswith(f"/a/{corpus.posts['stout_answer'].id}")
    address = f"http://testserver/{site.name}/questions/{corpus.posts['wiki'].id}/some-slug"
    jumped = _get(client, site, f"/search?q={address}")
    assert (
        jumped.status_code == 302 and f"/questions/{corpus.posts['wiki'].id}" in jumped["Location"]
    )
    # A tag that does not exist, or a deleted post's number, is searched like any text.
    assert _get(client, site, "/search?q=%5Bnosuchtag%5D").status_code == 200
    assert _get(client, site, f"/search?q={corpus.posts['gone'].id}").status_code == 200


def test_what_could_not_be_read_is_said(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    html = unescape(_get(client, site, "/search?q=stout+created:2017-13+%22dry").content.decode())
    assert "created:2017-13 could not be read" in html
    assert "A quote was not closed" in html
    me = _get(client, site, "/search?q=user:me+stout")
    assert "needs you to be signed in" in unescape(me.content.decode())
    assert "private" in me["Cache-Control"]
    this = unescape(_get(client, site, "/search?q=inquestion:this+crown").content.decode())
    assert "works from a question" in this
    inside = _get(client, site, f"/search?q=inquestion:this+crown&this={corpus.posts['stout'].id}")
    assert "1 result" in inside.content.decode()


def test_search_tips_panel(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, site, "/search").content.decode()
    assert "Search tips" in html and "isaccepted:yes" in html


def test_similar_questions_fragment_and_page(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    fragment = _get(
        client, site, "/search/similar?title=bottling+my+stout+at+home", HTTP_HX_REQUEST="true"
    )
    html = fragment.content.decode()
    assert "<html" not in html
    assert "How do I bottle stout at home?" in html
    assert "answer" in html
    assert (
        _get(client, site, "/search/similar?title=ab", HTTP_HX_REQUEST="true").content.strip()
        == b""
    )
    page = _get(client, site, "/search/similar?title=bottling+my+stout+at+home").content.decode()
    assert "<html" in page and "How do I bottle stout at home?" in page


def test_duplicate_finder(client, site, corpus) -> None:  # type: ignore[no-untyped-def]
    copy = corpus.posts["copy"]
    html = _get(client, site, f"/search/duplicates/{copy.id}").content.decode()
    assert "How do I bottle stout at home?" in html
    assert f"question {corpus.posts['stout'].id}" in html
    assert _get(client, site, "/search/duplicates/999999").status_code == 404
