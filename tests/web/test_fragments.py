"""The question page from cached blocks: each reader sees their own votes and buttons, a change
to one post shows at once, and one reader's parts never reach another."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests import factories

from pnyx.accounts.membership import ensure_site_user
from pnyx.posts import actions
from pnyx.posts.models import SiteUser
from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path
from pnyx.web import fragments
from pnyx.web.pagecache import CACHE_ALIAS

BODY = "A body that is long enough to pass the thirty character rule."


@pytest.fixture(autouse=True)
def blocks_kept() -> Iterator[None]:
    fragments.store.clear()
    caches[CACHE_ALIAS].clear()
    with override_settings(PNYX_PAGE_CACHE_SECONDS=60):
        yield
    fragments.store.clear()
    caches[CACHE_ALIAS].clear()


@pytest.fixture
def thread(site):  # type: ignore[no-untyped-def]
    asker = factories.create_user("Asker")
    helper = factories.create_user("Helper")
    question = factories.ask_question(
        asker, "Does the page keep up?", BODY, ["cache"], at=timezone.now() - timedelta(hours=1)
    )
    first = factories.post_answer(question, helper, BODY + " First answer.")
    second = factories.post_answer(question, helper, BODY + " Second answer.")
    factories.add_comment(first, asker, "A comment on the first answer.")
    path = site_path(site, "question", question.id, slugify_title(question.title))
    return question, first, second, path


def signed_in(site, make_account, name: str, reputation: int) -> tuple[Client, SiteUser]:  # type: ignore[no-untyped-def]
    account = make_account(name)
    user = ensure_site_user(account, site)
    SiteUser.objects.filter(pk=user.pk).update(reputation=reputation)
    client = Client()
    client.force_login(account)
    return client, SiteUser.objects.get(pk=user.pk)


def vote_cell(html: str, post_id: int) -> str:
    match = re.search(rf'<div class="votecell" id="vote-{post_id}">.*?</div>', html, re.S)
    assert match, f"no vote cell for {post_id}"
    return match.group(0)


def test_each_reader_sees_their_own_votes_on_shared_blocks(site, make_account, thread) -> None:  # type: ignore[no-untyped-def]
    _, first, _, path = thread
    ada, ada_user = signed_in(site, make_account, "Ada Voter", 200)
    bob, _ = signed_in(site, make_account, "Bob Reader", 200)
    assert ada.get(path).status_code == 200  # renders the blocks
    actions.check_vote(actor=ada_user, post_id=first.id, vote="up")
    ada_page = ada.get(path).content.decode()
    bob_page = bob.get(path).content.decode()
    assert 'aria-pressed="true"' in vote_cell(ada_page, first.id)
    assert 'aria-pressed="true"' not in vote_cell(bob_page, first.id)
    assert "Score </span>1<" in vote_cell(bob_page, first.id)
    assert "Ada Voter" in ada_page and "Ada Voter" not in bob_page
    for page in (ada_page, bob_page):
        assert "<!--p:" not in page and "\x00" not in page


def test_a_page_from_kept_blocks_costs_two_site_queries(site, make_account, thread) -> None:  # type: ignore[no-untyped-def]
    *_, path = thread
    ada, _ = signed_in(site, make_account, "Ada Reader", 200)
    ada.get(path)
    with CaptureQueriesContext(connections[site.db_alias]) as queries:
        page = ada.get(path)
    assert page.status_code == 200
    assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]  # facts, votes, user


def test_a_change_to_one_post_shows_at_once(site, make_account, thread, client) -> None:  # type: ignore[no-untyped-def]
    question, first, second, path = thread
    client.get(path)
    asker = SiteUser.objects.get(pk=question.owner_id)
    factories.add_comment(second, asker, "A fresh comment on the second answer.")
    assert "A fresh comment on the second answer." in client.get(path).content.decode()
    helper = SiteUser.objects.get(pk=first.owner_id)
    actions.check_edit_post(actor=helper, post_id=first.id, body=BODY + " Edited at once.")
    assert "Edited at once." in client.get(path).content.decode()


def test_anonymous_pages_carry_no_token_and_no_reader_parts(
    site, make_account, thread, client
) -> None:  # type: ignore[no-untyped-def]
    *_, path = thread
    ada, _ = signed_in(site, make_account, "Ada Reader", 5000)
    signed_page = ada.get(path).content.decode()
    assert "csrfmiddlewaretoken" in signed_page and ">Edit</a>" in signed_page
    page = client.get(path)
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert ">Edit</a>" not in html and "Log in to vote" in html
    assert not page.cookies  # nothing personal: the page cache may keep it


def test_deleted_answers_only_for_those_who_may_see_them(
    site, make_account, thread, client
) -> None:  # type: ignore[no-untyped-def]
    _, first, second, path = thread
    helper = SiteUser.objects.get(pk=first.owner_id)
    client.get(path)
    actions.check_delete_post(actor=helper, post_id=second.id)
    assert "Second answer." not in client.get(path).content.decode()
    trusted, _ = signed_in(site, make_account, "Trusty", 20000)
    html = trusted.get(path).content.decode()
    assert "Second answer." in html and "Undelete" in html
    other, _ = signed_in(site, make_account, "Other", 200)
    assert "Second answer." not in other.get(path).content.decode()


def test_the_pages_token_passes_the_csrf_check(site, make_account, thread) -> None:  # type: ignore[no-untyped-def]
    _, first, _, path = thread
    account = make_account("Careful Voter")
    user = ensure_site_user(account, site)
    SiteUser.objects.filter(pk=user.pk).update(reputation=200)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(account)
    tokens = set()
    for _ in range(2):
        html = strict.get(path).content.decode()
        tokens.add(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    assert len(tokens) == 2  # masked afresh on every page
    for token in tokens:
        voted = strict.post(
            site_path(site, "post_vote", first.id),
            {"vote": "up", "csrfmiddlewaretoken": token},
            HTTP_HX_REQUEST="true",
        )
        assert voted.status_code == 200, voted.content


def test_a_question_list_renders_again_only_the_rows_that_changed(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pnyx.web.views import questions as views

    asker = factories.create_user("Asker")
    voter = factories.create_user("Voter", reputation=100)
    listed = [
        factories.ask_question(asker, f"Question number {n} on the list", BODY, ["cache"])
        for n in range(3)
    ]
    rendered: list[int] = []
    real = views.get_template

    class Counting:
        def __init__(self, name: str) -> None:
            self.template = real(name)

        def render(self, context: dict[str, object]) -> str:
            rendered.append(context["q"].pk)  # type: ignore[attr-defined]
            return str(self.template.render(context))

    monkeypatch.setattr(views, "get_template", Counting)
    reader = Client(HTTP_COOKIE="sessionid=none")  # a cookie: the whole page is not cached
    path = site_path(site, "questions")
    assert reader.get(path).status_code == 200
    assert sorted(rendered) == sorted(q.pk for q in listed)
    rendered.clear()
    actions.check_vote(actor=voter, post_id=listed[1].pk, vote="up")
    page = reader.get(path).content.decode()
    assert rendered == [listed[1].pk]
    before_title = page.split("Question number 1 on the list")[0]
    row = before_title.rsplit('<li class="question-summary">')[-1]
    assert "<strong>1</strong> vote" in row  # the new score, at once
