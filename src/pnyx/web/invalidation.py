"""Moving a site's page-cache versions on after each write (see `pnyx.sites.content_version`).

Registered as event handlers (`pnyx.events`), so they run after the write's transaction has
committed: `all` for every write, `lists` too for writes a question list shows.
"""

from __future__ import annotations

from pnyx import events
from pnyx.network.models import Site
from pnyx.sites import content_version

# Writes that change what a question list shows: rows, scores, answer counts, activity, the
# accepted mark, titles and tags.
LIST_EVENTS = frozenset(
    {
        events.POST_CREATED,
        events.POST_EDITED,
        events.POST_DELETED,
        events.POST_UNDELETED,
        events.VOTE,
        events.ACCEPT,
    }
)


@events.on_batch()
def bump_versions(site: Site, batch: list[events.Event]) -> None:
    """Once per committed write, however many events it sent."""
    if any(event.kind in LIST_EVENTS for event in batch):
        content_version.bump(site.db_alias, "all", "lists")
    else:
        content_version.bump(site.db_alias, "all")


@events.on(events.REPUTATION)
@events.on(events.USER_CHANGED)
def forget_site_users(site: Site, event: events.Event) -> None:
    """This process's copies of those users: their reputation or name just changed."""
    from pnyx.accounts.fastpath import site_users

    changed = set(event.data.get("user_ids") or [event.data.get("user_id")])
    site_users.forget(lambda key, user: key[0] == site.id and user.pk in changed)
