"""Reads for the badge pages: every badge with how often it was awarded, and a badge's recipients.

A dump names a badge by its name only; tag badges reuse the tag's name in bronze, silver and gold.
A badge page therefore covers one name, with a count per class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count

from pnyx.posts.models import Badge, BadgeClass

BADGE_NAME_MAX = 50
RECIPIENTS_PER_PAGE = 60
CLASS_NAMES = {BadgeClass.GOLD: "gold", BadgeClass.SILVER: "silver", BadgeClass.BRONZE: "bronze"}


@dataclass(frozen=True)
class BadgeType:
    """One badge in one class, with the number of times and of users it was awarded to."""

    name: str
    badge_class: int
    tag_based: bool
    awarded: int
    users: int

    @property
    def class_name(self) -> str:
        return CLASS_NAMES.get(BadgeClass(self.badge_class), "bronze")


def all_badges(badge_class: int | None = None) -> list[BadgeType]:
    """Every badge awarded on the site, gold first, then by name (1 query)."""
    badges = Badge.objects.all()
    if badge_class is not None:
        badges = badges.filter(badge_class=badge_class)
    rows = (
        badges.values("name", "badge_class", "tag_based")
        .annotate(awarded=Count("id"), users=Count("user_id", distinct=True))
        .order_by("badge_class", "name")
    )
    return _badge_types(rows)


def badge_types(name: str) -> list[BadgeType]:
    """The classes in which the badge `name` was awarded, with counts (1 query); [] if never."""
    rows = (
        Badge.objects.filter(name=name)
        .values("name", "badge_class", "tag_based")
        .annotate(awarded=Count("id"), users=Count("user_id", distinct=True))
        .order_by("badge_class")
    )
    return _badge_types(rows)


def recipients_page(name: str, page: int = 1) -> Page:  # type: ignore[type-arg]
    """The latest awards of the badge `name` with their users (2 queries: count and rows)."""
    awards = (
        Badge.objects.filter(name=name)
        .select_related("user")
        .defer("user__about_me")
        .order_by("-date", "-id")
    )
    return Paginator(awards, RECIPIENTS_PER_PAGE).get_page(page)


def _badge_types(rows: Iterable[Mapping[str, Any]]) -> list[BadgeType]:
    return [
        BadgeType(
            name=row["name"],
            badge_class=row["badge_class"],
            tag_based=row["tag_based"],
            awarded=row["awarded"],
            users=row["users"],
        )
        for row in rows
    ]
