"""Atom feeds: they parse as valid Atom, hold the right entries, and 404 on unknown things."""

from __future__ import annotations

import feedparser
import pytest


@pytest.fixture
def small(shared_community):  # type: ignore[no-untyped-def]
    return shared_community


def _feed(client, url: str):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_site_feed_lists_newest_questions(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    feed = _feed(client, f"{prefix}/feeds")
    assert feed.feed.title == "Newest questions - Test site"
    titles = [e.title for e in feed.entries]
    assert titles == [f"Question number {i} about beer styles" for i in range(5, -1, -1)]
    first = feed.entries[0]
    question = small.questions[5]
    assert (
        first.link
        == f"http://testserver{prefix}/questions/{question.id}/question-number-5-about-beer-styles"
    )
    assert first.author == "Member 1"
    assert first.author_detail.href.startswith(f"http://testserver{prefix}/users/")
    assert "thirty character minimum" in first.summary
    assert {t.term for t in first.tags} == {"stout", "beer"}
    assert first.published.startswith("2015-03-16")


def test_tag_feed_has_only_the_tags_questions(client, small) -> None:  # type: ignore[no-untyped-def]
    feed = _feed(client, f"{small.site.url_prefix}/feeds/tag/ale")
    assert [e.title for e in feed.entries] == [
        "Question number 3 about beer styles",
        "Question number 0 about beer styles",
    ]
    assert "tagged ale" in feed.feed.title


def test_question_feed_has_the_question_and_its_answers(client, small) -> None:  # type: ignore[no-untyped-def]
    question = small.questions[0]
    feed = _feed(client, f"{small.site.url_prefix}/feeds/question/{question.id}")
    assert [e.title for e in feed.entries] == [
        "Question number 0 about beer styles",
        "Answer by Member 1 for Question number 0 about beer styles",
        "Answer by Member 2 for Question number 0 about beer styles",
    ]
    answer = small.answers[0]
    assert feed.entries[1].link.endswith(
        f"/questions/{question.id}/question-number-0-about-beer-styles#{answer.id}"
    )
    assert len({e.id for e in feed.entries}) == 3


def test_user_feed_has_the_users_questions_and_answers(client, small) -> None:  # type: ignore[no-untyped-def]
    user = small.users[0]
    feed = _feed(client, f"{small.site.url_prefix}/feeds/user/{user.id}")
    titles = [e.title for e in feed.entries]
    # Member 0 asked questions 0 and 4 and answered questions 2 and 3, newest first.
    assert titles == [
        "Question number 4 about beer styles",
        "Answer by Member 0 for Question number 3 about beer styles",
        "Answer by Member 0 for Question number 2 about beer styles",
        "Question number 0 about beer styles",
    ]
    assert all(e.author == "Member 0" for e in feed.entries)


def test_feeds_drop_characters_xml_cannot_hold(client, community) -> None:  # type: ignore[no-untyped-def]
    small = community(6)
    from pnyx.posts.models import Post
    from pnyx.sites.context import activated

    question = small.questions[0]
    with activated(small.site):
        Post.objects.filter(pk=question.pk).update(
            title="Bell\x07 in the title", body_html="<p>form\x0cfeed</p>"
        )
    feed = _feed(client, f"{small.site.url_prefix}/feeds/question/{question.id}")
    assert feed.entries[0].title == "Bell in the title"
    assert "formfeed" in feed.entries[0].summary


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/tag/nosuchtag",
        "/feeds/tag/BAD%00TAG",
        "/feeds/tag/" + "t" * 60,
        "/feeds/question/99999999",
        "/feeds/question/-5",
        "/feeds/question/abc",
        "/feeds/user/99999999",
        "/feeds/user/xyz",
    ],
)
def test_unknown_things_have_no_feed(client, small, url: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(small.site.url_prefix + url).status_code == 404


def test_answer_has_no_question_feed(client, small) -> None:  # type: ignore[no-untyped-def]
    answer = small.answers[0]
    assert client.get(f"{small.site.url_prefix}/feeds/question/{answer.id}").status_code == 404


def test_pages_advertise_their_feeds(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    home = client.get(f"{prefix}/").content.decode()
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Newest questions - Test site" href="{prefix}/feeds">'
        in home
    )
    tag = client.get(f"{prefix}/tags/ale/info").content.decode()
    assert f'href="{prefix}/feeds/tag/ale"' in tag


def test_feeds_run_a_fixed_number_of_queries(client, community, count_queries) -> None:  # type: ignore[no-untyped-def]
    small, large = community(3), community(40)
    urls = {
        "/feeds": 1,
        "/feeds/tag/ale": 2,
        "/feeds/question/{q}": 2,
        "/feeds/user/{u}": 2,
    }
    for url, expected in urls.items():
        counts = [
            count_queries(
                client,
                built.site,
                url.format(q=built.questions[0].id, u=built.users[0].id),
            )
            for built in (small, large)
        ]
        assert counts == [expected, expected], url
