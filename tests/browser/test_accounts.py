"""One person signs up, logs out, logs in again, joins a community and edits their profile,
in Chromium, with nothing but the pages' forms and links; axe checks the signed-in pages."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from .conftest import describe_violations, run_axe, serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "a-long-browser-secret-7"


def _no_serious_violations(page: Any) -> None:
    violations = serious_violations(run_axe(page))
    assert not violations, describe_violations(violations)


def test_sign_up_log_out_log_in_and_edit_the_profile(
    page: Any, live_server: Any, make_site: Any
) -> None:
    site = make_site(title="Gardening")
    email = f"{uuid.uuid4().hex[:10]}@example.org"
    page.goto(live_server(f"/{site.name}/questions"))

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Display name").fill("Browser Gardener")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"**/{site.name}/questions")

    page.get_by_role("button", name="Join this community").click()
    page.wait_for_url(f"**/{site.name}/questions")
    topbar = page.locator(".topbar-account")
    assert "Browser Gardener" in topbar.inner_text()
    assert "1" in topbar.locator(".rep").inner_text()

    page.get_by_role("button", name="Log out").click()
    assert page.get_by_role("link", name="Log in", exact=True).is_visible()

    page.get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Email").fill(email.upper())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(f"**/{site.name}/questions")

    page.locator(".topbar-user").click()
    page.get_by_role("link", name="Edit profile").click()
    _no_serious_violations(page)
    page.get_by_label("Display name").fill("Green Thumb")
    page.get_by_label("Location").fill("Kew")
    page.get_by_label("Website").fill("https://example.org/garden")
    page.get_by_label("About me").fill("I grow *tomatoes* and [roses](https://example.org/roses).")
    page.get_by_role("button", name="Save profile").click()

    page.wait_for_url(f"**/{site.name}/users/*/green-thumb")
    assert page.get_by_role("heading", level=1).inner_text() == "Green Thumb"
    about = page.locator(".about-me")
    assert about.locator("em").inner_text() == "tomatoes"
    assert about.get_by_role("link", name="roses").get_attribute("href") == (
        "https://example.org/roses"
    )
    assert "Kew" in page.locator(".user-facts").inner_text()
    assert "Green Thumb" in page.locator(".topbar-account").inner_text()

    page.goto(live_server(f"/{site.name}/users/account/"))
    _no_serious_violations(page)
