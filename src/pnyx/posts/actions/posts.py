"""Asking, answering, editing and rolling back: the actions that write a post's content.

Each `check_*` function authorises the actor, validates the input by the rules of
`pnyx.posts.rules`, opens the site's transaction, takes the locks named in its docstring (in the
order of `pnyx.posts.actions.common`) and calls the matching `do_*`, which writes the post, its
history rows in the dump's shape (one revision GUID per action) and the counters, and queues the
action's event for after the commit. `do_*` functions trust their input: the demo, tests and
imports call them for content that is already known to be valid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Sum

from pnyx.errors import Conflict, NotAllowed, PrivilegeRequired, ValidationError
from pnyx.events import POST_CREATED, POST_EDITED, send_event_on_commit
from pnyx.network.models import Site
from pnyx.posts import privileges, rules
from pnyx.posts.actions.common import (
    CURRENT_LICENSE,
    access_post,
    add_post_tags,
    bump,
    check_not_locked,
    current_site,
    lock_question_of,
    lock_users,
    missing_tags,
    now,
    post_state,
    remove_post_tags,
    site_transaction,
    tags_to_dump_form,
)
from pnyx.posts.history import CONTENT_TYPES, build_revisions
from pnyx.posts.models import (
    HistoryType,
    Post,
    PostHistory,
    PostType,
    ReputationEvent,
    ReputationKind,
    SiteUser,
)
from pnyx.render.markdown import render_post
from pnyx.sites.paths import link_context

# A second identical question or answer from the same person within this time is taken for a
# form sent twice, and refused rather than posted again.
DUPLICATE_WINDOW = timedelta(minutes=10)
# Answering a protected question needs this much reputation earned on the site itself.
PROTECTED_ANSWER_REPUTATION = 10


def _history(
    post: Post,
    author: SiteUser,
    when: datetime,
    rows: list[tuple[int, str]],
    *,
    site: Site,
    comment: str | None = None,
) -> str:
    guid = str(uuid.uuid4())
    PostHistory.objects.using(site.db_alias).bulk_create(
        PostHistory(
            history_type=history_type,
            post=post,
            revision_guid=guid,
            creation_date=when,
            user=author,
            comment=comment or None,
            text=text,
            content_license=CURRENT_LICENSE,
        )
        for history_type, text in rows
    )
    return guid


def _check_new_tags(actor: SiteUser, tags: list[str], *, site: Site) -> None:
    new = missing_tags(tags, site=site)
    if new and not privileges.has_privilege(actor, privileges.CREATE_TAGS, site):
        needed = privileges.reputation_needed(privileges.CREATE_TAGS, site)
        names = ", ".join(f"[{name}]" for name in new)
        raise PrivilegeRequired(
            f"Creating the new tag{'s' if len(new) > 1 else ''} {names} requires {needed} "
            f"reputation on this site; you have {actor.reputation}. Use existing tags.",
            privilege=privileges.CREATE_TAGS,
            reputation=needed,
        )


# Asking.


def check_ask_question(
    *, actor: SiteUser, title: str, body: str, tags: list[str] | str, site: Site | None = None
) -> Post:
    """Ask a question. Locks the asker's row, so that a form sent twice posts once."""
    site = site or current_site()
    clean_title = rules.check_title(title)
    clean_body = rules.check_body(body)
    clean_tags = rules.check_tags(tags)
    privileges.check_privilege(actor, privileges.CREATE_POSTS, site)
    with site_transaction(site):
        lock_users([actor.pk], site=site)
        _check_new_tags(actor, clean_tags, site=site)
        earlier = (
            Post.objects.using(site.db_alias)
            .filter(
                owner_id=actor.pk,
                post_type=PostType.QUESTION,
                title=clean_title,
                deletion_date__isnull=True,
                creation_date__gte=now() - DUPLICATE_WINDOW,
            )
            .first()
        )
        if earlier is not None:
            raise Conflict("You have just asked this question.", code="duplicate_request")
        return do_ask_question(
            author=actor, title=clean_title, body=clean_body, tags=clean_tags, site=site
        )


