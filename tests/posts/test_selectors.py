"""Every page's selectors run a fixed number of queries, whatever the size of thread or list.

Each test builds the same shape at two sizes and compares the queries the page runs on the
site's database; the bound written beside it is the number today, so a new query shows up here.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from tests import factories

from pnyx.posts.models import (
    Badge,
    BadgeClass,
    HistoryType,
    LinkType,
    Post,
    PostHistory,
    PostLink,
)
from pnyx.posts.slugs import slugify_title
from pnyx.sites.context import activated

BODY = "This body is long enough to pass the thirty character minimum."
START = datetime(2020, 1, 1, tzinfo=UTC)


def _thread(answer_count: int, comment_count: int):  # type: ignore[no-untyped-def]
    """A closed-as-duplicate question with answers, comments, badges, links, edits and events."""
    users = [factories.create_user(f"user {i}", at=START) for i in range(max(5, answer_count + 1))]
    original = factories.ask_question(
        users[0], "The original question on tags", BODY, "tag", at=START
    )
    question = factories.ask_question(
        users[0], "A question with many comments", BODY, "tag other", at=START
    )
    answers = [
        factories.post_answer(question, users[i % len(users)], BODY, at=START)
        for i in range(1, answer_count + 1)
    ]
    posts = [question, *answers]
    for i in range(comment_count):
        factories.add_comment(
            posts[i % len(posts)],
            users[i % 5],
            f"comment number {i} @user{(i + 1) % 5}",
            at=START + timedelta(minutes=i + 1),
        )
    for i, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(
            last_editor_id=users[(i + 1) % len(users)].id, last_edit_date=START + timedelta(days=1)
        )
        PostHistory.objects.create(
            history_type=HistoryType.LOCKED, post=post, creation_date=START, text="{}"
        )
    Badge.objects.bulk_create(
        Badge(user=user, name="Student", badge_class=BadgeClass.BRONZE, date=START)
        for user in users
    )
    Post.objects.filter(pk=question.pk).update(closed_date=START + timedelta(days=2))
    PostHistory.objects.create(
        history_type=HistoryType.CLOSED,
        post=question,
        creation_date=START + timedelta(days=2),
        comment="101",
        text=json.dumps({"OriginalQuestionIds": [original.id], "Voters": []}),
    )
    PostLink.objects.create(
        creation_date=START, post=question, related_post=original, link_type=LinkType.DUPLICATE
    )
    for i in range(answer_count):
        other = factories.ask_question(
            users[0], f"Linking question number {i}", BODY, "tag", at=START
        )
        PostLink.objects.create(
            creation_date=START, post=other, related_post=question, link_type=LinkType.LINKED
        )
    return question


def _queries(client, site, path: str, **headers: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connections[site.db_alias]) as queries:
        response = client.get(f"{site.url_prefix}{path}", **headers)
    assert response.status_code == 200, path
    return len(queries)


def _question_path(question: Post) -> str:
    return f"/questions/{question.id}/{slugify_title(question.title)}"


@pytest.fixture
def small_and_big(make_site):  # type: ignore[no-untyped-def]
    small_site, big_site = make_site(), make_site()
    with activated(small_site):
        small = _thread(answer_count=1, comment_count=1)
    with activated(big_site):
        big = _thread(answer_count=12, comment_count=200)
    return (small_site, small), (big_site, big)


def test_question_page_query_count_does_not_grow_with_the_thread(client, small_and_big) -> None:  # type: ignore[no-untyped-def]
    (small_site, small), (big_site, big) = small_and_big
    for query in ("", "?answertab=newest"):
        small_count = _queries(client, small_site, _question_path(small) + query)
        big_count = _queries(client, big_site, _question_path(big) + query)
        assert small_count == big_count
        # the thread's facts; then, with no block kept (the cache is off in tests): question,
        # answers, top comments, badges, history events, links, related
        assert big_count <= 8


def test_comments_and_revisions_query_counts_do_not_grow(client, small_and_big) -> None:  # type: ignore[no-untyped-def]
    (small_site, small), (big_site, big) = small_and_big
    for path, headers, bound in (
        ("/posts/{}/comments", {"HTTP_HX_REQUEST": "true"}, 2),
        ("/posts/{}/comments", {}, 2),
        ("/posts/{}/revisions", {}, 3),
        ("/posts/{}/revisions?view=sidebyside", {}, 3),
    ):
        small_count = _queries(client, small_site, path.format(small.id), **headers)
        big_count = _queries(client, big_site, path.format(big.id), **headers)
        assert small_count == big_count, path
        assert big_count <= bound, path


def _many_edits(edit_count: int) -> Post:
    author = factories.create_user("editor", at=START)
    question = factories.ask_question(author, "A question edited many times", BODY, "tag", at=START)
    for i in range(edit_count):
        PostHistory.objects.create(
            history_type=HistoryType.EDIT_BODY,
            post=question,
            revision_guid=f"00000000-0000-0000-0000-{i:012d}",
            creation_date=START + timedelta(hours=i + 1),
            user=author,
            comment=f"edit {i}",
            text=f"{BODY}\n\nEdit number {i}.",
        )
    return question


def test_revisions_query_count_does_not_grow_with_edits(client, make_site) -> None:  # type: ignore[no-untyped-def]
    small_site, big_site = make_site(), make_site()
    with activated(small_site):
        small = _many_edits(1)
    with activated(big_site):
        big = _many_edits(40)
    for query in ("", "?view=sidebyside"):
        path = "/posts/{}/revisions" + query
        assert _queries(client, small_site, path.format(small.id)) == _queries(
            client, big_site, path.format(big.id)
        )


def _questions(count: int) -> None:
    users = [factories.create_user(f"asker {i}", at=START, reputation=10 + i) for i in range(7)]
    for i in range(count):
        question = factories.ask_question(
            users[i % 7],
            f"Listed question number {i}",
            BODY * (1 + i % 3),
            ["tag", f"t{i % 4}"],
            at=START + timedelta(hours=i),
        )
        if i % 2:
            answer = factories.post_answer(question, users[(i + 1) % 7], BODY, at=START)
            Post.objects.filter(pk=answer.pk).update(score=i % 3)
        if i % 3 == 0:
            PostLink.objects.create(
                creation_date=START,
                post=question,
                related_post_id=question.id - 2,
                link_type=LinkType.LINKED,
            )


LIST_PATHS = [
    "/",
    "/questions",
    "/questions?tab=active&pagesize=50",
    "/questions?tab=score&pagesize=50&page=2",
    "/questions?tab=unanswered&pagesize=50",
    "/questions?tab=frequent&pagesize=50",
    "/questions?filter=noanswers&pagesize=50",
    "/questions?filter=noaccepted&tab=newest&pagesize=30",
    "/questions/tagged/tag?pagesize=50",
    "/questions/tagged/tag+t1?tab=frequent",
]


def test_list_query_counts_do_not_grow_with_the_list(client, make_site) -> None:  # type: ignore[no-untyped-def]
    small_site, big_site = make_site(), make_site()
    with activated(small_site):
        _questions(8)
    with activated(big_site):
        _questions(120)
    for path in LIST_PATHS:
        small_count = _queries(client, small_site, path)
        big_count = _queries(client, big_site, path)
        assert small_count == big_count, path
        # the count, the rows and the site's epoch (the key of the rows' renderings); the tags
        # named, for a tagged list
        assert big_count <= (4 if "tagged" in path else 3), path
