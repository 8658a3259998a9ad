"""Joining a site: the site user, the association bonus, concurrent joins, repair, the top bar
and `request.site_user`."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from tests.accounts.conftest import log_in

from pnyx.accounts import membership
from pnyx.accounts.models import Membership
from pnyx.posts.models import ReputationEvent, ReputationKind, SiteUser
from pnyx.sites.context import activated


def _site_users(site: Any, account_id: int) -> list[SiteUser]:
    with activated(site):
        return list(SiteUser.objects.using(site.db_alias).filter(account_id=account_id))


def test_join_button_creates_the_site_user(make_site, make_account) -> None:
    site = make_site(title="Cooking")
    account = make_account("Julia Child")
    client = Client()
    log_in(client, account.email)
    home = client.get(f"/{site.name}/").content.decode()
    assert "Join this community" in home

    response = client.post(f"/{site.name}/users/join", {"next": f"/{site.name}/questions"})
    assert response.status_code == 302
    assert response["Location"] == f"/{site.name}/questions"
    [site_user] = _site_users(site, account.id)
    assert site_user.display_name == "Julia Child"
    assert site_user.reputation == 1
    assert site_user.reputation_start is None
    membership_row = Membership.objects.get(account=account, site=site)
    assert membership_row.site_user_id == site_user.id

    page = client.get(f"/{site.name}/questions").content.decode()
    assert "Join this community" not in page
    assert f'href="/{site.name}/users/{site_user.id}/julia-child"' in page
    assert "Julia Child" in page

    # Joining again changes nothing.
    client.post(f"/{site.name}/users/join")
    assert len(_site_users(site, account.id)) == 1


def test_join_needs_a_signed_in_account(make_site) -> None:
    site = make_site()
    response = Client().post(f"/{site.name}/users/join")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/{site.name}/users/login")
    assert not SiteUser.objects.using(site.db_alias).exists()


def _set_reputation(site: Any, site_user: SiteUser, reputation: int) -> None:
    SiteUser.objects.using(site.db_alias).filter(id=site_user.id).update(reputation=reputation)


@pytest.mark.parametrize(("elsewhere", "bonus"), [(200, True), (199, False)])
def test_association_bonus(make_site, make_account, elsewhere: int, bonus: bool) -> None:
    first, second = make_site(title="First"), make_site(title="Second")
    account = make_account()
    on_first = membership.ensure_site_user(account, first)
    _set_reputation(first, on_first, elsewhere)

    on_second = membership.ensure_site_user(account, second)
    events = list(ReputationEvent.objects.using(second.db_alias).filter(user_id=on_second.id))
    if bonus:
        assert on_second.reputation == 101
        assert on_second.reputation_start == 1
        assert on_second.reputation_earned == 100
        assert [(e.kind, e.points) for e in events] == [(ReputationKind.ASSOCIATION_BONUS, 100)]
        assert events[0].day == on_second.creation_date.date()
    else:
        assert on_second.reputation == 1
        assert on_second.reputation_start is None
        assert events == []


def test_association_bonus_shows_in_the_top_bar(make_site, make_account) -> None:
    first, second = make_site(title="First"), make_site(title="Second")
    account = make_account("Bonus Person")
    _set_reputation(first, membership.ensure_site_user(account, first), 500)
    client = Client()
    log_in(client, account.email)
    client.post(f"/{second.name}/users/join")
    page = client.get(f"/{second.name}/").content.decode()
    assert "Bonus Person" in page
    assert ">101<" in page


def test_top_bar_shows_the_members_badge_counts(make_site, make_account) -> None:
    from django.utils import timezone

    from pnyx.posts.models import Badge, BadgeClass

    site = make_site()
    account = make_account("Badge Holder")
    site_user = membership.ensure_site_user(account, site)
    with activated(site):
        Badge.objects.bulk_create(
            Badge(user_id=site_user.pk, name=name, date=timezone.now(), badge_class=badge_class)
            for name, badge_class in [
                ("Famous Question", BadgeClass.GOLD),
                ("Nice Answer", BadgeClass.SILVER),
                ("Nice Answer", BadgeClass.SILVER),
                ("Student", BadgeClass.BRONZE),
            ]
        )
    client = Client()
    log_in(client, account.email)
    # A page drawn by the shell (the site home) and one drawn by a template (the user list).
    for path in ("/", "/users"):
        page = client.get(f"/{site.name}{path}").content.decode()
        corner = page.split('class="topbar-user"')[1].split("</header>")[0]
        for title in ("1 gold badge", "2 silver badges", "1 bronze badge"):
            assert f'title="{title}"' in corner, (path, title)


def test_concurrent_joins_make_one_site_user(make_site, make_account) -> None:
    site = make_site()
    account = make_account()
    start = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def join() -> None:
        try:
            start.wait()
            results.append(membership.do_join_site(account=account, site=site).id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1
    assert len(_site_users(site, account.id)) == 1
    assert Membership.objects.filter(account=account, site=site).count() == 1


def test_repair_finishes_a_half_done_join(make_site, make_account, capsys) -> None:
    from pnyx.cli import main

    site = make_site()
    stopped_after_network_row = make_account("Half Done")
    Membership.objects.create(account=stopped_after_network_row, site=site)
    stopped_after_site_row = make_account("Almost Done")
    membership.do_join_site(account=stopped_after_site_row, site=site)
    Membership.objects.filter(account=stopped_after_site_row).update(site_user_id=None)

    assert main(["accounts", "repair", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"account {stopped_after_network_row.id} on {site.name}: would create" in out
    assert f"account {stopped_after_site_row.id} on {site.name}: would link" in out
    assert Membership.objects.get(account=stopped_after_network_row).site_user_id is None

    assert main(["accounts", "repair"]) == 0
    out = capsys.readouterr().out
    assert "created the site user" in out and "linked the existing site user" in out
    for account in (stopped_after_network_row, stopped_after_site_row):
        [site_user] = _site_users(site, account.id)
        assert Membership.objects.get(account=account).site_user_id == site_user.id

    assert main(["accounts", "repair"]) == 0
    assert "nothing to repair" in capsys.readouterr().out


def test_request_site_user(make_site, make_account) -> None:
    from django.contrib.auth.models import AnonymousUser

    from pnyx.accounts.middleware import SiteUserMiddleware

    site = make_site()
    account = make_account()
    joined = membership.ensure_site_user(account, site)
    seen: dict[str, Any] = {}

    def view(request: Any) -> Any:
        seen["site_user"] = request.site_user
        return None

    middleware = SiteUserMiddleware(view)  # type: ignore[arg-type]

    anonymous = RequestFactory().get("/")
    anonymous.site = site  # type: ignore[attr-defined]
    anonymous.user = AnonymousUser()
    with (
        activated(site),
        CaptureQueriesContext(connections[site.db_alias]) as on_site,
        CaptureQueriesContext(connections["default"]) as on_network,
    ):
        middleware(anonymous)
    assert seen["site_user"] is None
    assert len(on_site) == len(on_network) == 0

    signed_in = RequestFactory().get("/", HTTP_COOKIE="sessionid=x")
    signed_in.site = site  # type: ignore[attr-defined]
    signed_in.user = account
    with activated(site), CaptureQueriesContext(connections[site.db_alias]) as on_site:
        middleware(signed_in)
        assert seen["site_user"].id == joined.id
        assert signed_in.site_user is seen["site_user"]  # type: ignore[attr-defined]
    assert len(on_site) == 1  # the user with their badge counts

    at_root = RequestFactory().get("/", HTTP_COOKIE="sessionid=x")
    at_root.site = None  # type: ignore[attr-defined]
    at_root.user = account
    middleware(at_root)
    assert seen["site_user"] is None


def test_top_bar_for_anonymous_readers_offers_log_in_and_sign_up(politics) -> None:
    page = Client().get("/politics/questions").content.decode()
    assert 'href="/politics/users/login?next=/politics/questions"' in page
    assert 'href="/politics/users/signup?next=/politics/questions"' in page
    root = Client().get("/").content.decode()
    assert 'href="/users/login"' in root and 'href="/users/signup"' in root
