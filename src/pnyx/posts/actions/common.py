"""What every write action shares: the site's transaction, access to a post, locks, tags.

Locking contract, for every action in this package. On PostgreSQL an action locks rows in one
order, so that two actions never wait for each other in a cycle: first the question, then the
answer, then the users whose reputation changes, by ascending id. Counters (score, answer and
comment counts, tag counts) change with `F()` expressions under those locks. On SQLite every site
transaction begins IMMEDIATE (see `pnyx.dbconfig`): it holds the database's single write lock from
its first statement, so the same code is serialised there without row locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from pnyx import events
from pnyx.errors import NotAllowed, NotFound
from pnyx.network.models import Site
from pnyx.posts.history import NOTICE_TYPES, PostState, post_states
from pnyx.posts.licenses import VERSION_STARTS
from pnyx.posts.models import Post, PostHistory, PostTag, PostType, Tag
from pnyx.sites.context import active_site

# What content written now is licensed under: the newest version `pnyx.posts.licenses` knows.
CURRENT_LICENSE = f"CC BY-SA {VERSION_STARTS[0][1]}"
WRITABLE_TYPES = (PostType.QUESTION, PostType.ANSWER)


def current_site() -> Site:
    return active_site()


def now(at: datetime | None = None) -> datetime:
    return at or timezone.now()


@contextmanager
def site_transaction(site: Site) -> Iterator[None]:
    """The site's transaction: a new one, or the one the caller already opened. A new one
    gathers the events its actions send and hands them to one callback after its commit."""
    if transaction.get_connection(site.db_alias).in_atomic_block:
        yield
        return
    with events.batched(site) as batch, transaction.atomic(using=site.db_alias):
        yield
        events.commit_batch(site, batch)


# The write path's hottest statements are written as SQL: Django builds a small query in about
# ten times the time SQLite takes to run it (a vote spent 79% of its CPU building 13 queries).
# `Post.objects.raw` still turns rows into model instances with the backend's converters.
_POST_COLUMNS = ", ".join(f'"{field.column}"' for field in Post._meta.concrete_fields)
_PARENT_COLUMNS = ", ".join(
    f'"{field.column}"'
    for field in Post._meta.concrete_fields
    if field.name not in ("body_html", "body_markdown")
)


def for_update(alias: str) -> str:
    """`FOR UPDATE` on PostgreSQL; nothing on SQLite, whose write transaction holds the whole
    database already."""
    return " FOR UPDATE" if connections[alias].vendor == "postgresql" else ""


def marks(values: Iterable[object]) -> str:
    return ", ".join("%s" for _ in values)


def access_post(
    post_id: int,
    *,
    site: Site,
    lock: bool = False,
    types: Iterable[int] = WRITABLE_TYPES,
    include_deleted: bool = False,
) -> Post:
    """The question or answer `post_id` of `site`, locked for update with `lock`, with its
    question as `parent` for an answer (its body left to load on use).

    A post that does not exist, is deleted (unless `include_deleted`), or is an answer to a
    deleted question is not found: an id from another site names nothing here. `lock` must be
    used inside the site's transaction.
    """
    alias = site.db_alias
    types = [int(t) for t in types]
    sql = f"SELECT {_POST_COLUMNS} FROM posts WHERE id = %s AND post_type IN ({marks(types)})"
    if lock:
        sql += for_update(alias)
    post = next(iter(Post.objects.raw(sql, [post_id, *types], using=alias)), None)
    if post is not None:
        parent = None
        if post.parent_id is not None:
            parent_sql = f"SELECT {_PARENT_COLUMNS} FROM posts WHERE id = %s"
            parent = next(iter(Post.objects.raw(parent_sql, [post.parent_id], using=alias)), None)
        Post.parent.field.set_cached_value(post, parent)
    if post is None or (post.deletion_date is not None and not include_deleted):
        raise NotFound("This post does not exist or has been deleted.")
    answer = post.post_type == PostType.ANSWER
    if answer and not include_deleted and (post.parent is None or post.parent.deletion_date):
        raise NotFound("This answer's question has been deleted.")
    return post


def lock_question_of(answer: Post, *, site: Site) -> Post:
    """The live question of `answer`, locked (call before locking the answer itself)."""
    question = (
        Post.objects.using(site.db_alias)
        .select_for_update()
        .filter(pk=answer.parent_id or 0, post_type=PostType.QUESTION, deletion_date__isnull=True)
        .first()
    )
    if question is None:
        raise NotFound("This answer's question has been deleted.")
    return question


def lock_users(user_ids: Iterable[int | None], *, site: Site) -> None:
    """Lock the users named, in ascending id order (on PostgreSQL; SQLite's transaction holds
    the whole database already)."""
    ids = sorted({uid for uid in user_ids if uid is not None})
    if not ids or connections[site.db_alias].vendor != "postgresql":
        return
    with connections[site.db_alias].cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM users WHERE id IN ({marks(ids)}) ORDER BY id FOR UPDATE", ids
        )


def post_state(post: Post, *, site: Site) -> PostState:
    """The notices in force on `post` (closed, locked, protected...), from its history."""
    rows = list(
        PostHistory.objects.using(site.db_alias)
        .filter(post_id=post.pk, history_type__in=NOTICE_TYPES)
        .select_related("user")
    )
    return post_states(rows).get(post.pk) or PostState()


def check_not_locked(post: Post, *, what: str = "changed") -> None:
    """Refuse to change a locked post. `Post.locked_date` is the latest lock not followed by an
    unlock (the importer works it out from the history; locking will set it)."""
    if post.locked_date is not None:
        raise NotAllowed(f"This post is locked and cannot be {what}.", code="post_locked")


def bump(post_id: int, *, site: Site, **changes: object) -> None:
    """Update a post's columns and its version in one statement (see `Post.version`)."""
    Post.objects.using(site.db_alias).filter(pk=post_id).update(version=F("version") + 1, **changes)


