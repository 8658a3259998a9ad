"""Reads for the account pages and the top bar, each in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from pnyx.network.models import Site
from pnyx.posts.models import Badge, BadgeClass, SiteUser
from pnyx.posts.selectors import BadgeCounts


def _badges_of_class(badge_class: int) -> Coalesce:
    counted = (
        Badge.objects.filter(user_id=OuterRef("id"), badge_class=badge_class)
        .order_by()
        .values("user_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def top_bar_site_user(account_id: int, site: Site) -> SiteUser | None:
    """The account's user on `site` with `badge_counts` for the top bar, or None (1 query)."""
    site_user = (
        SiteUser.objects.using(site.db_alias)
        .filter(account_id=account_id)
        .defer("about_me", "about_me_markdown")
        .annotate(
            gold=_badges_of_class(BadgeClass.GOLD),
            silver=_badges_of_class(BadgeClass.SILVER),
            bronze=_badges_of_class(BadgeClass.BRONZE),
        )
        .order_by("id")
        .first()
    )
    if site_user is not None:
        site_user.badge_counts = BadgeCounts(  # type: ignore[attr-defined]
            gold=site_user.gold,  # type: ignore[attr-defined]
            silver=site_user.silver,  # type: ignore[attr-defined]
            bronze=site_user.bronze,  # type: ignore[attr-defined]
        )
    return site_user
