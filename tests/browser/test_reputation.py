"""A signed-in reader votes up someone's answer in the page (htmx, in place), and the answer's
author's reputation tab lists the +10 for that answer."""

from __future__ import annotations

from typing import Any

import pytest
from tests import factories
from tests.constants import ACCOUNT_PASSWORD

from pnyx.accounts.membership import ensure_site_user
from pnyx.posts.models import SiteUser
from pnyx.posts.slugs import slugify_name, slugify_title
from pnyx.sites.context import activated

from .conftest import describe_violations, run_axe, serious_violations

pytestmark = pytest.mark.browser

BODY = "A body that is long enough to pass the thirty character rule."
TITLE = "How long should a stout age before drinking?"


def test_an_up_vote_shows_on_the_authors_reputation_tab(
    page: Any, live_server: Any, make_site: Any, make_account: Any
) -> None:
    from playwright.sync_api import expect

    site = make_site(title="Brewing")
    account = make_account("Browser Voter")
    voter = ensure_site_user(account, site)
    with activated(site):
        SiteUser.objects.filter(pk=voter.pk).update(reputation=20)  # voting up needs 15
        asker = factories.create_user("Stout Asker")
        author = factories.create_user("Stout Answerer")
        question = factories.ask_question(asker, TITLE, BODY, "stout")
        answer = factories.post_answer(question, author, BODY + " Six months at cellar heat.")
    question_path = f"/{site.name}/questions/{question.pk}/{slugify_title(TITLE)}"

    page.goto(live_server(f"/{site.name}/users/login?next={question_path}"))
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(ACCOUNT_PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"**{question_path}")

    cell = page.locator(f"#vote-{answer.pk}")
    expect(cell.locator(".score")).to_contain_text("0")
    url_before = page.url
    cell.get_by_role("button", name="Up vote").click()
    expect(page.locator(f"#vote-{answer.pk} .score")).to_contain_text("1")
    expect(page.locator(f"#vote-{answer.pk} .vote-up")).to_have_attribute("aria-pressed", "true")
    assert page.url == url_before, "the vote should happen in place"

    page.goto(
        live_server(
            f"/{site.name}/users/{author.pk}/{slugify_name(author.display_name)}?tab=reputation"
        )
    )
    change = page.locator(".rep-changes li").filter(has_text="upvote")
    expect(change).to_have_count(1)
    expect(change.locator(".rep-amount")).to_have_text("+10")
    link = change.get_by_role("link", name=TITLE)
    expect(link).to_have_attribute("href", f"{question_path}/{answer.pk}#{answer.pk}")
    expect(page.locator(".rep-day h3 .rep-amount")).to_have_text("+10")
    expect(page.locator(".rep-big")).to_have_text("11")
    violations = serious_violations(run_axe(page))
    assert not violations, describe_violations(violations)