def bump_score(post_id: int, delta: int, *, site: Site) -> None:
    """`bump` for a vote: the post's score moves by `delta`, its version by one."""
    with connections[site.db_alias].cursor() as cursor:
        cursor.execute(
            "UPDATE posts SET version = version + 1, score = score + %s WHERE id = %s",
            [delta, post_id],
        )


def question_id_of(post: Post) -> int:
    return post.pk if post.post_type == PostType.QUESTION else int(post.parent_id or 0)


# Tags.


def tag_rows(names: list[str], *, site: Site) -> list[Tag]:
    """The tags named, creating the missing ones; safe when two writers add the same new tag
    at once (the insert ignores a name that appeared meanwhile; the unique name decides)."""
    alias = site.db_alias
    existing = {tag.name: tag for tag in Tag.objects.using(alias).filter(name__in=names)}
    missing = [name for name in names if name not in existing]
    if missing:
        Tag.objects.using(alias).bulk_create(
            [Tag(name=name, count=0) for name in missing], ignore_conflicts=True
        )
        existing.update(
            {tag.name: tag for tag in Tag.objects.using(alias).filter(name__in=missing)}
        )
    return [existing[name] for name in names]


def missing_tags(names: list[str], *, site: Site) -> list[str]:
    """Those of `names` that are not tags of the site yet."""
    known = set(
        Tag.objects.using(site.db_alias).filter(name__in=names).values_list("name", flat=True)
    )
    return [name for name in names if name not in known]


def add_post_tags(post: Post, names: list[str], *, site: Site) -> None:
    if not names:
        return
    rows = tag_rows(names, site=site)
    PostTag.objects.using(site.db_alias).bulk_create(
        [PostTag(post=post, tag=tag) for tag in rows], ignore_conflicts=True
    )
    Tag.objects.using(site.db_alias).filter(id__in=[t.id for t in rows]).update(
        count=F("count") + 1
    )


def remove_post_tags(post: Post, names: list[str], *, site: Site) -> None:
    if not names:
        return
    alias = site.db_alias
    tag_ids = list(Tag.objects.using(alias).filter(name__in=names).values_list("id", flat=True))
    PostTag.objects.using(alias).filter(post_id=post.pk, tag_id__in=tag_ids).delete()
    Tag.objects.using(alias).filter(id__in=tag_ids, count__gt=0).update(count=F("count") - 1)


def tags_to_dump_form(tags: list[str]) -> str:
    return "".join(f"<{tag}>" for tag in tags)
