"""Moving a site's page-cache versions on after each write (see `pnyx.sites.content_version`).

Registered as event handlers (`pnyx.events`): `all` for every write, `lists` too for writes a
question list shows; on SQLite in the write's transaction, on PostgreSQL after its commit.
"""

from __future__ import annotations

from django.db import connections

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


def _names(batch: list[events.Event]) -> tuple[str, ...]:
    if any(event.kind in LIST_EVENTS for event in batch):
        return ("all", "lists")
    return ("all",)


@events.on_batch(in_transaction=True)
def bump_versions_with_the_write(site: Site, batch: list[events.Event]) -> None:
    """On SQLite, once per write, in the write's own transaction: it holds the database's only
    write lock already, and a transaction of its own would take that lock a second time."""
    if connections[site.db_alias].vendor == "sqlite":
        content_version.bump(site.db_alias, *_names(batch))


@events.on_batch()
def bump_versions(site: Site, batch: list[events.Event]) -> None:
    """On PostgreSQL, once per committed write, however many events it sent, in a transaction
    of its own: inside the write's, every writer to the site would queue on these rows."""
    if connections[site.db_alias].vendor != "sqlite":
        content_version.bump(site.db_alias, *_names(batch))


@events.on(events.REPUTATION)
@events.on(events.USER_CHANGED)
def forget_site_users(site: Site, event: events.Event) -> None:
    """This process's copies of those users: their reputation or name just changed."""
    from pnyx.accounts.fastpath import site_users

    changed = set(event.data.get("user_ids") or [event.data.get("user_id")])
    site_users.forget(lambda key, user: key[0] == site.id and user.pk in changed)
