"""The reader's pages against the real beer.stackexchange.com dump (imported once per process)."""

import re

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from pnyx.web import viewcounts

PREFIX = "/beer"


def _get(client, path: str, **headers: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(PREFIX + path, follow=True, **headers)
    assert response.status_code == 200, path
    return response.content.decode()


def _answers(html: str) -> list[str]:
    return re.findall(r'<article class="answer[^"]*" id="(\d+)"', html)


def test_question_closed_as_duplicate(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/q/29")
    assert "[duplicate]" in html
    notice = html[html.index('class="notice notice-closed"') :][:1500]
    assert "This question already has answers here" in notice
    assert "/beer/questions/25/" in notice
    assert "What specific characteristics distinguish an imperial stout" in notice
    assert "Jon Ericson" in notice and "Jan 21, 2014" in notice


def test_question_closed_with_a_reason(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/q/122")
    assert "[closed]" in html and "This question was closed as off-topic." in html


def test_locked_and_merged_duplicate(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/q/118")
    assert "<strong>Locked.</strong> This question is locked" in html
    assert (
        'href="/beer/questions/123/why-would-one-choose-to-use-nitro-vs-co2-as-a-beer-gas"' in html
    )


def test_migrated_here_and_away(client, beer) -> None:  # type: ignore[no-untyped-def]
    assert ">homebrew.stackexchange.com</a>." in _get(client, "/q/506")
    away = _get(client, "/q/3322")
    assert "<strong>Migrated.</strong> This question was moved to" in away
    assert 'href="http://homebrew.stackexchange.com/questions/15280/' in away


def test_community_wiki_question(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/q/580")
    assert "community wiki" in html[: html.index('id="answers"')]


def test_thread_with_many_comments_expands_in_place(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/a/646")
    answer = html[html.index('id="646"') :]
    answer = answer[: answer.find("</article>")]
    assert len(re.findall(r'<li class="comment"', answer)) == 5
    assert "Show <strong>8</strong> more comments" in answer
    fragment = _get(client, "/posts/646/comments", HTTP_HX_REQUEST="true")
    dates = re.findall(r'<time datetime="([^"]+)"', fragment)
    assert len(dates) == 13 and dates == sorted(dates)
    assert len(re.findall(r'<li class="comment"', _get(client, "/posts/646/comments"))) == 13


def test_biggest_thread_shows_every_answer_in_every_order(client, beer) -> None:  # type: ignore[no-untyped-def]
    by_score = _answers(_get(client, "/q/791"))
    assert len(by_score) == 14
    newest = _answers(
        _get(client, "/questions/791/gluten-free-beer-recommendations?answertab=newest")
    )
    oldest = _answers(
        _get(client, "/questions/791/gluten-free-beer-recommendations?answertab=oldest")
    )
    assert sorted(newest) == sorted(by_score) and oldest == list(reversed(newest))


def test_biggest_thread_runs_as_many_queries_as_a_small_one(client, beer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Views are written every few seconds by whichever request comes next, and the Related
    # sidebar is searched for once per question and then cached: neither is in these counts.
    monkeypatch.setattr(viewcounts, "FLUSH_SECONDS", 3600.0)
    counts = []
    for path in ("/q/791", "/q/29", "/q/976"):
        target = client.get(PREFIX + path)["Location"]
        assert client.get(target).status_code == 200
        viewcounts.flush()
        with CaptureQueriesContext(connections[beer.db_alias]) as queries:
            assert client.get(target).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1 and counts[0] > 0, counts


def test_revisions_of_an_edited_question(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/posts/7/revisions")
    assert re.findall(r'id="rev(\d+)"', html) == ["3", "2", "1"]
    assert "Grammar tweaks" in html and "suggested edit, approved by" in html
    assert "<del>quicker</del><ins>more quickly</ins>" in html
    assert '<table class="diff-table">' in _get(client, "/posts/7/revisions?view=sidebyside")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/questions",
        "/questions?tab=active&pagesize=50&page=3",
        "/questions?tab=score",
        "/questions?tab=unanswered",
        "/questions?tab=frequent",
        "/questions?filter=noanswers",
        "/questions?filter=noaccepted&pagesize=30",
        "/questions/tagged/taste",
        "/questions/tagged/taste+style?tab=score",
    ],
)
def test_lists(client, beer, path: str) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, path)
    assert 15 <= len(re.findall(r'class="q-title"', html)) <= 50 or "tagged/taste+style" in path


def test_tag_excerpt_from_the_dump(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/questions/tagged/taste")
    assert "Questions about flavor" in html
    assert 'href="/beer/tags/taste/info"' in html
