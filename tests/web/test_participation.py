"""Taking part through the pages: asking, answering, commenting, editing, voting, accepting,
deleting. Every form works without JavaScript; htmx requests get the changed part; bad input
gets a clear message and the right status with nothing written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests import factories

from pnyx.accounts.membership import ensure_site_user
from pnyx.posts.models import Comment, Post, PostType, SiteUser, Vote
from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path

BODY = "A body that is long enough to pass the thirty character rule."
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Member:
    client: Client
    user: SiteUser
    account: Any


@pytest.fixture
def member(site, make_account) -> Callable[..., Member]:  # type: ignore[no-untyped-def]
    def factory(name: str = "Ada Asker", reputation: int = 1) -> Member:
        account = make_account(name)
        user = ensure_site_user(account, site)
        SiteUser.objects.filter(pk=user.pk).update(reputation=reputation)
        user.refresh_from_db()
        client = Client()
        client.force_login(account)
        return Member(client, user, account)

    return factory


def url(site, name: str, *args: object) -> str:  # type: ignore[no-untyped-def]
    return site_path(site, name, *args)


def question_page(site, question: Post) -> str:  # type: ignore[no-untyped-def]
    return url(site, "question", question.id, slugify_title(question.title))


def old_question(author: SiteUser, title: str = "How long should a stout age?") -> Post:
    return factories.ask_question(
        author, title, BODY, "stout", at=timezone.now() - timedelta(hours=1)
    )


def test_asking_through_the_form(site, member) -> None:  # type: ignore[no-untyped-def]
    ada = member("Ada Asker", reputation=500)
    form = ada.client.get(url(site, "ask"))
    html = form.content.decode()
    assert form.status_code == 200
    for label in ('for="id_title">Title', 'for="id_body">Body', 'for="id_tags">Tags'):
        assert label in html
    sent = ada.client.post(
        url(site, "ask"),
        {"title": "How long should a stout age?", "body": BODY, "tags": "stout aging"},
    )
    question = Post.objects.get(post_type=PostType.QUESTION)
    assert sent.status_code == 302 and sent["Location"] == question_page(site, question)
    page = ada.client.get(sent["Location"]).content.decode()
    assert "How long should a stout age?" in page and "aging" in page
    assert question.owner_id == ada.user.pk


def test_a_refused_question_keeps_what_was_typed(site, member) -> None:  # type: ignore[no-untyped-def]
    ada = member()
    response = ada.client.post(
        url(site, "ask"), {"title": "Too short", "body": BODY + " kept", "tags": "stout"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Title must be at least 15 characters." in html
    assert BODY + " kept" in html and 'value="Too short"' in html
    assert not Post.objects.exists()


def test_anonymous_readers_are_sent_to_log_in_and_nothing_is_written(site, client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(url(site, "ask"), {"title": "A question title here", "body": BODY})
    assert response.status_code == 302 and "/users/login" in response["Location"]
    htmx = client.post(url(site, "post_vote", 1), {"vote": "up"}, **HTMX)
    assert htmx.status_code == 401 and htmx["HX-Retarget"] == "#messages"
    assert "Log in" in htmx.content.decode()
    assert not Post.objects.exists() and not Vote.objects.exists()


def test_answering_and_its_errors(site, member) -> None:  # type: ignore[no-untyped-def]
    asker, helper = member("Asker"), member("Helper")
    question = old_question(asker.user)
    sent = helper.client.post(url(site, "answer_submit", question.id), {"body": BODY})
    answer = Post.objects.get(post_type=PostType.ANSWER)
    assert sent["Location"] == f"{question_page(site, question)}#{answer.id}"
    again = helper.client.post(url(site, "answer_submit", question.id), {"body": BODY})
    assert again.status_code == 409 and "already posted this answer" in again.content.decode()
    short = helper.client.post(url(site, "answer_submit", question.id), {"body": "Too short."})
    assert short.status_code == 400
    html = short.content.decode()
    assert "Body must be at least 30 characters" in html and "Too short." in html
    huge = helper.client.post(url(site, "answer_submit", question.id), {"body": "x" * 30001})
    assert huge.status_code == 400 and "limited to 30000" in huge.content.decode()
    missing = helper.client.post(url(site, "answer_submit", 999999), {"body": BODY})
    assert missing.status_code == 404
    assert Post.objects.filter(post_type=PostType.ANSWER).count() == 1


def test_comments_in_place_and_without_javascript(site, member) -> None:  # type: ignore[no-untyped-def]
    asker, other = member("Asker"), member("Commenter", reputation=50)
    question = old_question(asker.user)
    path = url(site, "post_comments", question.id)
    fragment = other.client.post(path, {"text": "Is this about imperial stouts?"}, **HTMX)
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert html.startswith('<div class="comments" id="comments-') and "imperial stouts" in html
    reply = asker.client.post(path, {"text": "@Commenter yes, the imperial ones."})
    comment = Comment.objects.get(text__startswith="@Commenter")
    assert reply.status_code == 302 and reply["Location"].endswith(f"#comment-{comment.id}")
    assert f"/users/{other.user.pk}/" in comment.text_html
    refused = other.client.post(path, {"text": "too short"})
    assert refused.status_code == 400 and 'name="text"' in refused.content.decode()
    htmx_refused = other.client.post(path, {"text": "short"}, **HTMX)
    assert htmx_refused.status_code == 400 and htmx_refused["HX-Retarget"] == "#messages"
    mentions = asker.client.get(url(site, "mention_candidates", question.id), {"q": "com"})
    assert mentions.json()["people"] == [{"name": "Commenter", "mention": "@Commenter"}]
    deleted = other.client.post(
        url(site, "comment_delete", Comment.objects.get(user_id=other.user.pk).id), **HTMX
    )
    assert deleted.status_code == 200 and "imperial stouts" not in deleted.content.decode()
    assert Comment.objects.count() == 1


def test_voting_in_place_with_the_rules_messages(site, member) -> None:  # type: ignore[no-untyped-def]
    asker, voter, newcomer = member("Asker"), member("Voter", 15), member("Newcomer")
    question = old_question(asker.user)
    path = url(site, "post_vote", question.id)
    cell = voter.client.post(path, {"vote": "up"}, **HTMX)
    html = cell.content.decode()
    assert cell.status_code == 200 and html.startswith(
        f'<div class="votecell" id="vote-{question.id}"'
    )
    assert re.search(r"Score </span>1<", html) and 'aria-pressed="true"' in html
    assert SiteUser.objects.get(pk=asker.user.pk).reputation == 11
    own = asker.client.post(path, {"vote": "up"}, **HTMX)
    assert own.status_code == 403 and "your own post" in own.content.decode()
    low = newcomer.client.post(path, {"vote": "down"}, **HTMX)
    assert low.status_code == 403 and "Voting down requires 125 reputation" in low.content.decode()
    page = newcomer.client.post(path, {"vote": "down"})
    assert page.status_code == 403 and "requires 125 reputation" in page.content.decode()
    bad = voter.client.post(path, {"vote": "sideways"}, **HTMX)
    assert bad.status_code == 400
    undone = voter.client.post(path, {"vote": "none"})
    assert undone.status_code == 302 and Post.objects.get(pk=question.id).score == 0


def test_a_forged_form_is_refused_with_a_message(site, member) -> None:  # type: ignore[no-untyped-def]
    asker, voter = member("Asker"), member("Voter", 15)
    question = old_question(asker.user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(voter.account)
    response = strict.post(url(site, "post_vote", question.id), {"vote": "up"})
    assert response.status_code == 403 and "security token" in response.content.decode()
    assert not Vote.objects.exists()


def test_editing_with_a_conflict_and_a_rollback(site, member) -> None:  # type: ignore[no-untyped-def]
    asker = member("Asker", reputation=300)
    question = old_question(asker.user)
    form = asker.client.get(url(site, "post_edit", question.id)).content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', form).group(1)  # type: ignore[union-attr]
    sent = asker.client.post(
        url(site, "post_edit", question.id),
        {
            "title": "How long should an imperial stout age?",
            "body": BODY + " Edited.",
            "tags": "stout",
            "summary": "more precise title",
            "revision": revision,
        },
    )
    assert sent.status_code == 302
    stale = asker.client.post(
        url(site, "post_edit", question.id),
        {
            "title": "A stale edit of the title",
            "body": BODY + " Stale.",
            "tags": "stout",
            "revision": revision,
        },
    )
    html = stale.content.decode()
    assert stale.status_code == 409 and "edited since you opened it" in html
    assert url(site, "revisions", question.id) in html and BODY + " Stale." in html
    revisions = asker.client.get(url(site, "revisions", question.id)).content.decode()
    assert "Roll back to revision 1" in revisions and "more precise title" in revisions
    guid = re.search(r'name="revision_guid" value="([^"]+)"', revisions).group(1)  # type: ignore[union-attr]
    current = re.search(r'name="revision" value="(\d+)"', revisions).group(1)  # type: ignore[union-attr]
    rolled = asker.client.post(
        url(site, "post_rollback", question.id), {"revision_guid": guid, "revision": current}
    )
    assert rolled.status_code == 302
    assert Post.objects.get(pk=question.id).title == "How long should a stout age?"


def test_others_cannot_edit_below_the_privilege(site, member) -> None:  # type: ignore[no-untyped-def]
    asker, other = member("Asker"), member("Other", reputation=1999)
    question = old_question(asker.user)
    page = other.client.get(question_page(site, question)).content.decode()
    assert url(site, "post_edit", question.id) not in page
    sent = other.client.post(url(site, "post_edit", question.id), {"body": BODY + " Mine."})
    assert sent.status_code == 403 and "requires 2000 reputation" in sent.content.decode()


def test_accepting_and_bookmarking(site, member) -> None:  # type: ignore[no-untyped-def]
    asker, helper = member("Asker"), member("Helper")
    question = old_question(asker.user)
    answer = factories.post_answer(question, helper.user, BODY)
    page = asker.client.get(question_page(site, question)).content.decode()
    assert "Accept this answer" in page
    assert (
        "Accept this answer"
        not in helper.client.get(question_page(site, question)).content.decode()
    )
    accepted = asker.client.post(url(site, "post_accept", answer.id), {"accept": "1"})
    assert accepted.status_code == 302
    assert Post.objects.get(pk=question.id).accepted_answer_id == answer.id
    assert SiteUser.objects.get(pk=helper.user.pk).reputation == 16
    refused = helper.client.post(url(site, "post_accept", answer.id), {"accept": "0"})
    assert refused.status_code == 403
    marked = helper.client.post(url(site, "post_bookmark", question.id), {"bookmark": "1"}, **HTMX)
    assert marked.status_code == 200 and "Remove your bookmark" in marked.content.decode()
    assert Post.objects.get(pk=question.id).favorite_count == 1


def test_deleting_and_undeleting_ones_answer(site, member, client) -> None:  # type: ignore[no-untyped-def]
    asker, helper = member("Asker"), member("Helper")
    question = old_question(asker.user)
    answer = factories.post_answer(question, helper.user, BODY + " Soon gone.")
    assert helper.client.post(url(site, "post_delete", answer.id)).status_code == 302
    own_view = helper.client.get(question_page(site, question)).content.decode()
    assert "Soon gone." in own_view and "Undelete" in own_view
    assert "Soon gone." not in client.get(question_page(site, question)).content.decode()
    assert helper.client.post(url(site, "post_undelete", answer.id)).status_code == 302
    assert "Soon gone." in client.get(question_page(site, question)).content.decode()
    asker.client.post(url(site, "post_delete", question.id))
    assert client.get(question_page(site, question)).status_code == 404
    assert asker.client.get(question_page(site, question)).status_code == 200


def test_privileges_page_lists_the_thresholds(site, member, client) -> None:  # type: ignore[no-untyped-def]
    html = client.get(url(site, "privileges")).content.decode()
    assert "Vote down" in html and "125" in html and "Create tags" in html
    reader = member("Reader", reputation=130).client.get(url(site, "privileges")).content.decode()
    assert "You have <strong>130</strong> reputation" in reader


def test_posts_of_another_site_are_not_found(site, make_site, member) -> None:  # type: ignore[no-untyped-def]
    from pnyx.sites.context import activated

    other_site = make_site()
    with activated(other_site):
        stranger = factories.create_user("Stranger")
        foreign = factories.ask_question(stranger, "A question on the other site", BODY, "x")
    voter = member("Voter", 15)
    assert not Post.objects.filter(pk=foreign.pk).exists()
    response = voter.client.post(url(site, "post_vote", foreign.pk), {"vote": "up"}, **HTMX)
    assert response.status_code == 404
