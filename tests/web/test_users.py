"""The user list and the tabs of a user's page."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def small(shared_community):  # type: ignore[no-untyped-def]
    return shared_community


def _user_url(built, index: int, query: str = "") -> str:  # type: ignore[no-untyped-def]
    user = built.users[index]
    slug = user.display_name.lower().replace(" ", "-")
    return f"{built.site.url_prefix}/users/{user.id}/{slug}{query}"


def test_user_list_by_reputation_with_badge_counts(client, small) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{small.site.url_prefix}/users").content.decode()
    assert re.findall(r'class="user-card-name" href="[^"]+">([^<]+)<', body) == [
        "Member 0",
        "Member 1",
        "Member 2",
        "Member 3",
    ]
    assert "Town 0" in body
    assert "1000" in body
    # Member 0 earned Teacher twice (awards 0 and 4 of 12), Member 2 Great Answer (gold) etc.
    assert 'title="1 gold badge"' in body
    assert '<label for="user-filter">' in body


def test_user_list_new_users_and_filter(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    newest = client.get(f"{prefix}/users?tab=NewUsers").content.decode()
    assert re.findall(r'class="user-card-name" href="[^"]+">([^<]+)<', newest)[0] == "Member 3"
    filtered = client.get(f"{prefix}/users?filter=ber+2").content.decode()
    assert re.findall(r'class="user-card-name" href="[^"]+">([^<]+)<', filtered) == ["Member 2"]
    assert "No users match" in client.get(f"{prefix}/users?filter=nobody").content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?page=-1",
        "?page=99999",
        "?pagesize=10000",
        "?tab=bogus",
        "?filter=%00",
        "?filter=%25%25_",
        "?filter=" + "y" * 3000,
    ],
)
def test_user_list_bad_parameters_never_fail(client, small, query: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"{small.site.url_prefix}/users{query}").status_code == 200


def test_summary_shows_profile_counts_top_posts_tags_badges_and_activity(client, small) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_user_url(small, 0))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Member 0</h1>" in body
    assert '<dt>Reputation</dt><dd><strong class="rep-big">1000</strong>' in body
    assert "<dt>Location</dt><dd>Town 0</dd>" in body
    # about_me is sanitised: the paragraph stays, the script goes.
    assert "<p>Brewer number 0.</p>" in body
    assert "alert(1)" not in body
    # Member 0 asked questions 0 and 4 and answered questions 2 (j=2) and 3 (j=1).
    assert "<dt>Questions</dt><dd>2</dd>" in body
    assert "<dt>Answers</dt><dd>2</dd>" in body
    assert "Question number 0 about beer styles" in body
    assert 'class="tag" href="' + small.site.url_prefix + '/questions/tagged/beer"' in body
    badges = body.split('id="badges-heading"')[1].split("</section>")[0]
    assert re.findall(r'class="badge badge-(\w+)" href="[^"]+/help/badges/([^"]+)"', badges) == [
        ("gold", "Great%20Answer"),
        ("bronze", "Student"),
        ("bronze", "Teacher"),
    ]
    # Made with 1000 reputation and no reputation events since: nothing itemised, no graph.
    assert "(1000) is not itemised" in body and 'class="rep-chart"' not in body
    assert f'href="{_user_url(small, 0, "?tab=reputation")}">All reputation changes' in body
    assert "commented" in body and "Thanks, this helps a lot." in body
    assert (
        f'href="http://testserver{small.site.url_prefix}/feeds/user/{small.users[0].id}"'
        not in body
    )
    assert f'<link rel="canonical" href="http://testserver{_user_url(small, 0)}">' in body


def test_answers_and_questions_tabs_list_and_sort(client, small) -> None:  # type: ignore[no-untyped-def]
    answers = client.get(_user_url(small, 1, "?tab=answers")).content.decode()
    # Member 1 answered questions 0 and 4 (-1 each) and 3 (accepted, +1); ties: newest first.
    assert "3 Answers" in answers
    titles = re.findall(r"#\d+\">(Question number \d+)", answers)
    assert titles == ["Question number 3", "Question number 4", "Question number 0"]
    newest = client.get(_user_url(small, 1, "?tab=answers&sort=newest")).content.decode()
    newest_titles = re.findall(r"#\d+\">(Question number \d+)", newest)
    assert newest_titles == sorted(newest_titles, key=lambda t: -int(t.split()[-1]))
    questions = client.get(_user_url(small, 1, "?tab=questions")).content.decode()
    assert "Question number 1 about beer styles" in questions
    assert "Question number 5 about beer styles" in questions
    assert 'aria-current="page">Questions<' in questions


def test_badges_tab_groups_a_badge_earned_twice(client, small) -> None:  # type: ignore[no-untyped-def]
    body = client.get(_user_url(small, 0, "?tab=badges")).content.decode()
    # Member 0 received awards 0, 4 and 8: Teacher, Student, Great Answer (gold).
    assert "3 Badges" in body
    assert re.findall(r'class="badge badge-(\w+)"', body) == ["gold", "bronze", "bronze"]


def test_activity_tab_mixes_posts_comments_and_badges_newest_first(client, small) -> None:  # type: ignore[no-untyped-def]
    body = client.get(_user_url(small, 0, "?tab=activity")).content.decode()
    kinds = re.findall(r'<li class="activity-(\w+)">', body)
    assert {"asked", "answered", "commented", "badge"} <= set(kinds)
    times = re.findall(r'<span class="activity-when"><time datetime="([^"]+)"', body)
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("tab", ["bogus", "", "SUMMARY", "%00"])
def test_unknown_tab_shows_the_summary(client, small, tab: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(_user_url(small, 0, f"?tab={tab}"))
    assert response.status_code == 200
    assert 'aria-current="page">Summary<' in response.content.decode()


@pytest.mark.parametrize(
    "query", ["?tab=answers&page=-1", "?tab=answers&page=x&sort=bogus", "?tab=questions&page=9999"]
)
def test_user_tab_bad_parameters_never_fail(client, small, query: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(_user_url(small, 0, query)).status_code == 200


def test_wrong_slug_redirects_keeping_the_tab(client, small) -> None:  # type: ignore[no-untyped-def]
    user = small.users[0]
    response = client.get(f"{small.site.url_prefix}/users/{user.id}/wrong?tab=badges")
    assert response.status_code == 301
    assert response["Location"] == _user_url(small, 0, "?tab=badges")


def test_unknown_user_is_404(client, small) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"{small.site.url_prefix}/users/999999/nobody").status_code == 404


def test_user_pages_run_a_fixed_number_of_queries(client, community, count_queries) -> None:  # type: ignore[no-untyped-def]
    small, large = community(3), community(40)
    for query in (
        "",
        "?tab=answers",
        "?tab=questions",
        "?tab=badges",
        "?tab=reputation",
        "?tab=activity",
    ):
        small_count = count_queries(
            client, small.site, _user_url(small, 0, query)[len(small.site.url_prefix) :]
        )
        large_count = count_queries(
            client, large.site, _user_url(large, 0, query)[len(large.site.url_prefix) :]
        )
        assert small_count == large_count, query
    for url in ("/users", "/users?tab=newusers&filter=Member"):
        assert count_queries(client, small.site, url) == count_queries(client, large.site, url)
    assert count_queries(client, large.site, "/users") == 3
    # The user, post counts, badge counts, the site's import (what the reputation history
    # covers), reputation per day, top answers, top questions, top tags, badges, latest posts,
    # latest comments: no body or profile text is read lazily per row.
    summary = _user_url(large, 0)[len(large.site.url_prefix) :]
    assert count_queries(client, large.site, summary) == 11


def test_short_user_link_keeps_the_tab(client, small) -> None:  # type: ignore[no-untyped-def]
    user = small.users[0]
    response = client.get(f"{small.site.url_prefix}/users/{user.id}?tab=activity")
    assert response.status_code == 301
    assert response["Location"] == _user_url(small, 0, "?tab=activity")