def do_ask_question(
    *,
    author: SiteUser,
    title: str,
    body: str,
    tags: list[str],
    site: Site | None = None,
    at: datetime | None = None,
    post_id: int | None = None,
) -> Post:
    """Write a new question, its tags and its first revision; queue `post_created`."""
    site = site or current_site()
    when = now(at)
    with site_transaction(site):
        question = Post(
            post_type=PostType.QUESTION,
            creation_date=when,
            last_activity_date=when,
            title=title,
            body_markdown=body,
            body_html=render_post(body, link_context(site)),
            owner=author,
            tags=" ".join(tags),
            answer_count=0,
            comment_count=0,
            view_count=0,
            score=0,
            content_license=CURRENT_LICENSE,
        )
        if post_id is not None:
            question.id = post_id
        question.save(using=site.db_alias, force_insert=True)
        add_post_tags(question, tags, site=site)
        _history(
            question,
            author,
            when,
            [
                (HistoryType.INITIAL_TITLE, title),
                (HistoryType.INITIAL_BODY, body),
                (HistoryType.INITIAL_TAGS, tags_to_dump_form(tags)),
            ],
            site=site,
        )
        send_event_on_commit(
            site,
            POST_CREATED,
            post_id=question.pk,
            question_id=question.pk,
            post_type=PostType.QUESTION,
            user_id=author.pk,
        )
    return question


# Answering.


def check_post_answer(
    *, actor: SiteUser, question_id: int, body: str, site: Site | None = None
) -> Post:
    """Answer a question. Locks the question, then the answerer's row."""
    site = site or current_site()
    clean_body = rules.check_body(body)
    privileges.check_privilege(actor, privileges.CREATE_POSTS, site)
    with site_transaction(site):
        question = access_post(question_id, site=site, lock=True, types=[PostType.QUESTION])
        check_not_locked(question, what="answered")
        state = post_state(question, site=site)
        if question.closed_date is not None or state.closure is not None:
            raise NotAllowed(
                "This question is closed: it does not take new answers.", code="question_closed"
            )
        if (
            state.protection is not None
            and _earned_on_site(actor, site=site) < PROTECTED_ANSWER_REPUTATION
        ):
            raise NotAllowed(
                f"This question is protected: answering it needs {PROTECTED_ANSWER_REPUTATION} "
                "reputation earned on this site.",
                code="question_protected",
            )
        lock_users([actor.pk], site=site)
        duplicate = (
            Post.objects.using(site.db_alias)
            .filter(
                parent_id=question.pk,
                owner_id=actor.pk,
                post_type=PostType.ANSWER,
                body_markdown=clean_body,
                deletion_date__isnull=True,
            )
            .exists()
        )
        if duplicate:
            raise Conflict("You have already posted this answer.", code="duplicate_request")
        return do_post_answer(question=question, author=actor, body=clean_body, site=site)


def _earned_on_site(user: SiteUser, *, site: Site) -> int:
    """Reputation without the association bonus, which is not earned on the site itself."""
    bonus = (
        ReputationEvent.objects.using(site.db_alias)
        .filter(user_id=user.pk, kind=ReputationKind.ASSOCIATION_BONUS, voided=False)
        .aggregate(total=Sum("points"))["total"]
    )
    return user.reputation - int(bonus or 0)


