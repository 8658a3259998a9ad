from datetime import UTC, datetime, timedelta

from django.db import connections
from django.test.utils import CaptureQueriesContext

from pnyx.posts import services
from pnyx.posts.slugs import slugify_title

BODY = "This body is long enough to pass the thirty character minimum."


def _thread(comment_count: int):  # type: ignore[no-untyped-def]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    users = [services.create_user(f"user {i}", at=start) for i in range(5)]
    question = services.ask_question(
        users[0], "A question with many comments", BODY, "tag", at=start
    )
    answers = [services.post_answer(question, users[i], BODY, at=start) for i in range(1, 4)]
    posts = [question, *answers]
    for i in range(comment_count):
        services.add_comment(
            posts[i % len(posts)],
            users[i % 5],
            f"comment number {i} @user{(i + 1) % 5}",
            at=start + timedelta(minutes=i + 1),
        )
    return question


def _queries_for_question_page(client, site, question) -> int:  # type: ignore[no-untyped-def]
    url = f"{site.url_prefix}/questions/{question.id}/{slugify_title(question.title)}"
    with CaptureQueriesContext(connections[site.db_alias]) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_question_page_query_count_does_not_grow_with_comments(client, make_site) -> None:
    from pnyx.sites.context import activated

    small_site, big_site = make_site(), make_site()
    with activated(small_site):
        small = _thread(1)
    with activated(big_site):
        big = _thread(200)
    small_count = _queries_for_question_page(client, small_site, small)
    big_count = _queries_for_question_page(client, big_site, big)
    assert small_count == big_count
    assert big_count <= 6
