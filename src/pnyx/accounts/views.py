"""Pages of the accounts beside allauth's: the account settings index, deleting the account,
joining a site and editing one's profile on it. Thin: parse, call the domain, render."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from pnyx.accounts import deletion, membership, profile
from pnyx.accounts.forms import ProfileForm
from pnyx.errors import NotAllowed, NotFound, NotSignedIn, ValidationError
from pnyx.posts.slugs import slugify_name
from pnyx.sites.context import active_site


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-cache"
    return response


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    return _private(render(request, "accounts/settings.html", {}))


@login_required
@reauthentication_required  # the password again, so that a borrowed session cannot do it
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            checked = deletion.check_delete_account(
                actor=request.user,  # type: ignore[arg-type]
                account=request.user,  # type: ignore[arg-type]
                confirmation=request.POST.get("confirmation", ""),
            )
        except ValidationError as exc:
            error = exc.message
        else:
            logout(request)
            deletion.do_delete_account(checked)
            messages.success(
                request, "Your account is deleted. What you wrote stays, under your name."
            )
            home = reverse("site_home") if getattr(request, "site", None) else "/"
            return redirect(home)
    status = 400 if error else 200
    return _private(
        render(
            request,
            "accounts/delete.html",
            {"error": error, "confirmation_word": deletion.CONFIRMATION_WORD},
            status=status,
        )
    )


@require_POST
def join_site(request: HttpRequest) -> HttpResponse:
    site = active_site()
    try:
        account = membership.check_join_site(account=request.user, site=site)  # type: ignore[arg-type]
    except NotSignedIn:
        return redirect(f"{reverse('account_login')}?next={reverse('site_home')}")
    except NotAllowed as exc:
        return _private(
            render(request, "accounts/message.html", {"message": exc.message}, status=403)
        )
    site_user = membership.do_join_site(account=account, site=site)
    messages.success(request, f"Welcome to {site.title}!")
    default = reverse("user", args=[site_user.id, slugify_name(site_user.display_name)])
    return redirect(_safe_next(request, default))


@require_http_methods(["GET", "POST"])
def edit_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    site = active_site()
    actor = request.site_user  # type: ignore[attr-defined]
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    try:
        user = profile.access_profile(site=site, user_id=user_id, actor=actor)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except (NotAllowed, NotSignedIn) as exc:
        return _private(
            render(request, "accounts/message.html", {"message": exc.message}, status=403)
        )
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            data: dict[str, Any] = form.cleaned_data
            try:
                edit = profile.check_edit_profile(
                    site=site,
                    actor=actor,
                    user_id=user_id,
                    display_name=data["display_name"],
                    location=data["location"],
                    website_url=data["website_url"],
                    about_me=data["about_me"],
                )
            except profile.ProfileInvalid as exc:
                for field, message in exc.fields.items():
                    form.add_error(field, message)
            else:
                saved = profile.do_edit_profile(edit, site=site)
                messages.success(request, "Your profile is saved.")
                return redirect(reverse("user", args=[saved.id, slugify_name(saved.display_name)]))
        status = 400
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "location": user.location or "",
                "website_url": user.website_url or "",
                "about_me": user.about_me_markdown or "",
            }
        )
        status = 200
    return _private(
        render(
            request,
            "accounts/edit_profile.html",
            {"form": form, "profile": user},
            status=status,
        )
    )
