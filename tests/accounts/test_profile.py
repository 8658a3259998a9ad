"""Editing one's profile at /users/edit/ID, and what the user page then shows."""

from __future__ import annotations

from typing import Any

from django.test import Client
from tests.accounts.conftest import log_in

from pnyx.accounts import membership
from pnyx.posts.models import SiteUser


def _member(make_site: Any, make_account: Any, name: str = "Ada Lovelace") -> Any:
    site = make_site(title="Engines")
    account = make_account(name)
    site_user = membership.ensure_site_user(account, site)
    client = Client()
    log_in(client, account.email)
    return site, site_user, client


def test_edit_profile_and_see_it_on_the_user_page(make_site, make_account) -> None:
    site, me, client = _member(make_site, make_account)
    profile_page = client.get(f"/{site.name}/users/{me.id}/ada-lovelace").content.decode()
    assert f'href="/{site.name}/users/edit/{me.id}"' in profile_page

    form = client.get(f"/{site.name}/users/edit/{me.id}")
    assert form.status_code == 200
    html = form.content.decode()
    for label in ("Display name", "Location", "Website", "About me"):
        assert f">{label}" in html, label

    response = client.post(
        f"/{site.name}/users/edit/{me.id}",
        {
            "display_name": "  Ada   King ",
            "location": "London",
            "website_url": "example.org/ada",
            "about_me": "I wrote **the first program**; see [notes](https://example.org/notes).",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/{site.name}/users/{me.id}/ada-king"
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Ada King</h1>" in page
    assert "London" in page
    assert 'href="https://example.org/ada"' in page
    assert "<strong>the first program</strong>" in page
    assert "Your profile is saved." in page
    saved = SiteUser.objects.using(site.db_alias).get(id=me.id)
    assert saved.about_me_markdown.startswith("I wrote **the first program**")
    assert "<strong>" in saved.about_me

    # The form shows the Markdown again, not the HTML.
    again = client.get(f"/{site.name}/users/edit/{me.id}").content.decode()
    assert "I wrote **the first program**" in again


def test_bad_profile_input_is_refused_field_by_field_and_nothing_is_saved(
    make_site, make_account
) -> None:
    site, me, client = _member(make_site, make_account)
    response = client.post(
        f"/{site.name}/users/edit/{me.id}",
        {
            "display_name": "x" * 31,
            "location": "y" * 101,
            "website_url": "javascript:alert(1)",
            "about_me": "z" * 3001,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A display name can have at most 30 characters (this one has 31)." in html
    assert "A location can have at most 100 characters" in html
    assert "The website must be an http:// or https:// address" in html
    assert "About me can have at most 3000 characters" in html
    assert "y" * 101 in html  # what was typed is still there to correct
    saved = SiteUser.objects.using(site.db_alias).get(id=me.id)
    assert saved.display_name == "Ada Lovelace"
    assert saved.location is None

    for bad_url, message in (
        ("https://localhost", "host name looks incomplete"),
        ("ftp://example.org", "http:// or https://"),
        ("https://exa mple.org", "cannot contain spaces"),
        ("[link](javascript:alert(1))", "not a valid address"),
        ("https://[example.org/", "not a valid address"),
    ):
        refused = client.post(
            f"/{site.name}/users/edit/{me.id}",
            {"display_name": "Ada", "website_url": bad_url},
        )
        assert refused.status_code == 400
        assert message in refused.content.decode(), bad_url


def test_only_the_user_themself_may_edit(make_site, make_account) -> None:
    site, me, _ = _member(make_site, make_account)
    other_account = make_account("Someone Else")
    membership.ensure_site_user(other_account, site)
    intruder = Client()
    log_in(intruder, other_account.email)
    assert intruder.get(f"/{site.name}/users/edit/{me.id}").status_code == 403
    refused = intruder.post(f"/{site.name}/users/edit/{me.id}", {"display_name": "Hacked"})
    assert refused.status_code == 403
    assert SiteUser.objects.using(site.db_alias).get(id=me.id).display_name == "Ada Lovelace"

    anonymous = Client().get(f"/{site.name}/users/edit/{me.id}")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(f"/{site.name}/users/login")
    assert Client().get(f"/{site.name}/users/edit/999999").status_code in (302, 404)


def test_check_edit_profile_keeps_the_actor_apart_from_the_user(make_site, make_account) -> None:
    import pytest

    from pnyx.accounts.profile import check_edit_profile
    from pnyx.errors import NotAllowed, NotSignedIn

    site, me, _ = _member(make_site, make_account)
    other = membership.ensure_site_user(make_account("Other"), site)
    fields = {"display_name": "New", "location": "", "website_url": "", "about_me": ""}
    with pytest.raises(NotAllowed):
        check_edit_profile(site=site, actor=other, user_id=me.id, **fields)
    with pytest.raises(NotSignedIn):
        check_edit_profile(site=site, actor=None, user_id=me.id, **fields)
    edit = check_edit_profile(site=site, actor=me, user_id=me.id, **fields)
    assert edit.user.id == me.id and edit.display_name == "New"
