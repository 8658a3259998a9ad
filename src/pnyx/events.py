"""Events that the write actions send once their transaction commits.

A `do_*` function never calls caches, the search index or the worker itself: it describes what
changed as an `Event` and hands it to `send_event_on_commit`, which runs the registered handlers
after the site's transaction commits (and not at all if it rolls back). The site's alias matters:
Django's default alias is the network database, where no transaction is open, so an `on_commit`
there would run at once, before the site's write is visible.

Handlers register with `on(kind)` (or `on_any()`), or with `on_batch()` to see all the events
of one transaction at once (the page caches move their versions once per write, however many
events it sent): the page caches, the search index and later the API's push channels. Tests use
`capture_events()` to see what an action sent.

A batch handler registered with `on_batch(in_transaction=True)` runs instead just before the
action's transaction commits, as part of it: for a write that costs less there than in a
transaction of its own (on SQLite, where the write already holds the database's only write
lock). It must only write; if it fails, the action fails with it.

An action's transaction (`pnyx.posts.actions.common.site_transaction`) gathers its events in a
batch and hands them to one `on_commit` callback; an event sent outside such a transaction gets
a callback of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from pnyx.network.models import Site

Handler = Callable[[Site, "Event"], None]
BatchHandler = Callable[[Site, "list[Event]"], None]

# Kinds of events; their `data` keys are listed beside each.
POST_CREATED = "post_created"  # post_id, question_id, post_type, user_id
POST_EDITED = "post_edited"  # post_id, question_id, user_id, title/body/tags changed
POST_DELETED = "post_deleted"  # post_ids, question_id, user_id
POST_UNDELETED = "post_undeleted"  # post_ids, question_id, user_id
VOTE = "vote"  # post_id, question_id, user_id, vote ("up", "down" or None), score
ACCEPT = "accept"  # question_id, answer_id (or None), previous_answer_id
BOOKMARK = "bookmark"  # post_id, user_id, bookmarked
COMMENT_CREATED = "comment_created"  # comment_id, post_id, question_id, user_id
COMMENT_DELETED = "comment_deleted"  # comment_id, post_id, question_id, user_id
COMMENT_VOTE = "comment_vote"  # comment_id, post_id, question_id, user_id, score
REPUTATION = "reputation"  # user_ids
USER_CHANGED = "user_changed"  # user_id

_handlers: dict[str, list[Handler]] = {}
_any: list[Handler] = []
_batch_handlers: list[BatchHandler] = []
_in_transaction_handlers: list[BatchHandler] = []
_captured: list[list[Event]] = []
_local = threading.local()


@dataclass(frozen=True)
class Event:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]


def on(kind: str) -> Callable[[Handler], Handler]:
    """Register a handler for events of `kind`."""

    def register(handler: Handler) -> Handler:
        _handlers.setdefault(kind, []).append(handler)
        return handler

    return register


def on_any() -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _any.append(handler)
        return handler

    return register


def on_batch(*, in_transaction: bool = False) -> Callable[[BatchHandler], BatchHandler]:
    """Register a handler of all the events one transaction sent, once per transaction: after
    the commit, or with `in_transaction` inside the transaction just before it commits."""

    def register(handler: BatchHandler) -> BatchHandler:
        (_in_transaction_handlers if in_transaction else _batch_handlers).append(handler)
        return handler

    return register


def dispatch(site: Site, event: Event) -> None:
    """Run the handlers of one event now (as if its transaction had just committed)."""
    dispatch_all(site, [event])


def dispatch_all(site: Site, batch: list[Event], *, committed_with: bool = False) -> None:
    """Run the handlers of a committed transaction's events, in the order they were sent;
    the in-transaction handlers too unless the transaction ran them (`committed_with`)."""
    if not committed_with:
        for batch_handler in _in_transaction_handlers:
            batch_handler(site, batch)
    for event in batch:
        for captured in _captured:
            captured.append(event)
        for handler in (*_handlers.get(event.kind, ()), *_any):
            handler(site, event)
    for batch_handler in _batch_handlers:
        batch_handler(site, batch)


def send_event_on_commit(site: Site, kind: str, **data: Any) -> None:
    """Queue an event to run its handlers after `site`'s current transaction commits."""
    event = Event(kind, data)
    batch = getattr(_local, "batches", {}).get(site.db_alias)
    if batch is not None:
        batch.append(event)
        return
    transaction.on_commit(lambda: dispatch_all(site, [event]), using=site.db_alias)


@contextmanager
def batched(site: Site) -> Iterator[list[Event]]:
    """Gather the events sent in the block; the caller hands them over with `commit_batch`
    before its transaction ends (an exception drops them with the transaction)."""
    batches = _local.__dict__.setdefault("batches", {})
    if site.db_alias in batches:
        yield batches[site.db_alias]
        return
    batch: list[Event] = []
    batches[site.db_alias] = batch
    try:
        yield batch
    finally:
        del batches[site.db_alias]


def commit_batch(site: Site, batch: list[Event]) -> None:
    """Run `batch`'s in-transaction handlers now (the caller's transaction is about to
    commit), and the others once it has."""
    if batch:
        events = list(batch)
        for batch_handler in _in_transaction_handlers:
            batch_handler(site, events)
        transaction.on_commit(
            lambda: dispatch_all(site, events, committed_with=True), using=site.db_alias
        )


@contextmanager
def capture_events() -> Iterator[list[Event]]:
    """Collect the events dispatched inside the block (after their commits), in order."""
    captured: list[Event] = []
    _captured.append(captured)
    try:
        yield captured
    finally:
        _captured.remove(captured)
