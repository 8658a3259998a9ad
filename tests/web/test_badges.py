"""The badge list and a badge's recipients."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def small(shared_community):  # type: ignore[no-untyped-def]
    return shared_community


def test_badge_list_shows_class_and_award_counts(client, small) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{small.site.url_prefix}/help/badges")
    body = response.content.decode()
    assert response.status_code == 200
    rows = re.findall(
        r'<a class="badge badge-(\w+)" href="[^"]+/help/badges/([^"]+)">.*?</a></th>\s*'
        r"<td>(\w+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>",
        body,
        re.S,
    )
    # 12 awards in turn: Teacher, Student, Great Answer, to 4 members in turn.
    assert rows == [
        ("gold", "Great%20Answer", "Gold", "4", "4"),
        ("bronze", "Student", "Bronze", "4", "4"),
        ("bronze", "Teacher", "Bronze", "4", "4"),
    ]
    assert '<th scope="col">Awarded</th>' in body


def test_badge_list_by_class(client, small) -> None:  # type: ignore[no-untyped-def]
    gold = client.get(f"{small.site.url_prefix}/help/badges?tab=gold").content.decode()
    assert "Great Answer" in gold and "Teacher" not in gold
    assert client.get(f"{small.site.url_prefix}/help/badges?tab=bogus").status_code == 200


def test_badge_page_lists_recent_recipients(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    response = client.get(f"{prefix}/help/badges/Great%20Answer")
    body = response.content.decode()
    assert response.status_code == 200
    assert "awarded 4 times to 4 users" in body
    recipients = body.split('id="recipients-heading"')[1]
    # Awards 2, 5, 8, 11 (days 22, 25, 28, 31) to members 2, 1, 0, 3: newest first.
    assert re.findall(r">(Member \d)</a>", recipients) == [
        "Member 3",
        "Member 0",
        "Member 1",
        "Member 2",
    ]


def test_badge_earned_twice_counts_one_user_and_shows_on_the_profile(client, community) -> None:  # type: ignore[no-untyped-def]
    small = community(6)
    from datetime import UTC, datetime

    from pnyx.posts.models import Badge, BadgeClass
    from pnyx.sites.context import activated

    with activated(small.site):
        Badge.objects.create(
            user=small.users[0],
            name="Teacher",
            badge_class=BadgeClass.BRONZE,
            date=datetime(2016, 1, 1, tzinfo=UTC),
        )
    prefix = small.site.url_prefix
    body = client.get(f"{prefix}/help/badges/Teacher").content.decode()
    assert "awarded 5 times to 4 users" in body
    profile = client.get(f"{prefix}/users/{small.users[0].id}/member-0?tab=badges")
    assert re.search(
        r"Teacher<span[^>]*> \(bronze badge\)</span></a> <span class=\"muted\">\u00d7 2</span>",
        profile.content.decode(),
    )


def test_badge_by_query_parameter_redirects(client, small) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{small.site.url_prefix}/help/badges?name=Teacher")
    assert response.status_code == 302
    assert response["Location"] == f"{small.site.url_prefix}/help/badges/Teacher"


@pytest.mark.parametrize(
    "url",
    [
        "/help/badges/Nonexistent",
        "/help/badges/%00",
        "/help/badges/" + "z" * 200,
        "/help/badges?name=%00",
        "/help/badges?name=",
    ],
)
def test_unknown_or_malformed_badge_is_404(client, small, url: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(small.site.url_prefix + url).status_code == 404


def test_badge_page_bad_page_parameter(client, small) -> None:  # type: ignore[no-untyped-def]
    for query in ("?page=-3", "?page=zz", "?page=1000000000000"):
        assert client.get(f"{small.site.url_prefix}/help/badges/Teacher{query}").status_code == 200


def test_badge_pages_run_a_fixed_number_of_queries(client, community, count_queries) -> None:  # type: ignore[no-untyped-def]
    small, large = community(3), community(40)
    for url in ("/help/badges", "/help/badges/Teacher"):
        assert count_queries(client, small.site, url) == count_queries(client, large.site, url)
    assert count_queries(client, large.site, "/help/badges") == 1
    assert count_queries(client, large.site, "/help/badges/Teacher") == 3
