"""Creating a site's users."""

from __future__ import annotations

from datetime import datetime

from pnyx.network.models import Site
from pnyx.posts import rules
from pnyx.posts.actions.common import now
from pnyx.posts.models import SiteUser


def do_create_user(
    *,
    site: Site,
    display_name: str,
    at: datetime | None = None,
    user_id: int | None = None,
    account_id: int | None = None,
    reputation: int = 1,
    about_me: str | None = None,
    location: str | None = None,
) -> SiteUser:
    """Create a user of `site` (the display name is checked by the one rule)."""
    when = now(at)
    user = SiteUser(
        display_name=rules.check_display_name(display_name),
        creation_date=when,
        last_access_date=when,
        reputation=reputation,
        about_me=about_me,
        location=location,
        account_id=account_id,
    )
    if user_id is not None:
        user.id = user_id
    user.save(using=site.db_alias, force_insert=True)
    return user
