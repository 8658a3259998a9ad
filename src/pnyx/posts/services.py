"""Writes to a site's content: the domain functions that views, the API, the demo and the
importer's checks all call.

Each function works on the active site (see `pnyx.sites.context`), runs in one transaction on
that site's database, and keeps the denormalised counters (answer and comment counts, tag counts,
last activity) in step with the rows it writes. Counters are updated with `F()` expressions, so
concurrent writers never lose an increment and no row lock is held across the function.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pnyx.errors import ValidationError
from pnyx.posts import rules
from pnyx.posts.models import (
    Comment,
    HistoryType,
    Post,
    PostHistory,
    PostTag,
    PostType,
    SiteUser,
    Tag,
)
from pnyx.posts.slugs import slugify_name
from pnyx.render.comments import render_comment
from pnyx.render.markdown import render_post
from pnyx.render.mentions import Participant, conversation
from pnyx.search.index import update_posts
from pnyx.sites.context import active_site
from pnyx.sites.paths import link_context, site_path

CURRENT_LICENSE = "CC BY-SA 4.0"


def _alias() -> str:
    return active_site().db_alias


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def tags_to_dump_form(tags: list[str]) -> str:
    return "".join(f"<{tag}>" for tag in tags)


def create_user(
    display_name: str,
    *,
    at: datetime | None = None,
    user_id: int | None = None,
    reputation: int = 1,
    about_me: str | None = None,
    location: str | None = None,
) -> SiteUser:
    """Create a user of the active site."""
    name = rules.check_display_name(display_name)
    when = _now(at)
    user = SiteUser(
        display_name=name,
        creation_date=when,
        last_access_date=when,
        reputation=reputation,
        about_me=about_me,
        location=location,
    )
    if user_id is not None:
        user.id = user_id
    user.save(using=_alias(), force_insert=True)
    return user


def _tag_rows(names: list[str]) -> list[Tag]:
    alias = _alias()
    existing = {tag.name: tag for tag in Tag.objects.using(alias).filter(name__in=names)}
    for name in names:
        if name not in existing:
            existing[name] = Tag.objects.using(alias).create(name=name, count=0)
    return [existing[name] for name in names]


def _record_history(
    post: Post, author: SiteUser, when: datetime, rows: list[tuple[int, str]], guid: str
) -> None:
    PostHistory.objects.using(_alias()).bulk_create(
        PostHistory(
            history_type=history_type,
            post=post,
            revision_guid=guid,
            creation_date=when,
            user=author,
            text=text,
            content_license=CURRENT_LICENSE,
        )
        for history_type, text in rows
    )


def ask_question(
    author: SiteUser,
    title: str,
    body: str,
    tags: list[str] | str,
    *,
    at: datetime | None = None,
    post_id: int | None = None,
) -> Post:
    """Post a new question with its tags, and record its first revision."""
    clean_title = rules.check_title(title)
    clean_body = rules.check_body(body)
    clean_tags = rules.check_tags(tags)
    site = active_site()
    when = _now(at)
    with transaction.atomic(using=site.db_alias):
        question = Post(
            post_type=PostType.QUESTION,
            creation_date=when,
            last_activity_date=when,
            title=clean_title,
            body_markdown=clean_body,
            body_html=render_post(clean_body, link_context(site)),
            owner=author,
            tags=" ".join(clean_tags),
            answer_count=0,
            comment_count=0,
            view_count=0,
            score=0,
            content_license=CURRENT_LICENSE,
        )
        if post_id is not None:
            question.id = post_id
        question.save(using=site.db_alias, force_insert=True)
        tag_rows = _tag_rows(clean_tags)
        PostTag.objects.using(site.db_alias).bulk_create(
            PostTag(post=question, tag=tag) for tag in tag_rows
        )
        Tag.objects.using(site.db_alias).filter(id__in=[t.id for t in tag_rows]).update(
            count=F("count") + 1
        )
        _record_history(
            question,
            author,
            when,
            [
                (HistoryType.INITIAL_TITLE, clean_title),
                (HistoryType.INITIAL_BODY, clean_body),
                (HistoryType.INITIAL_TAGS, tags_to_dump_form(clean_tags)),
            ],
            str(uuid.uuid4()),
        )
    update_posts(site, [question.id])
    return question


def post_answer(
    question: Post,
    author: SiteUser,
    body: str,
    *,
    at: datetime | None = None,
    post_id: int | None = None,
) -> Post:
    """Answer `question`, bumping its answer count and activity time."""
    if question.post_type != PostType.QUESTION:
        raise ValidationError("Only questions can be answered.")
    if question.deletion_date is not None:
        raise ValidationError("This question has been deleted and cannot be answered.")
    clean_body = rules.check_body(body)
    site = active_site()
    when = _now(at)
    with transaction.atomic(using=site.db_alias):
        answer = Post(
            post_type=PostType.ANSWER,
            parent=question,
            creation_date=when,
            last_activity_date=when,
            body_markdown=clean_body,
            body_html=render_post(clean_body, link_context(site)),
            owner=author,
            comment_count=0,
            score=0,
            content_license=CURRENT_LICENSE,
        )
        if post_id is not None:
            answer.id = post_id
        answer.save(using=site.db_alias, force_insert=True)
        Post.objects.using(site.db_alias).filter(pk=question.pk).update(
            answer_count=F("answer_count") + 1, last_activity_date=when
        )
        _record_history(
            answer, author, when, [(HistoryType.INITIAL_BODY, clean_body)], str(uuid.uuid4())
        )
    update_posts(site, [answer.id])
    return answer


def _participant(user: SiteUser) -> Participant:
    return Participant(user_id=user.id, display_name=user.display_name)


def add_comment(
    post: Post,
    author: SiteUser,
    text: str,
    *,
    at: datetime | None = None,
    comment_id: int | None = None,
) -> Comment:
    """Comment on a post. `@name` replies are resolved now, against who was in the thread then."""
    clean = rules.check_comment(text)
    site = active_site()
    when = _now(at)
    with transaction.atomic(using=site.db_alias):
        earlier = (
            Comment.objects.using(site.db_alias)
            .filter(post_id=post.pk, creation_date__lte=when, user__isnull=False)
            .select_related("user")
            .order_by("creation_date", "id")
        )
        owner = (
            SiteUser.objects.using(site.db_alias).filter(pk=post.owner_id).first()
            if post.owner_id is not None
            else None
        )
        participants = conversation(
            _participant(owner) if owner else None,
            [_participant(c.user) for c in earlier if c.user is not None],
        )
        html = render_comment(
            clean,
            participants,
            lambda p: site_path(site, "user", p.user_id, slugify_name(p.display_name)),
            link_context(site),
        )
        comment = Comment(
            post=post,
            text=clean,
            text_html=html,
            creation_date=when,
            user=author,
            score=0,
            content_license=CURRENT_LICENSE,
        )
        if comment_id is not None:
            comment.id = comment_id
        comment.save(using=site.db_alias, force_insert=True)
        Post.objects.using(site.db_alias).filter(pk=post.pk).update(
            comment_count=F("comment_count") + 1
        )
    return comment
