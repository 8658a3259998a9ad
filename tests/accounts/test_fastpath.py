"""A signed-in request's session, account and site user: shared where it matters, kept in the
process a few seconds where it does not (pnyx.accounts.fastpath)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from pnyx.accounts import fastpath
from pnyx.accounts.membership import ensure_site_user
from pnyx.posts.models import SiteUser


@pytest.fixture
def cached() -> Iterator[None]:
    fastpath.accounts.clear()
    fastpath.site_users.clear()
    with override_settings(PNYX_ACCOUNT_CACHE_SECONDS=60):
        yield
    fastpath.accounts.clear()
    fastpath.site_users.clear()


def test_a_kept_account_spares_the_network_database_a_query(cached, site, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account("Kept Person")
    ensure_site_user(account, site)
    client = Client()
    client.force_login(account)
    path = f"/{site.name}/questions"
    client.get(path)
    with CaptureQueriesContext(connections["default"]) as network:
        page = client.get(path).content.decode()
    assert "Kept Person" in page
    queries = [q["sql"] for q in network.captured_queries]
    assert any("django_session" in q for q in queries)  # the session: shared, read every time
    assert not any('"accounts"' in q for q in queries), queries  # the account: kept


def test_a_changed_password_ends_other_sessions_and_keeps_the_changers(
    cached, site, make_account
) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings
    from django.contrib.auth import update_session_auth_hash
    from django.test import RequestFactory

    account = make_account("Changer")
    ensure_site_user(account, site)
    other, mine = Client(), Client()
    other.force_login(account)
    mine.force_login(account)
    path = f"/{site.name}/questions"
    assert "Changer" in other.get(path).content.decode()  # the process keeps the account
    account.set_password("a-new-password-9876")
    account.save()
    request = RequestFactory().get("/")
    request.session = mine.session
    request.user = account
    update_session_auth_hash(request, account)  # as the password change page does
    request.session.save()
    mine.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert "Changer" in mine.get(path).content.decode()
    assert "Log in" in other.get(path).content.decode()


def test_logging_out_ends_the_session_everywhere_at_once(cached, site, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account("Leaver")
    ensure_site_user(account, site)
    first = Client()
    first.force_login(account)
    second = Client()
    second.cookies = first.cookies
    path = f"/{site.name}/questions"
    assert "Leaver" in second.get(path).content.decode()
    first.post(f"/{site.name}/users/logout")
    assert "Leaver" not in second.get(path).content.decode()


def test_reputation_changed_here_shows_at_once(cached, site, make_account) -> None:  # type: ignore[no-untyped-def]
    from pnyx import events

    account = make_account("Climber")
    user = ensure_site_user(account, site)
    client = Client()
    client.force_login(account)
    path = f"/{site.name}/questions"
    client.get(path)
    SiteUser.objects.filter(pk=user.pk).update(reputation=4321)
    assert "4,321" not in client.get(path).content.decode()  # kept for a few seconds
    events.dispatch(site, events.Event(events.REPUTATION, {"user_ids": [user.pk]}))
    assert "4,321" in client.get(path).content.decode()
