"""The reputation tab (`/users/ID/name?tab=reputation`) and the profile's reputation graph: every
change the domain functions record, per day with the day's total, and a graph that ends at the
reputation the profile shows."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from tests import factories

from pnyx.posts import actions
from pnyx.posts.models import DumpImport, Post, SiteUser, Vote, VoteType
from pnyx.posts.reputation_selectors import coverage, reputation_graph, reputation_page
from pnyx.posts.slugs import slugify_name, slugify_title

BODY = "A body that is long enough to pass the thirty character rule."
DAY1 = datetime(2026, 3, 2, 10, tzinfo=UTC)
DAY2 = datetime(2026, 3, 5, 9, tzinfo=UTC)


def vote(site, post: Post, voter: SiteUser, kind: str | None, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """Cast, change or (kind None) take back `voter`'s vote on `post` through `do_vote`."""
    current = Vote.objects.filter(
        post_id=post.pk, user_id=voter.pk, vote_type__in=[VoteType.UP, VoteType.DOWN]
    ).first()
    post = Post.objects.get(pk=post.pk)
    actions.do_vote(post=post, voter=voter, current=current, vote=kind, site=site, at=at)


def accept(site, answer: Post, asker: SiteUser, at: datetime) -> None:  # type: ignore[no-untyped-def]
    answer = Post.objects.get(pk=answer.pk)
    question = Post.objects.get(pk=answer.parent_id)
    actions.do_accept(
        question=question, answer=answer, previous=None, actor=asker, site=site, at=at
    )


def page(client, site, user: SiteUser, query: str = "?tab=reputation") -> str:  # type: ignore[no-untyped-def]
    user.refresh_from_db()
    response = client.get(
        f"{site.url_prefix}/users/{user.pk}/{slugify_name(user.display_name)}{query}"
    )
    assert response.status_code == 200
    return response.content.decode()


def days_of(html: str) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    """(date, day total, [(amount, kind, link)]) of each day the tab lists, in page order."""
    found = []
    for section in html.split('<section class="rep-day"')[1:]:
        head = re.search(
            r'<span class="rep-amount[^"]*">([^<]+)</span> <time datetime="([^"]+)"', section
        )
        assert head is not None
        changes = re.findall(
            r'<li><span class="rep-amount[^"]*">([^<]+)</span> <span class="rep-kind">([^<]+)'
            r'</span>(?: <a href="([^"]+)")?',
            section.split("</section>")[0],
        )
        found.append((head.group(2), head.group(1), changes))
    return found


def chart_end(html: str) -> int:
    """The last value of the profile's reputation graph, as its description states it."""
    match = re.search(r"Reputation went from [\d,]+ on [\d-]+ to ([\d,]+) on", html)
    assert match is not None, "no reputation graph"
    return int(match.group(1).replace(",", ""))


@pytest.fixture
def thread(site):  # type: ignore[no-untyped-def]
    """Ada asks, Bob answers; three voters with nothing of their own and 125 reputation each
    (what down-voting needs; a user's reputation never drops below 1)."""
    start = DAY1 - timedelta(days=30)
    ada = factories.create_user("Ada Asker", at=start)
    bob = factories.create_user("Bob Answerer", at=start)
    voters = [factories.create_user(f"Voter {n}", at=start, reputation=125) for n in range(3)]
    question = factories.ask_question(ada, "How long should a stout age?", BODY, "stout", at=start)
    answer = factories.post_answer(question, bob, BODY + " Six months.", at=start)
    return ada, bob, voters, question, answer


