"""Help pages: the privileges of the site's stage, and how reputation is earned."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pnyx.network.models import PrivilegeLevel
from pnyx.posts import privileges
from pnyx.posts import reputation as points
from pnyx.web.actor import reader, site_of


def privilege_list(request: HttpRequest) -> HttpResponse:
    """`/help/privileges`: every privilege with the reputation it needs on this site."""
    site = site_of(request)
    user = reader(request)
    return render(
        request,
        "pnyx/privileges.html",
        {
            "rows": privileges.privilege_table(site, user),
            "level": PrivilegeLevel(site.privilege_level).label,
            "reader": user,
            "points": points,
        },
    )
