"""Reputation from votes, as the user page's graph draws it."""

from __future__ import annotations

from datetime import date

from pnyx.posts.models import PostType, VoteType
from pnyx.posts.reputation import VoteTally, daily_changes, reputation_history
from pnyx.web.charts import reputation_chart

DAY1, DAY2, DAY3 = date(2016, 1, 1), date(2016, 1, 2), date(2016, 1, 3)


def test_points_per_vote() -> None:
    tallies = [
        VoteTally(DAY1, PostType.ANSWER, VoteType.UP, 2),  # +20
        VoteTally(DAY1, PostType.QUESTION, VoteType.UP, 1),  # +10
        VoteTally(DAY1, PostType.ANSWER, VoteType.DOWN, 1),  # -2
        VoteTally(DAY1, PostType.ANSWER, VoteType.ACCEPTED, 1),  # +15
        VoteTally(DAY1, PostType.ANSWER, VoteType.BOUNTY_CLOSE, 1, bounty=50),  # +50
        VoteTally(DAY1, PostType.QUESTION, VoteType.FAVORITE, 3),  # nothing
    ]
    assert daily_changes(tallies) == [(DAY1, 93)]


def test_up_votes_are_capped_at_200_a_day_but_acceptance_is_not() -> None:
    tallies = [
        VoteTally(DAY1, PostType.ANSWER, VoteType.UP, 30),
        VoteTally(DAY1, PostType.ANSWER, VoteType.ACCEPTED, 2),
        VoteTally(DAY2, PostType.ANSWER, VoteType.UP, 3),
    ]
    assert daily_changes(tallies) == [(DAY1, 230), (DAY2, 30)]


def test_history_starts_at_one_and_never_drops_below_it() -> None:
    tallies = [
        VoteTally(DAY2, PostType.QUESTION, VoteType.DOWN, 5),
        VoteTally(DAY1, PostType.QUESTION, VoteType.UP, 1),
        VoteTally(DAY3, PostType.ANSWER, VoteType.UP, 1),
    ]
    assert reputation_history(tallies) == [(DAY1, 11), (DAY2, 1), (DAY3, 11)]


def test_chart_is_an_accessible_step_line_of_bounded_size() -> None:
    history = [(date(2016, 1, 1 + i % 28), 1 + i) for i in range(28)]
    many = [(date.fromordinal(733000 + i), 1 + i) for i in range(3000)]
    svg = str(reputation_chart(history, date(2015, 12, 31)))
    assert svg.startswith('<svg class="rep-chart"')
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "to 28 on 2016-01-28" in svg
    big = str(reputation_chart(many, date.fromordinal(733000)))
    # One point per horizontal pixel at most, whatever the number of days.
    assert big.count("H") <= 641