def test_changes_are_listed_per_day_with_their_totals(client, site, thread) -> None:  # type: ignore[no-untyped-def]
    ada, bob, (v1, v2, v3), question, answer = thread
    vote(site, answer, v1, "up", DAY1)
    vote(site, answer, v2, "down", DAY1 + timedelta(hours=1))
    vote(site, question, v3, "up", DAY1 + timedelta(hours=2))
    accept(site, answer, ada, DAY2)
    vote(site, answer, v3, "up", DAY2 + timedelta(hours=1))

    answer_link = (
        f"{site.url_prefix}/questions/{question.pk}/{slugify_title(question.title)}"
        f"/{answer.pk}#{answer.pk}"
    )
    question_link = f"{site.url_prefix}/questions/{question.pk}/{slugify_title(question.title)}"
    title = "How long should a stout age?"
    html = page(client, site, bob)
    assert days_of(html) == [
        (
            "2026-03-05",
            "+25",
            [("+10", "upvote", answer_link), ("+15", "answer accepted", answer_link)],
        ),
        ("2026-03-02", "+8", [("-2", "downvote", answer_link), ("+10", "upvote", answer_link)]),
    ]
    assert f'<a href="{answer_link}">{title}</a>' in html
    bob.refresh_from_db()
    assert bob.reputation == 1 + 25 + 8
    assert "is not itemised" not in html  # a new user's whole history is itemised

    ada_days = days_of(page(client, site, ada))
    assert ada_days == [
        ("2026-03-05", "+2", [("+2", "accepted an answer", answer_link)]),
        ("2026-03-02", "+10", [("+10", "upvote", question_link)]),
    ]
    voter_days = days_of(page(client, site, v2))
    assert voter_days == [("2026-03-02", "-1", [("-1", "downvoted an answer", answer_link)])]

    for user in (ada, bob, v2):
        user.refresh_from_db()
        totals = sum(int(total) for _, total, _ in days_of(page(client, site, user)))
        assert totals == user.reputation - (user.reputation_start or 0)
        assert chart_end(page(client, site, user, "")) == user.reputation


def test_an_undone_vote_leaves_the_tab_and_the_graph(client, site, thread) -> None:  # type: ignore[no-untyped-def]
    _, bob, (v1, v2, _), _, answer = thread
    vote(site, answer, v1, "up", DAY1)
    vote(site, answer, v2, "up", DAY1 + timedelta(hours=1))
    assert days_of(page(client, site, bob))[0][1] == "+20"
    assert chart_end(page(client, site, bob, "")) == 21

    vote(site, answer, v2, None, DAY1 + timedelta(hours=2))
    [(day, total, changes)] = days_of(page(client, site, bob))
    assert (day, total, [amount for amount, _, _ in changes]) == ("2026-03-02", "+10", ["+10"])
    bob.refresh_from_db()
    assert bob.reputation == 11
    assert chart_end(page(client, site, bob, "")) == 11


def test_a_deleted_posts_changes_leave_the_tab_until_it_is_undeleted(client, site, thread) -> None:  # type: ignore[no-untyped-def]
    _, bob, (v1, _, _), _, answer = thread
    vote(site, answer, v1, "up", DAY1)
    actions.do_delete_post(post=Post.objects.get(pk=answer.pk), actor=bob, site=site, at=DAY2)
    html = page(client, site, bob)
    assert days_of(html) == [] and "No reputation changes yet." in html
    bob.refresh_from_db()
    assert bob.reputation == 1
    actions.do_undelete_post(post=Post.objects.get(pk=answer.pk), actor=bob, site=site)
    assert [total for _, total, _ in days_of(page(client, site, bob))] == ["+10"]
    assert chart_end(page(client, site, bob, "")) == 11


def test_the_daily_cap_shows_on_the_day(client, site, thread) -> None:  # type: ignore[no-untyped-def]
    _, bob, _, _, answer = thread
    for n in range(23):
        voter = factories.create_user(f"Fan {n}", at=DAY1 - timedelta(days=1))
        vote(site, answer, voter, "up", DAY1 + timedelta(minutes=n))
    html = page(client, site, bob)
    [(_, total, changes)] = days_of(html)
    assert total == "+200" and len(changes) == 23
    assert "Daily limit of 200 from up votes reached: 30 not counted." in html
    bob.refresh_from_db()
    assert bob.reputation == 201 and chart_end(page(client, site, bob, "")) == 201


def test_a_page_splits_a_day_and_runs_a_fixed_number_of_queries(site, thread) -> None:  # type: ignore[no-untyped-def]
    _, bob, _, question, answer = thread
    counts = []
    for batch in range(2):
        for n in range(12):
            voter = factories.create_user(f"Fan {batch}-{n}", at=DAY1 - timedelta(days=1))
            post = answer if n % 2 else question if batch else answer
            vote(site, post, voter, "up", DAY1 + timedelta(days=batch, minutes=n))
        bob.refresh_from_db()
        with CaptureQueriesContext(connections[site.db_alias]) as queries:
            first = reputation_page(bob, page=1, per_page=10)
            list(first.days)
        counts.append(len(queries))
    assert counts[0] == counts[1] == 4
    # 12 changes on day 1, then 6 on day 2 (the other 6 up votes were for Ada's question).
    assert [(d.day.day, len(d.changes), d.count, d.total) for d in first.days] == [
        (3, 6, 6, 60),
        (2, 4, 12, 120),
    ]
    assert first.days[1].partial
    second = reputation_page(bob, page=2, per_page=10)
    assert [(d.day.day, len(d.changes), d.count) for d in second.days] == [(2, 8, 12)]


