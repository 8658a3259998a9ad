"""The planner's bounds, shown on a small corpus with the thresholds made small: what a big
site's common words, huge match sets and counts past the cap look like to a reader."""

from __future__ import annotations

import pytest
from tests.search.corpus import load

from pnyx.search import engines
from pnyx.search.engines import engine_for
from pnyx.search.query import parse


@pytest.fixture
def corpus(site):  # type: ignore[no-untyped-def]
    return load()


def _run(site, text: str, sort: str = "relevance"):  # type: ignore[no-untyped-def]
    return engine_for(site.db_alias).search(parse(text), sort=sort)


def test_a_huge_match_set_ranks_the_newest_and_counts_with_a_plus(
    site, corpus, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engines, "RANK_ALL", 1)
    monkeypatch.setattr(engines, "WINDOW", 2)
    monkeypatch.setattr(engines, "SCAN", 2)
    result = _run(site, "bottle")  # stout, its answer, and the copy (the newest)
    found = {hit.post_id for hit in result.hits}
    assert corpus.posts["copy"].id in found
    assert found < corpus.ids("stout", "stout_answer", "copy")
    assert result.count_label == "3"  # one word alone: its count is known exactly
    assert any("only the newest of them were ranked" in note for note in result.notes)
    both = _run(site, "bottle stout")  # stout and the copy: counted in the window only
    assert both.count_label.endswith("+")


def test_filters_apply_within_the_window(site, corpus, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engines, "RANK_ALL", 1)
    monkeypatch.setattr(engines, "WINDOW", 1)
    monkeypatch.setattr(engines, "FILTERED_WINDOW", 1)
    result = _run(site, "bottle is:question")  # the stout question and its copy (newer)
    assert [hit.post_id for hit in result.hits] == [corpus.posts["copy"].id]


def test_counts_stop_at_the_cap(site, corpus, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engines, "COUNT_CAP", 2)
    result = _run(site, "bottle")
    assert result.count_label == "2+"
    assert len(result.hits) == 3  # the results themselves are all there


def test_words_in_most_posts_are_left_out_when_others_are_searched(
    site, corpus, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engines, "COMMON_FROM_DOCS", 1)
    monkeypatch.setattr(engines, "COMMON_SHARE", 0.2)  # "stout" is in 3 of the 10 posts
    result = _run(site, "stout crown")
    assert {hit.post_id for hit in result.hits} == corpus.ids("stout_answer")
    assert any("not searched: stout" in note for note in result.notes)
    alone = _run(site, "stout")  # alone, it is searched all the same
    assert len(alone.hits) == 3


def test_a_wildcard_of_many_words_searches_the_most_used(site, corpus, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engines, "MAX_EXPANSIONS", 1)
    result = _run(site, "st*")  # stout (3 posts) is the most used of stout, style, std...
    assert any("stands for many words" in note for note in result.notes)
    assert {hit.post_id for hit in result.hits} == corpus.ids("stout", "copy", "wiki")
