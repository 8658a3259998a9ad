"""Account addresses, included by both URLconfs (the network's `pnyx.web.urls` and each site's
`pnyx.web.site_urls`): allauth reverses its own URL names, so both need all of them.

Stack Exchange's `/users/login`, `/users/signup` and `/users/logout`; allauth's other pages
(password, e-mail, two-factor authentication, GitHub and Google) under `/users/account/`.
"""

from __future__ import annotations

from allauth.account import urls as allauth_account_urls
from allauth.account import views as allauth_views
from allauth.socialaccount.urls import urlpatterns as socialaccount_patterns
from allauth.urls import build_provider_urlpatterns
from django.urls import URLPattern, URLResolver, include, path

from pnyx.accounts import views
from pnyx.web.converters import register

register()

# Served at Stack Exchange's addresses instead of allauth's.
_MOVED = {"account_login", "account_logout", "account_signup"}

account_urlpatterns: list[URLPattern | URLResolver] = [
    path("users/login", allauth_views.login, name="account_login"),
    path("users/signup", allauth_views.signup, name="account_signup"),
    path("users/logout", allauth_views.logout, name="account_logout"),
    path("users/account/", views.account_settings, name="account_settings"),
    path("users/account/delete/", views.delete_account, name="account_delete"),
    path(
        "users/account/",
        include(
            [
                *(
                    p
                    for p in allauth_account_urls.urlpatterns
                    if getattr(p, "name", None) not in _MOVED
                ),
                path("2fa/", include("allauth.mfa.urls")),
                path("3rdparty/", include(socialaccount_patterns)),
                *build_provider_urlpatterns(),
            ]
        ),
    ),
]

# Only on a site: joining it and editing one's profile there.
site_account_urlpatterns: list[URLPattern | URLResolver] = [
    path("users/join", views.join_site, name="join_site"),
    path("users/edit/<id:user_id>", views.edit_profile, name="edit_profile"),
]
