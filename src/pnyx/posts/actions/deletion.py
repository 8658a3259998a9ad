"""Deleting and undeleting questions and answers.

A deleted post keeps its row with a deletion date, as in a dump, so that it can come back; it
leaves the pages, the lists, the tag counts and its question's answer count, and the reputation
its votes earned is voided (and counted again on undeletion). Deleting a question voids its
answers' reputation too. The actor's own posts follow Stack Exchange's limits; others' posts
need the trusted user privilege (moderators will act through the same functions).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.db.models import F, Q

from pnyx.errors import NotAllowed
from pnyx.events import POST_DELETED, POST_UNDELETED, send_event_on_commit
from pnyx.network.models import Site
from pnyx.posts import privileges
from pnyx.posts.actions import reputation
from pnyx.posts.actions.common import (
    CURRENT_LICENSE,
    access_post,
    add_post_tags,
    bump,
    current_site,
    lock_question_of,
    now,
    remove_post_tags,
    site_transaction,
)
from pnyx.posts.models import HistoryType, Post, PostHistory, PostType, SiteUser, Vote, VoteType


def _lock(post_id: int, *, site: Site, deleted: bool) -> Post:
    """Lock an answer's question first, then the post (the order of every action)."""
    post = access_post(post_id, site=site, include_deleted=True)
    if (post.deletion_date is not None) != deleted:
        raise NotAllowed(
            "This post has already been deleted."
            if post.deletion_date
            else "This post is not deleted.",
            code="no_change",
        )
    if post.post_type == PostType.ANSWER:
        lock_question_of(post, site=site)
    return access_post(post_id, site=site, lock=True, include_deleted=True)


def check_delete_post(*, actor: SiteUser, post_id: int, site: Site | None = None) -> Post:
    """Delete a question or an answer. Locks the question, then the answer."""
    site = site or current_site()
    with site_transaction(site):
        post = _lock(post_id, site=site, deleted=False)
        if post.owner_id is not None and post.owner_id == actor.pk:
            _check_own_deletion(post, site=site)
        else:
            privileges.check_privilege(actor, privileges.TRUSTED_USER, site)
        return do_delete_post(post=post, actor=actor, site=site)


def _check_own_deletion(post: Post, *, site: Site) -> None:
    if post.post_type == PostType.ANSWER:
        accepted = (
            Post.objects.using(site.db_alias)
            .filter(pk=post.parent_id or 0, accepted_answer_id=post.pk)
            .exists()
        )
        if accepted:
            raise NotAllowed("You cannot delete an accepted answer.", code="accepted_answer")
        return
    answers = Post.objects.using(site.db_alias).filter(
        parent_id=post.pk, post_type=PostType.ANSWER, deletion_date__isnull=True
    )
    if answers.filter(score__gt=0).exists() or answers.count() > 1 or post.accepted_answer_id:
        raise NotAllowed(
            "You cannot delete this question: others have invested time and effort in answering "
            "it.",
            code="answered_question",
        )


def _voters_json(actor: SiteUser) -> str:
    return json.dumps({"Voters": [{"Id": actor.pk, "DisplayName": actor.display_name}]})


def _record(
    post: Post, actor: SiteUser, kind: int, vote_type: int, when: datetime, *, site: Site
) -> None:
    PostHistory.objects.using(site.db_alias).create(
        history_type=kind,
        post=post,
        revision_guid=str(uuid.uuid4()),
        creation_date=when,
        user=actor,
        text=_voters_json(actor),
        content_license=CURRENT_LICENSE,
    )
    Vote.objects.using(site.db_alias).create(
        post_id=post.pk, user_id=actor.pk, vote_type=vote_type, creation_date=when
    )


def _reputation_scope(post: Post, *, site: Site) -> Q:
    """The events a deletion voids (and an undeletion counts again): the post's own, and for a
    question those of its answers that are not deleted themselves."""
    if post.post_type != PostType.QUESTION:
        return Q(post_id=post.pk)
    answer_ids = Post.objects.using(site.db_alias).filter(
        parent_id=post.pk, post_type=PostType.ANSWER, deletion_date__isnull=True
    )
    return Q(post_id=post.pk) | Q(post_id__in=answer_ids.values("pk"))


def do_delete_post(*, post: Post, actor: SiteUser, site: Site, at: datetime | None = None) -> Post:
    when = now(at)
    with site_transaction(site):
        _record(post, actor, HistoryType.DELETED, VoteType.DELETION, when, site=site)
        bump(post.pk, site=site, deletion_date=when)
        if post.post_type == PostType.QUESTION:
            remove_post_tags(post, post.tag_list, site=site)
        elif post.parent_id is not None:
            bump(post.parent_id, site=site, answer_count=F("answer_count") - 1)
        reputation.set_voided(_reputation_scope(post, site=site), True, site=site)
        send_event_on_commit(
            site,
            POST_DELETED,
            post_ids=[post.pk],
            question_id=post.pk if post.post_type == PostType.QUESTION else post.parent_id,
            user_id=actor.pk,
        )
    return Post.objects.using(site.db_alias).get(pk=post.pk)


def check_undelete_post(*, actor: SiteUser, post_id: int, site: Site | None = None) -> Post:
    """Undelete a post: one's own if one deleted it oneself, others' with the trusted user
    privilege. Locks the question, then the answer."""
    site = site or current_site()
    with site_transaction(site):
        post = _lock(post_id, site=site, deleted=True)
        deleted_by = (
            PostHistory.objects.using(site.db_alias)
            .filter(post_id=post.pk, history_type=HistoryType.DELETED)
            .order_by("-creation_date", "-id")
            .values_list("user_id", flat=True)
            .first()
        )
        own = post.owner_id is not None and post.owner_id == actor.pk
        if not (own and deleted_by == actor.pk):
            privileges.check_privilege(actor, privileges.TRUSTED_USER, site)
        return do_undelete_post(post=post, actor=actor, site=site)


def do_undelete_post(
    *, post: Post, actor: SiteUser, site: Site, at: datetime | None = None
) -> Post:
    when = now(at)
    with site_transaction(site):
        _record(post, actor, HistoryType.UNDELETED, VoteType.UNDELETION, when, site=site)
        bump(post.pk, site=site, deletion_date=None)
        if post.post_type == PostType.QUESTION:
            add_post_tags(post, post.tag_list, site=site)
        elif post.parent_id is not None:
            bump(post.parent_id, site=site, answer_count=F("answer_count") + 1)
        reputation.set_voided(_reputation_scope(post, site=site), False, site=site)
        send_event_on_commit(
            site,
            POST_UNDELETED,
            post_ids=[post.pk],
            question_id=post.pk if post.post_type == PostType.QUESTION else post.parent_id,
            user_id=actor.pk,
        )
    return Post.objects.using(site.db_alias).get(pk=post.pk)
