"""Fixtures for the web tests: small communities built through the domain functions.

`community(size)` makes a fresh site with users, tagged questions, answers, comments, votes,
badges and a tag wiki, so that pages can be compared at two sizes (the query count must not move).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

BODY = "This body is long enough to pass the thirty character minimum of a post."
START = datetime(2015, 3, 1, tzinfo=UTC)
TAGS = ("ale", "lager", "stout")


@dataclass
class Community:
    site: object
    users: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    wiki_tag: str = "ale"


def build_community(site, size: int) -> Community:  # type: ignore[no-untyped-def]
    """`size` questions by rotating askers, each with two answers, a comment, votes; badges."""
    from tests import factories

    from pnyx.posts.models import Badge, BadgeClass, Post, PostType, Tag, Vote, VoteType
    from pnyx.sites.context import activated

    built = Community(site=site)
    with activated(site):
        built.users = [
            factories.create_user(
                f"Member {i}",
                at=START + timedelta(days=i),
                reputation=1000 - i * 10,
                location=f"Town {i}",
                about_me=f"<p>Brewer number {i}.</p><script>alert(1)</script>",
            )
            for i in range(max(4, size // 2))
        ]
        users = built.users
        for i in range(size):
            when = START + timedelta(days=10 + i)
            question = factories.ask_question(
                users[i % len(users)],
                f"Question number {i} about beer styles",
                BODY,
                [TAGS[i % len(TAGS)], "beer"],
                at=when,
            )
            built.questions.append(question)
            for j in (1, 2):
                answer = factories.post_answer(
                    question,
                    users[(i + j) % len(users)],
                    BODY,
                    at=when + timedelta(hours=j),
                )
                built.answers.append(answer)
                factories.add_comment(
                    answer, users[i % len(users)], "Thanks, this helps a lot.", at=when
                )
            votes = [
                Vote(post=question, vote_type=VoteType.UP, creation_date=when),
                Vote(post=built.answers[-1], vote_type=VoteType.UP, creation_date=when),
                Vote(post=built.answers[-1], vote_type=VoteType.ACCEPTED, creation_date=when),
                Vote(post=built.answers[-2], vote_type=VoteType.DOWN, creation_date=when),
            ]
            Vote.objects.bulk_create(votes)
            Post.objects.filter(pk=question.pk).update(
                score=1, accepted_answer_id=built.answers[-1].pk
            )
            Post.objects.filter(pk=built.answers[-1].pk).update(score=1 + i % 3)
            Post.objects.filter(pk=built.answers[-2].pk).update(score=-1)
        Badge.objects.bulk_create(
            Badge(
                user=users[i % len(users)],
                name=("Teacher", "Student", "Great Answer")[i % 3],
                badge_class=(BadgeClass.BRONZE, BadgeClass.BRONZE, BadgeClass.GOLD)[i % 3],
                date=START + timedelta(days=20 + i),
            )
            for i in range(size * 2)
        )
        excerpt = Post.objects.create(
            post_type=PostType.TAG_WIKI_EXCERPT,
            creation_date=START,
            last_activity_date=START,
            body_html="Ale is beer brewed with warm fermentation.",
        )
        wiki = Post.objects.create(
            post_type=PostType.TAG_WIKI,
            creation_date=START,
            last_activity_date=START,
            body_html="<p>Ales are <strong>top-fermented</strong> beers.</p>",
        )
        Tag.objects.filter(name=built.wiki_tag).update(excerpt_post=excerpt, wiki_post=wiki)
    return built


@pytest.fixture
def community(make_site) -> Callable[[int], Community]:  # type: ignore[no-untyped-def]
    """Make a fresh site holding a community of the given size (see `build_community`)."""

    def factory(size: int = 6) -> Community:
        return build_community(make_site(), size)

    return factory


def page_queries(client, site, url: str) -> int:  # type: ignore[no-untyped-def]
    """SQL queries that GET `url` on `site` runs on the site's database (the page must be 200)."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections[site.db_alias]) as queries:
        response = client.get(f"{site.url_prefix}{url}")
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def count_queries() -> Callable[..., int]:
    """`count_queries(client, site, "/tags")`: queries the page runs on the site's database."""
    return page_queries


@pytest.fixture(scope="module")
def shared_community():  # type: ignore[no-untyped-def]
    """A community of 6 questions shared by a module's read-only tests (sites are slow to make
    on PostgreSQL); a test that changes data uses `community()` instead."""
    import uuid

    from pnyx.sites.services import create_site, delete_site

    site = create_site(f"t{uuid.uuid4().hex[:10]}", "Test site")
    try:
        yield build_community(site, 6)
    finally:
        delete_site(site)
