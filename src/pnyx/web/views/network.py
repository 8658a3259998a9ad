"""The network home: the list of sites."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pnyx.sites.registry import all_sites


def network_home(request: HttpRequest) -> HttpResponse:
    return render(request, "pnyx/network_home.html", {"sites": all_sites()})
