"""Reads for the account pages and the top bar, each in a fixed number of queries."""

from __future__ import annotations

from pnyx.network.models import Site
from pnyx.posts.models import SiteUser
from pnyx.posts.selectors import badge_counts_of, with_badge_counts


def top_bar_site_user(account_id: int, site: Site) -> SiteUser | None:
    """The account's user on `site` with `badge_counts` for the top bar, or None (1 query)."""
    site_user = (
        with_badge_counts(
            SiteUser.objects.using(site.db_alias)
            .filter(account_id=account_id)
            .defer("about_me", "about_me_markdown")
        )
        .order_by("id")
        .first()
    )
    if site_user is not None:
        site_user.badge_counts = badge_counts_of(site_user)  # type: ignore[attr-defined]
    return site_user