def do_post_answer(
    *,
    question: Post,
    author: SiteUser,
    body: str,
    site: Site | None = None,
    at: datetime | None = None,
    post_id: int | None = None,
) -> Post:
    """Write an answer and bump its question's answer count and activity; queue
    `post_created`."""
    site = site or current_site()
    when = now(at)
    with site_transaction(site):
        answer = Post(
            post_type=PostType.ANSWER,
            parent_id=question.pk,
            creation_date=when,
            last_activity_date=when,
            body_markdown=body,
            body_html=render_post(body, link_context(site)),
            owner=author,
            comment_count=0,
            score=0,
            content_license=CURRENT_LICENSE,
        )
        if post_id is not None:
            answer.id = post_id
        answer.save(using=site.db_alias, force_insert=True)
        bump(
            question.pk,
            site=site,
            answer_count=F("answer_count") + 1,
            last_activity_date=when,
        )
        _history(answer, author, when, [(HistoryType.INITIAL_BODY, body)], site=site)
        send_event_on_commit(
            site,
            POST_CREATED,
            post_id=answer.pk,
            question_id=question.pk,
            post_type=PostType.ANSWER,
            user_id=author.pk,
        )
    return answer


# Editing and rolling back.


def current_revision(post_id: int, *, site: Site) -> int:
    """A token for the post's latest content revision (its newest content history row), which
    an edit form carries so that an edit over a newer one is refused."""
    latest = (
        PostHistory.objects.using(site.db_alias)
        .filter(post_id=post_id, history_type__in=list(CONTENT_TYPES))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return int(latest or 0)


@dataclass(frozen=True)
class Content:
    title: str | None
    body: str
    tags: list[str]


def _authorise_edit(actor: SiteUser, post: Post, *, site: Site) -> None:
    if post.owner_id is not None and post.owner_id == actor.pk:
        return
    if post.community_owned_date is not None:
        privileges.check_privilege(actor, privileges.EDIT_COMMUNITY_WIKI, site)
        return
    privileges.check_privilege(actor, privileges.EDIT_FREELY, site)


def _lock_for_edit(post_id: int, *, site: Site) -> Post:
    """Lock an answer's question before the answer (the order of every action)."""
    post = access_post(post_id, site=site)
    if post.post_type == PostType.ANSWER:
        lock_question_of(post, site=site)
    return access_post(post_id, site=site, lock=True)


def check_edit_post(
    *,
    actor: SiteUser,
    post_id: int,
    body: str,
    title: str | None = None,
    tags: list[str] | str | None = None,
    summary: str = "",
    base_revision: int | None = None,
    site: Site | None = None,
) -> Post:
    """Edit a question (title, body, tags) or an answer (body), with an edit summary.

    `base_revision` is the `current_revision` the editor started from: an edit over a newer
    revision is refused (`Conflict`, code `edit_conflict`) rather than overwriting it. Locks the
    question, then the answer being edited.
    """
    site = site or current_site()
    clean_summary = rules.check_edit_summary(summary)
    with site_transaction(site):
        post = _lock_for_edit(post_id, site=site)
        check_not_locked(post, what="edited")
        _authorise_edit(actor, post, site=site)
        if base_revision is not None and base_revision != current_revision(post.pk, site=site):
            raise Conflict(
                "This post has been edited since you opened it. Compare the revisions, then "
                "edit the newest one.",
                code="edit_conflict",
            )
        content = _clean_content(post, body=body, title=title, tags=tags)
        _check_new_tags(actor, content.tags, site=site)
        return do_edit_post(
            post=post, editor=actor, content=content, summary=clean_summary, site=site
        )


def _clean_content(
    post: Post, *, body: str, title: str | None, tags: list[str] | str | None
) -> Content:
    clean_body = rules.check_body(body)
    if post.post_type != PostType.QUESTION:
        return Content(None, clean_body, [])
    return Content(
        rules.check_title(title if title is not None else post.title or ""),
        clean_body,
        rules.check_tags(tags if tags is not None else post.tag_list),
    )


def do_edit_post(
    *,
    post: Post,
    editor: SiteUser,
    content: Content,
    summary: str = "",
    site: Site | None = None,
    at: datetime | None = None,
    rollback_guid: str | None = None,
) -> Post:
    """Write an edit (or, with `rollback_guid`, a rollback to that revision): the history rows of
    the parts that change, the post, its tags' counts, and its question's activity; queue
    `post_edited`. Refuses an edit that changes nothing."""
    site = site or current_site()
    when = now(at)
    is_question = post.post_type == PostType.QUESTION
    rows: list[tuple[int, str]] = []
    rollback = rollback_guid is not None
    if is_question and content.title != post.title:
        kind = HistoryType.ROLLBACK_TITLE if rollback else HistoryType.EDIT_TITLE
        rows.append((kind, content.title or ""))
    if content.body != (post.body_markdown or ""):
        rows.append(
            (HistoryType.ROLLBACK_BODY if rollback else HistoryType.EDIT_BODY, content.body)
        )
    old_tags = post.tag_list
    if is_question and content.tags != old_tags:
        kind = HistoryType.ROLLBACK_TAGS if rollback else HistoryType.EDIT_TAGS
        rows.append((kind, tags_to_dump_form(content.tags)))
    if not rows:
        raise ValidationError("Your edit changes nothing.", code="no_change")
    comment = f"Rollback to [{rollback_guid}]" if rollback else summary
    with site_transaction(site):
        _history(post, editor, when, rows, site=site, comment=comment)
        changes: dict[str, object] = {
            "body_markdown": content.body,
            "body_html": render_post(content.body, link_context(site)),
            "last_edit_date": when,
            "last_editor_id": editor.pk,
            "last_editor_display_name": None,
            "last_activity_date": when,
        }
        if is_question:
            changes["title"] = content.title
            changes["tags"] = " ".join(content.tags)
            if post.deletion_date is None:
                remove_post_tags(post, [t for t in old_tags if t not in content.tags], site=site)
                add_post_tags(post, [t for t in content.tags if t not in old_tags], site=site)
        bump(post.pk, site=site, **changes)
        if not is_question and post.parent_id is not None:
            bump(post.parent_id, site=site, last_activity_date=when)
        send_event_on_commit(
            site,
            POST_EDITED,
            post_id=post.pk,
            question_id=post.pk if is_question else post.parent_id,
            user_id=editor.pk,
            title_changed=is_question and content.title != post.title,
            tags_changed=is_question and content.tags != old_tags,
        )
    return Post.objects.using(site.db_alias).get(pk=post.pk)


def revision_content(post_id: int, guid: str, *, site: Site) -> Content | None:
    """The title, body and tags a post had as of the revision `guid`; None if there is none."""
    rows = list(
        PostHistory.objects.using(site.db_alias)
        .filter(post_id=post_id, history_type__in=list(CONTENT_TYPES))
        .select_related("user")
    )
    title: str | None = None
    body = ""
    tags: list[str] = []
    for revision in build_revisions(rows):
        if revision.title is not None:
            title = revision.title.new
        if revision.body is not None:
            body = revision.body.new
        if revision.tags is not None:
            tags = revision.tags.new.split()
        if revision.guid == guid:
            return Content(title, body, tags)
    return None


def check_rollback(
    *,
    actor: SiteUser,
    post_id: int,
    revision_guid: str,
    base_revision: int | None = None,
    site: Site | None = None,
) -> Post:
    """Roll a post back to an earlier revision: an edit whose content is that revision's.
    Same authorisation and locks as `check_edit_post`."""
    site = site or current_site()
    with site_transaction(site):
        post = _lock_for_edit(post_id, site=site)
        check_not_locked(post, what="edited")
        _authorise_edit(actor, post, site=site)
        if base_revision is not None and base_revision != current_revision(post.pk, site=site):
            raise Conflict(
                "This post has been edited since you opened its revisions.", code="edit_conflict"
            )
        content = revision_content(post.pk, revision_guid, site=site)
        if content is None:
            raise ValidationError("There is no such revision of this post.", code="no_revision")
        if post.post_type != PostType.QUESTION:
            content = Content(None, content.body, [])
        _check_new_tags(actor, content.tags, site=site)
        return do_edit_post(
            post=post, editor=actor, content=content, site=site, rollback_guid=revision_guid
        )
