"""A reader on an imported beer.stackexchange.com thread: more comments in place, answer sorting.

Question 518 ("Do cans change the taste of beer?") has six answers of different scores and ages,
and its accepted answer carries ten comments, more than the page shows at first.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest

from .pages import BEER_QUESTION

pytestmark = pytest.mark.browser

QUESTION = BEER_QUESTION
ACCEPTED_ANSWER = "519"


def _answer_ids(page: Any) -> list[str]:
    return page.locator("article.answer").evaluate_all("els => els.map(e => e.dataset.postId)")


def _answer_times(page: Any) -> list[datetime]:
    """When each answer on the page was posted, read from its "answered" signature."""
    stamps = page.locator("article.answer .signature.owner time").evaluate_all(
        "els => els.map(e => e.getAttribute('datetime'))"
    )
    return [datetime.fromisoformat(s) for s in stamps]


def _answer_scores(page: Any) -> list[int]:
    texts = page.locator("article.answer .votecell .score").all_text_contents()
    return [int(re.search(r"-?\d+", text).group()) for text in texts]  # type: ignore[union-attr]


def test_show_more_comments_loads_the_rest_in_place(page: Any, live_server: Any, beer: Any) -> None:
    from playwright.sync_api import expect

    page.goto(live_server(QUESTION))
    answer = page.locator(f"article.answer[data-post-id='{ACCEPTED_ANSWER}']")
    comments = answer.locator(".comment")
    expect(comments).to_have_count(5)
    more = answer.locator("a.comments-more")
    expect(more).to_have_text(re.compile(r"Show\s+5\s+more comments"))
    first_comment = comments.first.inner_text()

    url_before = page.url
    more.click()
    expect(comments).to_have_count(10)
    expect(answer.locator("a.comments-more")).to_have_count(0)
    assert page.url == url_before, "the comments should load in place, not on a new page"
    # The full list starts where the short one did, and keyboard focus moves onto it.
    assert comments.first.inner_text() == first_comment
    expect(answer.locator(".comment-list")).to_be_focused()
    # The other posts' comments are untouched.
    expect(page.locator("article.question .comment")).to_have_count(2)


def test_answers_sort_by_score_newest_and_oldest(page: Any, live_server: Any, beer: Any) -> None:
    from playwright.sync_api import expect

    page.goto(live_server(QUESTION))
    expect(page.locator("article.answer")).to_have_count(6)
    ids = _answer_ids(page)
    assert ids[0] == ACCEPTED_ANSWER, "the accepted answer comes first by default"
    scores = _answer_scores(page)
    assert scores[1:] == sorted(scores[1:], reverse=True)

    sort_nav = page.get_by_role("navigation", name="Sort answers")
    sort_nav.get_by_role("link", name="Newest").click()
    expect(sort_nav.get_by_role("link", name="Newest")).to_have_attribute("aria-current", "true")
    times = _answer_times(page)
    assert len(times) == 6 and times == sorted(times, reverse=True)

    sort_nav.get_by_role("link", name="Oldest").click()
    expect(sort_nav.get_by_role("link", name="Oldest")).to_have_attribute("aria-current", "true")
    times = _answer_times(page)
    assert len(times) == 6 and times == sorted(times)
    # Sorting keeps the reader at the answers, not at the top of the page.
    assert page.url.endswith("#answers")

    sort_nav.get_by_role("link", name="Highest score").click()
    assert _answer_ids(page) == ids
