"""Keeping users' reputation in step with their reputation events.

A user's reputation is `max(1, reputation_start + reputation_earned)` once they have an event:
`reputation_start` is what they had before the first one (the dump's figure for an imported
user), `reputation_earned` the sum over days of each day's events with the daily cap applied
(`pnyx.posts.reputation.day_total`). Every change (an event recorded, removed, voided or counted
again) touches a few (user, day) pairs: their day totals are read before and after the change,
and each user's columns move by the difference. So a change costs two small indexed reads
whatever the length of the user's history, and `recompute` can check the result from scratch.

Locking contract: the functions here lock the users concerned (ascending ids) before reading the
day totals, so two concurrent votes for one user cannot both count the same room under the cap.
They run inside the caller's site transaction, after the caller has locked its posts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connections
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from pnyx.events import REPUTATION, send_event_on_commit
from pnyx.network.models import Site
from pnyx.posts import reputation as rules
from pnyx.posts.actions.common import lock_users, marks
from pnyx.posts.models import ReputationEvent, ReputationKind, SiteUser

Pair = tuple[int, date]
Sums = tuple[int, int]  # a day's capped points (up votes) and uncapped points


def _capped(kind: int) -> bool:
    return kind in rules.CAPPED_KINDS


def _day_sums(pairs: set[Pair], *, site: Site) -> dict[Pair, Sums]:
    """Each (user, day)'s capped and uncapped points: `rules.day_sums`, written as SQL for the
    write path (see `pnyx.posts.actions.common`); tests check that the two agree."""
    if not pairs:
        return {}
    connection = connections[site.db_alias]
    users = sorted({user for user, _ in pairs})
    days = sorted({day for _, day in pairs})
    capped = [int(kind) for kind in rules.CAPPED_KINDS]
    kinds = marks(capped)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT user_id, day, SUM(CASE WHEN kind IN ({kinds}) THEN points ELSE 0 END), "
            f"SUM(CASE WHEN kind IN ({kinds}) THEN 0 ELSE points END) FROM reputation_events "
            f"WHERE voided = %s AND user_id IN ({marks(users)}) AND day IN ({marks(days)}) "
            "GROUP BY user_id, day",
            [
                *capped,
                *capped,
                False,
                *users,
                *(connection.ops.adapt_datefield_value(day) for day in days),
            ],
        )
        found = {
            (user_id, _as_date(day)): (int(capped_sum or 0), int(uncapped_sum or 0))
            for user_id, day, capped_sum, uncapped_sum in cursor.fetchall()
        }
    return {pair: found.get(pair, (0, 0)) for pair in pairs}


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _change(changes: dict[Pair, Sums], mutate: Callable[[], object], *, site: Site) -> None:
    """Move the users' reputation by what `changes` (each pair's capped and uncapped points,
    added or taken away) does to their day totals, reading the totals before `mutate` writes
    the events. Locks the users first."""
    if not changes:
        return
    lock_users({user for user, _ in changes}, site=site)
    before = _day_sums(set(changes), site=site)
    mutate()
    deltas: dict[int, int] = defaultdict(int)
    for pair, (capped, uncapped) in changes.items():
        old_capped, old_uncapped = before[pair]
        deltas[pair[0]] += rules.day_total(old_capped + capped, old_uncapped + uncapped) - (
            rules.day_total(old_capped, old_uncapped)
        )
    for user_id, delta in deltas.items():
        _apply(user_id, delta, site=site)
    send_event_on_commit(site, REPUTATION, user_ids=sorted(deltas))


def _sums_of(events: Iterable[tuple[int, date, int, int]], sign: int) -> dict[Pair, Sums]:
    """Each pair's capped and uncapped points of (user, day, kind, points) events, times sign."""
    sums: dict[Pair, list[int]] = defaultdict(lambda: [0, 0])
    for user_id, day, kind, points in events:
        sums[(user_id, day)][0 if _capped(kind) else 1] += sign * points
    return {pair: (capped, uncapped) for pair, (capped, uncapped) in sums.items()}


def _apply(user_id: int, delta: int, *, site: Site) -> None:
    """Move a user's earned reputation by `delta` (their first event fixes their start);
    `rules.total`, in SQL (every right-hand side reads the row as it was)."""
    connection = connections[site.db_alias]
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE users SET reputation_start = COALESCE(reputation_start, reputation), "
            "reputation_earned = reputation_earned + %s, "
            f"reputation = {greatest}(%s, COALESCE(reputation_start, reputation) "
            "+ reputation_earned + %s) WHERE id = %s",
            [delta, rules.STARTING_REPUTATION, delta, user_id],
        )


@dataclass(frozen=True)
class Grant:
    """An event to record: `points` to `user_id`, for `post_id` or `vote_id` if any."""

    user_id: int
    kind: int
    points: int
    post_id: int | None = None
    vote_id: int | None = None


