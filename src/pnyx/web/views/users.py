"""User pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pnyx.posts.selectors import get_user, user_activity
from pnyx.posts.slugs import slugify_name


def user_redirect(request: HttpRequest, user_id: int, slug: str | None = None) -> HttpResponse:
    user = get_user(user_id)
    if user is None:
        raise Http404("no such user")
    return redirect(
        reverse("user", args=[user.id, slugify_name(user.display_name)]), permanent=True
    )


def user_page(request: HttpRequest, user_id: int, slug: str) -> HttpResponse:
    user = get_user(user_id)
    if user is None:
        raise Http404("no such user")
    if slug != slugify_name(user.display_name):
        return redirect(
            reverse("user", args=[user.id, slugify_name(user.display_name)]), permanent=True
        )
    return render(request, "pnyx/user.html", {"activity": user_activity(user), "profile": user})
