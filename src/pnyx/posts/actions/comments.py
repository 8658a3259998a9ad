"""Comments: adding one, deleting one's own, and up-voting others'."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from pnyx.errors import Conflict, NotAllowed, NotFound, RateLimited
from pnyx.events import COMMENT_CREATED, COMMENT_DELETED, COMMENT_VOTE, send_event_on_commit
from pnyx.network.models import Site
from pnyx.posts import privileges, rules
from pnyx.posts.actions.common import (
    CURRENT_LICENSE,
    access_post,
    bump,
    check_not_locked,
    current_site,
    lock_users,
    now,
    question_id_of,
    site_transaction,
)
from pnyx.posts.mention_selectors import thread_participants
from pnyx.posts.models import Comment, CommentVote, Post, PostType, SiteUser
from pnyx.posts.slugs import slugify_name
from pnyx.render.comments import render_comment
from pnyx.sites.paths import link_context, site_path

# Stack Exchange lets a person comment once every 15 seconds.
COMMENT_INTERVAL = timedelta(seconds=15)


def _may_comment_freely(actor: SiteUser, post: Post, *, site: Site) -> bool:
    """Anyone may comment on their own posts and on the answers to their own questions."""
    if post.owner_id == actor.pk:
        return True
    if post.post_type == PostType.ANSWER and post.parent_id is not None:
        return (
            Post.objects.using(site.db_alias).filter(pk=post.parent_id, owner_id=actor.pk).exists()
        )
    return False


def check_add_comment(
    *, actor: SiteUser, post_id: int, text: str, site: Site | None = None
) -> Comment:
    """Comment on a question or answer. Locks the post, then the commenter's row (so that a
    form sent twice posts once, and the 15-second interval holds)."""
    site = site or current_site()
    clean = rules.check_comment(text)
    with site_transaction(site):
        post = access_post(post_id, site=site, lock=True)
        check_not_locked(post, what="commented on")
        if not _may_comment_freely(actor, post, site=site):
            privileges.check_privilege(actor, privileges.COMMENT_EVERYWHERE, site)
        lock_users([actor.pk], site=site)
        latest = (
            Comment.objects.using(site.db_alias)
            .filter(user_id=actor.pk)
            .order_by("-creation_date")
            .values_list("post_id", "text", "creation_date")
            .first()
        )
        if latest is not None:
            if latest[0] == post.pk and latest[1] == clean:
                raise Conflict("You have already posted this comment.", code="duplicate_request")
            wait = latest[2] + COMMENT_INTERVAL - now()
            if wait > timedelta(0):
                seconds = max(1, int(wait.total_seconds() + 0.999))
                raise RateLimited(
                    f"You can comment only once every {int(COMMENT_INTERVAL.total_seconds())} "
                    f"seconds; try again in {seconds} second{'s' if seconds > 1 else ''}.",
                    retry_after=seconds,
                )
        return do_add_comment(post=post, author=actor, text=clean, site=site)


def do_add_comment(
    *,
    post: Post,
    author: SiteUser,
    text: str,
    site: Site | None = None,
    at: datetime | None = None,
    comment_id: int | None = None,
) -> Comment:
    """Write a comment; `@name` replies resolve now, against who was in the thread then."""
    site = site or current_site()
    when = now(at)
    with site_transaction(site):
        participants = thread_participants(post, site=site, until=when)
        html = render_comment(
            text,
            participants,
            lambda p: site_path(site, "user", p.user_id, slugify_name(p.display_name)),
            link_context(site),
        )
        comment = Comment(
            post=post,
            text=text,
            text_html=html,
            creation_date=when,
            user=author,
            score=0,
            content_license=CURRENT_LICENSE,
        )
        if comment_id is not None:
            comment.id = comment_id
        comment.save(using=site.db_alias, force_insert=True)
        bump(post.pk, site=site, comment_count=F("comment_count") + 1)
        send_event_on_commit(
            site,
            COMMENT_CREATED,
            comment_id=comment.pk,
            post_id=post.pk,
            question_id=question_id_of(post),
            user_id=author.pk,
        )
    return comment


def _access_comment(comment_id: int, *, site: Site) -> tuple[Comment, Post]:
    """A comment on a live post, its post locked (the comment's row follows the post's)."""
    comment = Comment.objects.using(site.db_alias).filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("This comment does not exist or has been deleted.")
    post = access_post(comment.post_id, site=site, lock=True)
    comment = Comment.objects.using(site.db_alias).select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise NotFound("This comment does not exist or has been deleted.")
    return comment, post


def check_delete_comment(*, actor: SiteUser, comment_id: int, site: Site | None = None) -> None:
    """Delete one's own comment. Locks the post, then the comment."""
    site = site or current_site()
    with site_transaction(site):
        comment, post = _access_comment(comment_id, site=site)
        if comment.user_id != actor.pk:
            raise NotAllowed("You can only delete your own comments.")
        do_delete_comment(comment=comment, post=post, actor=actor, site=site)


def do_delete_comment(*, comment: Comment, post: Post, actor: SiteUser, site: Site) -> None:
    with site_transaction(site):
        CommentVote.objects.using(site.db_alias).filter(comment_id=comment.pk).delete()
        Comment.objects.using(site.db_alias).filter(pk=comment.pk).delete()
        bump(post.pk, site=site, comment_count=F("comment_count") - 1)
        send_event_on_commit(
            site,
            COMMENT_DELETED,
            comment_id=comment.pk,
            post_id=post.pk,
            question_id=question_id_of(post),
            user_id=actor.pk,
        )


def check_vote_comment(
    *, actor: SiteUser, comment_id: int, up: bool, site: Site | None = None
) -> int:
    """Up-vote a comment (`up=True`) or take the vote back; returns the comment's new score.
    Locks the post, then the comment."""
    site = site or current_site()
    with site_transaction(site):
        comment, post = _access_comment(comment_id, site=site)
        if comment.user_id == actor.pk:
            raise NotAllowed("You can't vote for your own comment.", code="own_post")
        check_not_locked(post, what="voted on")
        if up:
            privileges.check_privilege(actor, privileges.VOTE_UP, site)
        return do_vote_comment(comment=comment, post=post, actor=actor, up=up, site=site)


def do_vote_comment(*, comment: Comment, post: Post, actor: SiteUser, up: bool, site: Site) -> int:
    alias = site.db_alias
    with site_transaction(site):
        existing = CommentVote.objects.using(alias).filter(comment_id=comment.pk, user_id=actor.pk)
        delta = 0
        if up and not existing.exists():
            CommentVote.objects.using(alias).create(
                comment_id=comment.pk, user_id=actor.pk, creation_date=now()
            )
            delta = 1
        elif not up and existing.exists():
            existing.delete()
            delta = -1
        if delta:
            Comment.objects.using(alias).filter(pk=comment.pk).update(score=F("score") + delta)
            bump(post.pk, site=site)
        score = comment.score + delta
        send_event_on_commit(
            site,
            COMMENT_VOTE,
            comment_id=comment.pk,
            post_id=post.pk,
            question_id=question_id_of(post),
            user_id=actor.pk,
            score=score,
        )
    return score