def record(grants: Iterable[Grant], *, at: datetime, site: Site) -> None:
    """Record events and move the users' reputation accordingly."""
    grants = list(grants)
    day = at.date()
    changes = _sums_of(((g.user_id, day, g.kind, g.points) for g in grants), +1)
    connection = connections[site.db_alias]
    rows = [
        [
            g.user_id,
            int(g.kind),
            g.points,
            g.post_id,
            g.vote_id,
            connection.ops.adapt_datefield_value(day),
            connection.ops.adapt_datetimefield_value(at),
            False,
        ]
        for g in grants
    ]

    def insert() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO reputation_events (user_id, kind, points, post_id, vote_id, day, "
                "creation_date, voided) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

    _change(changes, insert, site=site)


def _matching(condition: Q, *, site: Site) -> list[tuple[int, date, int, int]]:
    return list(
        ReputationEvent.objects.using(site.db_alias)
        .filter(condition)
        .values_list("user_id", "day", "kind", "points")
    )


def remove(condition: Q, *, site: Site) -> None:
    """Remove the events matching `condition` (an undone vote) and their effect."""
    found = _matching(condition & Q(voided=False), site=site)
    voided_too = ReputationEvent.objects.using(site.db_alias).filter(condition)
    if not found:
        voided_too.delete()
        return
    _change(_sums_of(found, -1), voided_too.delete, site=site)


def remove_for_vote(vote_id: int, *, site: Site) -> None:
    """`remove` of the events of one vote (taken back or changed), in SQL for the write path."""
    connection = connections[site.db_alias]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id, day, kind, points, voided FROM reputation_events WHERE vote_id = %s",
            [vote_id],
        )
        rows = cursor.fetchall()
    found = [
        (user_id, _as_date(day), kind, points) for user_id, day, kind, points, v in rows if not v
    ]

    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM reputation_events WHERE vote_id = %s", [vote_id])

    if not found:
        if rows:
            delete()
        return
    _change(_sums_of(found, -1), delete, site=site)


def set_voided(condition: Q, voided: bool, *, site: Site) -> None:
    """Void the events matching `condition` (their post was deleted), or count them again."""
    condition &= Q(voided=not voided)
    found = _matching(condition, site=site)
    _change(
        _sums_of(found, -1 if voided else +1),
        lambda: (
            ReputationEvent.objects.using(site.db_alias).filter(condition).update(voided=voided)
        ),
        site=site,
    )


# Checking every user against their events: `pnyx reputation --check` and `--fix`.


@dataclass(frozen=True)
class Difference:
    user_id: int
    display_name: str
    stored: int
    expected: int
    stored_earned: int
    expected_earned: int


def recompute(*, site: Site) -> list[Difference]:
    """Every user whose stored reputation differs from what their events give."""
    days = rules.day_sums(ReputationEvent.objects.using(site.db_alias).all(), "user_id", "day")
    earned: dict[int, int] = defaultdict(int)
    for row in days:
        earned[row["user_id"]] += rules.day_total(row["capped"] or 0, row["uncapped"] or 0)
    with_events = set(
        ReputationEvent.objects.using(site.db_alias)
        .order_by()
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = SiteUser.objects.using(site.db_alias).filter(
        Q(reputation_start__isnull=False) | Q(pk__in=with_events) | ~Q(reputation_earned=0)
    )
    differences = []
    for user in users.only(
        "id", "display_name", "reputation", "reputation_start", "reputation_earned"
    ):
        # A user with events but no start has lost it: their start is what the stored figures
        # imply, so that only the earned part is corrected.
        start = (
            user.reputation_start
            if user.reputation_start is not None
            else user.reputation - user.reputation_earned
        )
        expected_earned = earned.get(user.pk, 0)
        expected = rules.total(start, expected_earned)
        if expected != user.reputation or expected_earned != user.reputation_earned:
            differences.append(
                Difference(
                    user.pk,
                    user.display_name,
                    user.reputation,
                    expected,
                    user.reputation_earned,
                    expected_earned,
                )
            )
    return differences


def fix(differences: Iterable[Difference], *, site: Site) -> int:
    """Apply what `recompute` found; returns the number of users changed."""
    changed = 0
    for difference in differences:
        changed += (
            SiteUser.objects.using(site.db_alias)
            .filter(pk=difference.user_id)
            .update(
                reputation=difference.expected,
                reputation_earned=difference.expected_earned,
                reputation_start=Coalesce(
                    F("reputation_start"), Value(difference.stored - difference.stored_earned)
                ),
            )
        )
    return changed


def grant_association_bonus(user_id: int, *, at: datetime, site: Site) -> None:
    """The +100 a user gets on joining when they have 200 reputation elsewhere."""
    record(
        [Grant(user_id, ReputationKind.ASSOCIATION_BONUS, rules.ASSOCIATION_BONUS)],
        at=at,
        site=site,
    )
