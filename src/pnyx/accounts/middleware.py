"""`request.site_user`: the signed-in account's user on the request's site, or None."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.http import HttpRequest, HttpResponse

from pnyx.accounts.fastpath import clone, site_users
from pnyx.accounts.selectors import top_bar_site_user

_classes: dict[type, type] = {}


def _signed_in_account_id(request: HttpRequest) -> int | None:
    """The account id of a signed-in request; no query for a request without a session."""
    from django.conf import settings

    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return int(user.pk)


def _site_user(request: Any) -> Any:
    site = getattr(request, "site", None)
    if site is None:
        return None
    account_id = _signed_in_account_id(request)
    if account_id is None:
        return None
    # Kept a few seconds in this process (see pnyx.accounts.fastpath); only members are kept,
    # so that joining shows at once.
    key = (site.id, site.database_url, account_id)
    cached = site_users.get(key)
    if cached is not None:
        return clone(cached)
    site_user = top_bar_site_user(account_id, site)
    if site_user is not None:
        site_users.set(key, clone(site_user))
    return site_user


def _with_site_user(cls: type) -> type:
    """`cls` with a lazy, cached `site_user` attribute (made once per request class)."""
    made = _classes.get(cls)
    if made is None:
        made = type(cls.__name__, (cls,), {"site_user": cached_property(_site_user)})
        _classes[cls] = made
    return made


class SiteUserMiddleware:
    """Placed after `SiteMiddleware` (and Django's `AuthenticationMiddleware`).

    `request.site_user` is worked out on first use and kept for the request: None for a
    request without a session cookie (no query at all), for the network root, and for an
    account that has not joined the site; otherwise one query on the site's database, which
    also counts the user's badges for the top bar (`pnyx.posts.selectors.with_badge_counts`).
    It is a real `SiteUser` or None (not a lazy proxy), so `request.site_user is None` is a
    fair test. The attribute is a cached property of the request's class, hence the subclass.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.__class__ = _with_site_user(type(request))
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response: Any) -> Any:
        """allauth's pages put the request's host, as `site`, in their context; Pnyx's frame
        means the request's community (or None at the network root) by that name."""
        context = getattr(response, "context_data", None)
        if isinstance(context, dict) and "site" in context:
            context["site"] = getattr(request, "site", None)
        return response
