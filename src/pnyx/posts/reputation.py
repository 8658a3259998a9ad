"""How votes on a user's posts turn into reputation: the points of each event, and the
estimate of an imported user's history that the user page's graph draws.

Pnyx records every change of reputation it makes as a `ReputationEvent` (see
`pnyx.posts.actions.reputation`): the points below, per event, with the daily cap. For imported
users the dump's figure is the starting point; what follows estimates their history before it.

The points follow Stack Exchange's current rules for the events a data dump keeps:

- an up vote on an answer: +10; an up vote on a question: +10 as well. Stack Exchange gave +5 for
  question up votes until November 2019, then raised them to +10 and recomputed everyone's
  reputation with the new value, so +10 is what a user's reputation reflects today;
- a down vote on a post: -2;
- the answer being accepted: +15;
- a bounty awarded to an answer: the bounty's amount;
- up votes earn at most 200 points a day (the daily cap); acceptance and bounties are not capped.

A dump does not say who voted (so the voter's own -1 for down-voting an answer and the +2 for
accepting an answer are unknown), nor keeps suggested edits or the association bonus; the graph
is therefore an estimate from the votes and may differ from the stored `SiteUser.reputation`,
which is what the page shows as the user's reputation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pnyx.posts.models import PostType, ReputationKind, VoteType

UP_VOTE_ANSWER = 10
UP_VOTE_QUESTION = 10
DOWN_VOTE = -2
DOWN_VOTE_CAST_ON_ANSWER = -1
ACCEPTED = 15
ACCEPTER = 2
ASSOCIATION_BONUS = 100
# The reputation on another site of the network that earns the association bonus on joining.
ASSOCIATION_THRESHOLD = 200
DAILY_CAP = 200
STARTING_REPUTATION = 1
# Only up votes count towards the daily cap; acceptance, bounties and losses are not capped.
CAPPED_KINDS = frozenset({ReputationKind.UP_VOTE})


def up_vote_points(post_type: int) -> int:
    """What an up vote on a question or an answer earns its author."""
    return UP_VOTE_ANSWER if post_type == PostType.ANSWER else UP_VOTE_QUESTION


def day_total(capped: int, uncapped: int) -> int:
    """One day's change: the capped events (up votes) up to the daily cap, plus the rest."""
    return min(capped, DAILY_CAP) + uncapped


def total(start: int, earned: int) -> int:
    """Reputation from its starting point and the sum of the days' changes; never below 1."""
    return max(STARTING_REPUTATION, start + earned)


COUNTED_VOTE_TYPES = (VoteType.ACCEPTED, VoteType.UP, VoteType.DOWN, VoteType.BOUNTY_CLOSE)


@dataclass(frozen=True)
class VoteTally:
    """Votes of one type on one kind of post on one day; `bounty` is the sum of bounty amounts."""

    day: date
    post_type: int
    vote_type: int
    count: int
    bounty: int = 0


def points(tally: VoteTally) -> tuple[int, int]:
    """(points subject to the daily cap, points not subject to it) for one tally."""
    if tally.vote_type == VoteType.UP:
        per_vote = UP_VOTE_ANSWER if tally.post_type == PostType.ANSWER else UP_VOTE_QUESTION
        return per_vote * tally.count, 0
    if tally.vote_type == VoteType.DOWN:
        return 0, DOWN_VOTE * tally.count
    if tally.vote_type == VoteType.ACCEPTED and tally.post_type == PostType.ANSWER:
        return 0, ACCEPTED * tally.count
    if tally.vote_type == VoteType.BOUNTY_CLOSE and tally.post_type == PostType.ANSWER:
        return 0, tally.bounty
    return 0, 0


def daily_changes(tallies: Iterable[VoteTally]) -> list[tuple[date, int]]:
    """The reputation change of each day with votes, oldest first, with the daily cap applied."""
    capped: dict[date, int] = {}
    uncapped: dict[date, int] = {}
    for tally in tallies:
        cap_points, free_points = points(tally)
        capped[tally.day] = capped.get(tally.day, 0) + cap_points
        uncapped[tally.day] = uncapped.get(tally.day, 0) + free_points
    return [
        (day, min(capped[day], DAILY_CAP) + uncapped[day])
        for day in sorted(capped.keys() | uncapped.keys())
    ]


def reputation_history(tallies: Iterable[VoteTally]) -> list[tuple[date, int]]:
    """Reputation at the end of each day with votes, starting from the new user's 1 point.

    Reputation never drops below 1, as on Stack Exchange.
    """
    total = STARTING_REPUTATION
    history: list[tuple[date, int]] = []
    for day, change in daily_changes(tallies):
        total = max(STARTING_REPUTATION, total + change)
        history.append((day, total))
    return history
