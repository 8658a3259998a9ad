"""Reads for a user's reputation: the reputation tab's itemised history and the profile's graph.

A user's reputation is `max(1, start + earned)` (`pnyx.posts.actions.reputation`): `start` is
what they had before Pnyx itemised anything (the data dump's figure for an imported user), and
`earned` the sum of their events, day by day with the daily cap on up votes. The tab lists the
events that count. An undone vote removes its event, and the events of a deleted post are voided
(worth nothing while it is deleted), so neither is listed and neither counts in a day's total;
a vote cast again, or the post undeleted, brings them back. Each function runs a fixed number of
queries whatever the length of the user's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import InvalidPage, Page, Paginator

from pnyx.errors import NotFound
from pnyx.posts import reputation as rules
from pnyx.posts.models import DumpImport, Post, ReputationEvent, ReputationKind, SiteUser

EVENTS_PER_PAGE = 50


@dataclass(frozen=True)
class Coverage:
    """What a user's itemised history covers: it starts on `since` at `start` (what the user
    had then, not itemised; the data dump's figure when `imported`)."""

    since: date
    start: int
    imported: bool
    # What `start` and the itemised changes add up to when that is below the floor of 1 (the
    # reputation shown is then 1, and the page says why the changes do not add up to it).
    below_floor: int | None = None

    @property
    def partial(self) -> bool:
        """Whether some of the reputation is not itemised (the page says so)."""
        return self.imported or self.start != rules.STARTING_REPUTATION


def coverage(user: SiteUser) -> Coverage:
    """Where the user's itemised history starts (1 query: the site's latest import).

    A user created before the site's data dump was imported is an imported user: their history
    starts on the day of the import, from the dump's figure. Anyone else's starts when they were
    created, from what they were created with (1 for a person who joins)."""
    imported_at = (
        DumpImport.objects.order_by("-imported_at").values_list("imported_at", flat=True).first()
    )
    start = user.reputation_start if user.reputation_start is not None else user.reputation
    added_up = start + user.reputation_earned
    below_floor = added_up if rules.total(start, user.reputation_earned) != added_up else None
    if imported_at is not None and user.creation_date <= imported_at:
        return Coverage(imported_at.date(), start, imported=True, below_floor=below_floor)
    return Coverage(user.creation_date.date(), start, imported=False, below_floor=below_floor)


@dataclass(frozen=True)
class Change:
    """One event as the tab shows it; `post` has its question as `parent` for an answer."""

    kind: int
    points: int
    when: datetime
    post: Post | None

    @property
    def label(self) -> str:
        return str(ReputationKind(self.kind).label)


@dataclass
class Day:
    """One day of the history: its total (with the daily cap), the up votes' points the cap
    left out, how many changes it has in all, and those on this page, newest first."""

    day: date
    total: int
    over_cap: int
    count: int
    changes: list[Change] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        """Whether some of the day's changes are on another page."""
        return len(self.changes) < self.count


@dataclass
class ReputationPage:
    page: Page  # type: ignore[type-arg]
    days: list[Day]
    coverage: Coverage


def reputation_page(
    user: SiteUser, page: int = 1, per_page: int = EVENTS_PER_PAGE
) -> ReputationPage:
    """One page of the user's reputation changes, newest first, grouped by day with each day's
    total (4 queries: the count, the page's events with their posts, the totals of the page's
    days, the coverage). A page past the last raises `NotFound`."""
    events = (
        ReputationEvent.objects.filter(user_id=user.id, voided=False)
        .select_related("post", "post__parent")
        .only(
            "kind",
            "points",
            "day",
            "creation_date",
            "post__post_type",
            "post__title",
            "post__parent__title",
        )
        .order_by("-day", "-creation_date", "-id")
    )
    try:
        current = Paginator(events, per_page).page(page)
    except InvalidPage:
        raise NotFound("There is no such page of reputation changes.") from None
    rows: list[ReputationEvent] = list(current.object_list)
    sums: dict[date, dict[str, Any]] = {
        row["day"]: row
        for row in rules.day_sums(
            ReputationEvent.objects.filter(user_id=user.id, day__in={e.day for e in rows}), "day"
        )
    }
    days: dict[date, Day] = {}
    for event in rows:
        day = days.get(event.day)
        if day is None:
            row = sums.get(event.day, {})
            capped, uncapped = row.get("capped") or 0, row.get("uncapped") or 0
            day = days[event.day] = Day(
                day=event.day,
                total=rules.day_total(capped, uncapped),
                over_cap=max(0, capped - rules.DAILY_CAP),
                count=row.get("n") or 0,
            )
        day.changes.append(Change(event.kind, event.points, event.creation_date, event.post))
    return ReputationPage(page=current, days=list(days.values()), coverage=coverage(user))


def reputation_graph(user: SiteUser, covered: Coverage) -> list[tuple[date, int]]:
    """The user's reputation at the end of each day with changes, oldest first, after a first
    point at the start of the itemised history (1 query). The last point is the reputation the
    profile shows whenever the stored total agrees with the events (`pnyx reputation --check`)."""
    rows = rules.day_sums(ReputationEvent.objects.filter(user_id=user.id), "day").order_by("day")
    points = [(covered.since, rules.total(covered.start, 0))]
    earned = 0
    for row in rows:
        earned += rules.day_total(row["capped"] or 0, row["uncapped"] or 0)
        points.append((row["day"], rules.total(covered.start, earned)))
    if len(points) > 1 and points[1][0] <= points[0][0]:
        # Changes on the history's first day: start the day before, so that the graph shows
        # the step rather than beginning at the day's end.
        points[0] = (points[1][0] - timedelta(days=1), points[0][1])
    return points
