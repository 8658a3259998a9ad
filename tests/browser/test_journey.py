"""Two people take part in Chromium with nothing but the pages: one signs up and asks, a second
signs up, answers and comments with `@name`, the first accepts the answer and votes it up, and
both see their reputation change on their profiles."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from tests import factories

from pnyx.posts.models import Post, PostType, SiteUser
from pnyx.posts.slugs import slugify_name
from pnyx.sites.context import activated

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-secret-7"
TITLE = "Does a longer boil make a darker stout?"
QUESTION = "I boiled one batch for ninety minutes and one for sixty. Is the colour from the boil?"
ANSWER = "Mostly the grain bill: roasted barley gives the colour; the boil adds a little Maillard."
COMMENT = "@Ada the roasted barley share matters far more than the boil time."


def _sign_up(page: Any, live_server: Any, site: Any, name: str) -> None:
    page.goto(live_server(f"/{site.name}/questions"))
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Display name").fill(name)
    page.get_by_label("Email").fill(f"{uuid.uuid4().hex[:10]}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"**/{site.name}/questions")
    page.get_by_role("button", name="Join this community").click()
    page.wait_for_url(f"**/{site.name}/questions")


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()


def _type_into_editor(page: Any, label: str, text: str) -> None:
    from playwright.sync_api import expect

    # The editor replaces its textarea once its script has run; a click aimed before that
    # lands on the textarea as it is hidden. Wait for the editor the label names.
    box = page.get_by_role("textbox", name=label).and_(page.locator("[contenteditable]"))
    expect(box).to_be_visible()
    box.click()
    page.keyboard.insert_text(text)


def _site_user(site: Any, name: str) -> SiteUser:
    with activated(site):
        return SiteUser.objects.get(display_name=name)


def _profile(page: Any, live_server: Any, site: Any, user: SiteUser, tab: str = "") -> None:
    suffix = f"?tab={tab}" if tab else ""
    page.goto(
        live_server(f"/{site.name}/users/{user.pk}/{slugify_name(user.display_name)}{suffix}")
    )


def test_ask_answer_comment_accept_vote_and_see_reputation(
    page: Any, live_server: Any, make_site: Any
) -> None:
    from playwright.sync_api import expect

    site = make_site(title="Brewing")
    with activated(site):
        # A tag that exists already: creating tags is a privilege of high reputation.
        factories.ask_question(factories.create_user("Earlier Asker"), "x" * 20, "y" * 40, "stout")

    # Ada asks.
    _sign_up(page, live_server, site, "Ada Lovebeer")
    page.get_by_role("link", name="Ask Question").first.click()
    page.get_by_label("Title").fill(TITLE)
    _type_into_editor(page, "Body", QUESTION)
    page.get_by_label("Tags").fill("stout")
    page.get_by_role("button", name="Post Your Question").click()
    page.wait_for_url(f"**/{site.name}/questions/*/**")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    question_url = page.url
    _log_out(page)

    # Bo answers, then replies to Ada under the answer.
    _sign_up(page, live_server, site, "Bo Brewer")
    page.goto(question_url)
    _type_into_editor(page, "Your answer", ANSWER)
    page.get_by_role("button", name="Post Your Answer").click()
    answer_block = page.locator("article.answer", has_text="Mostly the grain bill")
    expect(answer_block).to_have_count(1)
    answer_block.get_by_text("Add a comment").click()
    answer_block.get_by_label("Comment").fill(COMMENT)
    answer_block.get_by_role("button", name="Add comment").click()
    expect(answer_block.locator(".comment", has_text="roasted barley share")).to_have_count(1)
    _log_out(page)

    ada = _site_user(site, "Ada Lovebeer")
    bo = _site_user(site, "Bo Brewer")
    assert (ada.reputation, bo.reputation) == (1, 1)
    with activated(site):
        answer = Post.objects.get(post_type=PostType.ANSWER, owner_id=bo.pk)
        # Voting up needs 15: Ada earned it elsewhere on the site.
        SiteUser.objects.filter(pk=ada.pk).update(reputation=15)
        # An answer can be accepted 15 minutes after asking, as on Stack Exchange.
        asked = Post.objects.get(pk=answer.parent_id).creation_date
        Post.objects.filter(pk=answer.parent_id).update(creation_date=asked - timedelta(minutes=20))

    # Ada accepts the answer and votes it up, in place.
    question_path = urlsplit(question_url).path
    page.goto(live_server(f"/{site.name}/users/login?next={question_path}"))
    page.get_by_label("Email").fill(_email_of(ada))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"**{question_path}")
    cell = page.locator(f"#vote-{answer.pk}")
    cell.get_by_role("button", name="Accept this answer").click()
    expect(page.locator(f"#vote-{answer.pk} .accept-button.accepted")).to_have_count(1)
    page.locator(f"#vote-{answer.pk}").get_by_role("button", name="Up vote").click()
    expect(page.locator(f"#vote-{answer.pk} .score")).to_contain_text("1")

    # Both profiles: Bo +15 for the accepted answer and +10 for the up vote; Ada +2.
    _profile(page, live_server, site, bo, "reputation")
    expect(page.locator(".rep-big")).to_have_text("26")
    changes = page.locator(".rep-changes li")
    expect(changes.filter(has_text="upvote").locator(".rep-amount")).to_have_text("+10")
    expect(changes.filter(has_text="accepted").locator(".rep-amount")).to_have_text("+15")
    _profile(page, live_server, site, ada, "reputation")
    expect(page.locator(".rep-big")).to_have_text("17")
    expect(page.locator(".rep-changes li .rep-amount")).to_have_text(["+2"])


def _email_of(user: SiteUser) -> str:
    from pnyx.accounts.models import Account

    return Account.objects.get(pk=user.account_id).email
