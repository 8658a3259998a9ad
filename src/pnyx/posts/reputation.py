"""The points of each reputation event and how a day's events add up.

Pnyx records every change of reputation it makes as a `ReputationEvent` (see
`pnyx.posts.actions.reputation`), with the points below, following Stack Exchange's current rules:

- an up vote on an answer: +10; an up vote on a question: +10 as well (Stack Exchange gave +5
  for question up votes until November 2019, then recomputed everyone's reputation with +10);
- a down vote on a post: -2, and -1 to the voter for down-voting an answer;
- the answer being accepted: +15, and +2 to the person who accepts it;
- the association bonus: +100 on joining with 200 reputation on another site of the network;
- up votes earn at most 200 points a day (the daily cap); the rest is not capped;
- reputation never drops below 1.

A data dump keeps only each user's total, not its history: for an imported user the dump's
figure is the starting point (`SiteUser.reputation_start`) and only what happens on Pnyx is
itemised (`pnyx.posts.reputation_selectors`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, Value, When

from pnyx.posts.models import PostType, ReputationEvent, ReputationKind

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


def day_sums(
    events: QuerySet[ReputationEvent], *by: str
) -> QuerySet[ReputationEvent, dict[str, Any]]:
    """`events` grouped by `by` (for example "user_id", "day"), each group with `capped` (the
    up votes' points, before the cap), `uncapped` (the rest) and `n` (how many events).
    Voided events are left out: they are worth nothing while their post is deleted."""
    capped = [int(kind) for kind in CAPPED_KINDS]
    return (
        events.filter(voided=False)
        .order_by()
        .values(*by)
        .annotate(
            capped=Sum(
                Case(When(kind__in=capped, then=F("points")), default=Value(0)),
                output_field=IntegerField(),
            ),
            uncapped=Sum(
                Case(When(kind__in=capped, then=Value(0)), default=F("points")),
                output_field=IntegerField(),
            ),
            n=Count("id"),
        )
    )