def test_an_imported_users_tab_says_what_the_history_covers(client, site) -> None:  # type: ignore[no-untyped-def]
    imported_at = datetime(2026, 3, 1, 12, tzinfo=UTC)
    veteran = factories.create_user(
        "Veteran", reputation=3835, at=imported_at - timedelta(days=900)
    )
    DumpImport.objects.create(imported_at=imported_at, source="beer.stackexchange.com.7z")
    fresh = factories.create_user("Newcomer", at=imported_at + timedelta(days=1))

    before = page(client, site, veteran)
    notice = "Reputation from before Mar 1, 2026 (imported: 3835) is not itemised"
    assert notice in before and "No reputation changes yet." in before
    summary = page(client, site, veteran, "")
    assert notice in summary and 'class="rep-chart"' not in summary  # nothing to draw yet

    question = factories.ask_question(veteran, "An imported question on aging", BODY, "ale")
    vote(site, question, fresh, "up", DAY1)
    veteran.refresh_from_db()
    assert (veteran.reputation_start, veteran.reputation) == (3835, 3845)
    summary = page(client, site, veteran, "")
    assert notice in summary
    assert "Reputation went from 3,835 on 2026-03-01 to 3,845 on 2026-03-02" in summary
    assert [total for _, total, _ in days_of(page(client, site, veteran))] == ["+10"]
    assert coverage(veteran).imported and not coverage(fresh).imported
    assert reputation_graph(veteran, coverage(veteran))[-1][1] == veteran.reputation
    assert "is not itemised" not in page(client, site, fresh)


@pytest.mark.parametrize("query", ["?tab=reputation&page=2", "?tab=reputation&page=99999"])
def test_a_page_past_the_last_is_404(client, site, thread, query: str) -> None:  # type: ignore[no-untyped-def]
    _, bob, _, _, _ = thread
    response = client.get(f"{site.url_prefix}/users/{bob.pk}/bob-answerer{query}")
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["?tab=reputation&page=abc", "?tab=reputation&page=-1"])
def test_a_malformed_page_number_shows_the_first_page(client, site, thread, query: str) -> None:  # type: ignore[no-untyped-def]
    _, bob, _, _, _ = thread
    response = client.get(f"{site.url_prefix}/users/{bob.pk}/bob-answerer{query}")
    assert response.status_code == 200
    assert 'aria-current="page">Reputation<' in response.content.decode()


def test_an_unknown_users_reputation_tab_is_404(client, site) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"{site.url_prefix}/users/424242/nobody?tab=reputation").status_code == 404


def test_the_graph_shows_a_change_on_the_users_first_day(client, site) -> None:  # type: ignore[no-untyped-def]
    newcomer = factories.create_user("Newcomer", at=DAY1)
    voter = factories.create_user("Voter", at=DAY1 - timedelta(days=5))
    question = factories.ask_question(newcomer, "A question asked on the first day", BODY, "ale")
    vote(site, question, voter, "up", DAY1 + timedelta(hours=1))
    summary = page(client, site, newcomer, "")
    assert "Reputation went from 1 on 2026-03-01 to 11 on 2026-03-02" in summary


def test_a_user_held_at_the_floor_is_told_why_the_changes_do_not_add_up(
    client, site, thread
) -> None:  # type: ignore[no-untyped-def]
    _, bob, (v1, v2, _), _, answer = thread
    vote(site, answer, v1, "down", DAY1)
    vote(site, answer, v2, "down", DAY1 + timedelta(hours=1))
    html = page(client, site, bob)
    assert days_of(html)[0][1] == "-4"
    assert "Reputation 1<" in html
    assert "the changes listed bring it to -3, which counts as 1" in html
    vote(site, answer, v1, None, DAY1 + timedelta(hours=2))
    vote(site, answer, v2, None, DAY1 + timedelta(hours=3))
    assert "counts as 1" not in page(client, site, bob)
