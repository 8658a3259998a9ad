"""Keeping the index in step with the write path: after each committed write that changes what
a post says (asked, answered, edited, deleted, undeleted), its posts are indexed again. Votes,
acceptances and views change only `posts` columns, which the filters read directly."""

from __future__ import annotations

from pnyx import events
from pnyx.network.models import Site

INDEXED = frozenset(
    {events.POST_CREATED, events.POST_EDITED, events.POST_DELETED, events.POST_UNDELETED}
)


@events.on_batch()
def index_after_write(site: Site, batch: list[events.Event]) -> None:
    post_ids: set[int] = set()
    for event in batch:
        if event.kind not in INDEXED:
            continue
        post_ids.update(event.data.get("post_ids") or [event.data["post_id"]])
    if post_ids:
        from pnyx.search.index import update_posts

        update_posts(site, sorted(post_ids))
