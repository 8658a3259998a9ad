"""Deleting an account: posts, comments and history stay under the display name."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.accounts.conftest import PASSWORD, log_in

from pnyx.accounts import deletion, membership
from pnyx.accounts.models import Account, Membership
from pnyx.posts.models import (
    Badge,
    BadgeClass,
    Comment,
    HistoryType,
    Post,
    PostHistory,
    PostType,
    SiteUser,
    Vote,
    VoteType,
)
from pnyx.sites.context import activated

TITLE = "How do I keep my sourdough starter alive?"


def _thread(site: Any, author: SiteUser, reader: SiteUser) -> Post:
    """A question by `author`, answered by `reader` and commented on by `author`, written
    straight to the tables so that the test depends on none of the write path."""
    now = timezone.now()
    alias = site.db_alias
    question = Post.objects.using(alias).create(
        post_type=PostType.QUESTION,
        creation_date=now,
        last_activity_date=now,
        title=TITLE,
        body_markdown="It dies every week.",
        body_html="<p>It dies every week.</p>",
        owner=author,
        tags="bread",
        answer_count=1,
        comment_count=1,
        score=1,
        view_count=1,
    )
    answer = Post.objects.using(alias).create(
        post_type=PostType.ANSWER,
        parent=question,
        creation_date=now,
        last_activity_date=now,
        body_markdown="Feed it daily.",
        body_html="<p>Feed it daily.</p>",
        owner=reader,
        last_editor=author,
        last_edit_date=now,
    )
    Comment.objects.using(alias).create(
        post=answer, text="Thanks, that worked!", text_html="Thanks, that worked!",
        creation_date=now, user=author,
    )  # fmt: skip
    PostHistory.objects.using(alias).create(
        history_type=HistoryType.INITIAL_BODY, post=question, creation_date=now, user=author,
        text="It dies every week.",
    )  # fmt: skip
    Vote.objects.using(alias).create(
        post=answer, vote_type=VoteType.UP, user=author, creation_date=now
    )
    Badge.objects.using(alias).create(
        user=author, name="Student", date=now, badge_class=BadgeClass.BRONZE
    )
    return question


def test_delete_account_through_the_page_keeps_posts_under_the_name(
    make_site, make_account
) -> None:
    first, second = make_site(title="Bread"), make_site(title="Cheese")
    account = make_account("Gone Baker")
    reader_account = make_account("Stays Here")
    with activated(first):
        author = membership.ensure_site_user(account, first)
        reader = membership.ensure_site_user(reader_account, first)
        question = _thread(first, author, reader)
    membership.ensure_site_user(account, second)
    client = Client()
    log_in(client, account.email)

    ask = client.get(f"/{first.name}/users/account/delete/")
    assert ask.status_code == 302  # the password is asked for again first
    assert ask["Location"].startswith(f"/{first.name}/users/account/reauthenticate/")
    assert client.post(ask["Location"], {"password": PASSWORD}).status_code == 302
    page = client.get(f"/{first.name}/users/account/delete/")
    assert page.status_code == 200
    refused = client.post(f"/{first.name}/users/account/delete/", {"confirmation": "yes"})
    assert refused.status_code == 400
    assert "Type the word delete to confirm." in refused.content.decode()
    assert Account.objects.filter(id=account.id).exists()

    done = client.post(f"/{first.name}/users/account/delete/", {"confirmation": "delete"})
    assert done.status_code == 302
    assert not Account.objects.filter(id=account.id).exists()
    assert not Membership.objects.filter(account_id=account.id).exists()
    for site in (first, second):
        assert not SiteUser.objects.using(site.db_alias).filter(account_id=account.id).exists()
    assert "Log in" in client.get(f"/{first.name}/").content.decode()

    thread = Client().get(f"/{first.name}/questions/{question.id}/x", follow=True)
    assert thread.status_code == 200
    html = thread.content.decode()
    assert TITLE in html
    assert html.count("Gone Baker") >= 2  # the question's owner and the comment's author
    assert "Stays Here" in html
    alias = first.db_alias
    kept = Post.objects.using(alias).get(id=question.id)
    assert kept.owner_id is None and kept.owner_display_name == "Gone Baker"
    answer = Post.objects.using(alias).get(parent_id=question.id)
    assert answer.last_editor_id is None and answer.last_editor_display_name == "Gone Baker"
    [vote] = Vote.objects.using(alias).filter(post=answer)  # the vote stays, without its voter
    assert vote.user_id is None
    assert not Badge.objects.using(alias).filter(user_id=author.id).exists()
    history = PostHistory.objects.using(alias).get(post=question)
    assert history.user_id is None and history.user_display_name == "Gone Baker"


def test_an_interrupted_deletion_is_finished_by_repair(make_site, make_account) -> None:
    from pnyx.cli import main

    site = make_site()
    account = make_account("Half Deleted")
    membership.ensure_site_user(account, site)
    account.deletion_requested_at = timezone.now()
    account.is_active = False
    account.save()
    assert main(["accounts", "repair"]) == 0
    assert not Account.objects.filter(id=account.id).exists()
    assert not SiteUser.objects.using(site.db_alias).filter(account_id=account.id).exists()


def test_only_the_person_may_delete_their_account(make_account) -> None:
    from pnyx.errors import NotAllowed

    mine, theirs = make_account(), make_account()
    with pytest.raises(NotAllowed):
        deletion.check_delete_account(actor=mine, account=theirs, confirmation="delete")
