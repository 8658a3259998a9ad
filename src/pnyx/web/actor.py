"""Who is acting on a site request: the signed-in account's user on the request's site.

`request.site_user` (set lazily by the accounts middleware) is the reader's `SiteUser`, or None
for a reader who is not signed in or has not joined the site. An action joins the site on the
reader's behalf, as Stack Exchange does on a first post or vote.
"""

from __future__ import annotations

from django.http import HttpRequest

from pnyx.errors import NotSignedIn
from pnyx.network.models import Site
from pnyx.posts.models import SiteUser


def site_of(request: HttpRequest) -> Site:
    """The site the request is for (set by `pnyx.web.middleware.SiteMiddleware`)."""
    site: Site = request.site  # type: ignore[attr-defined,assignment]
    return site


def reader(request: HttpRequest) -> SiteUser | None:
    """The reader's user on this site, or None (no query for anonymous requests)."""
    return getattr(request, "site_user", None)


def require_actor(request: HttpRequest, what: str = "do this") -> SiteUser:
    """The signed-in reader's user on this site, joining it if need be; `NotSignedIn` else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NotSignedIn(f"Log in or sign up to {what}.")
    site_user = reader(request)
    if site_user is None:
        from pnyx.accounts.membership import ensure_site_user

        site_user = ensure_site_user(user, site_of(request))
        request.site_user = site_user  # type: ignore[attr-defined]
        return site_user
    # The page's copy may be a few seconds old (pnyx.accounts.fastpath): act as the user is now.
    return SiteUser.objects.using(site_of(request).db_alias).get(pk=site_user.pk)
