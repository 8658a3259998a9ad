"""How allauth fits Pnyx: where a person lands after signing in or out (the site they came from),
e-mail sent as a background task with the site's title in the subject, and the display name
kept on the account."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from pnyx.accounts.models import DISPLAY_NAME_MAX, Account
from pnyx.accounts.rules import check_account_display_name
from pnyx.accounts.tasks import send_email
from pnyx.errors import ValidationError


def _home(request: HttpRequest | None) -> str:
    """The home page of the site the request is on, or the network's."""
    if request is not None and getattr(request, "site", None) is not None:
        return reverse("site_home")
    return "/"


def _title(request: HttpRequest | None) -> str:
    site = getattr(request, "site", None) if request is not None else None
    return site.title if site is not None else "Pnyx"


def enqueue_message(message: EmailMessage) -> None:
    """Hand a rendered message to the background worker (`pnyx worker`)."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (str(content) for content, kind in message.alternatives if kind == "text/html"), None
        )
    send_email.enqueue(
        subject=str(message.subject),
        body=str(message.body),
        from_email=message.from_email,
        to=list(message.to),
        html=html,
        headers=dict(message.extra_headers),
    )


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{_title(allauth_context.request)}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "site_title": _title(request),
            "current_site": {"name": _title(request), "domain": request.get_host()},
        }
        ctx.update(context)
        enqueue_message(self.render_mail(template_prefix, email, ctx))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return _home(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return _home(request)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        return _home(request)

    def save_user(
        self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True
    ) -> Any:
        name = form.cleaned_data.get("display_name")
        if name:
            user.display_name = name
        return super().save_user(request, user, form, commit=commit)


class MFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        entity = super().get_public_key_credential_rp_entity()
        entity["name"] = "Pnyx"
        return dict(entity)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request: HttpRequest, sociallogin: Any, data: dict[str, Any]) -> Any:
        user: Account = super().populate_user(request, sociallogin, data)
        suggested = data.get("name") or data.get("username") or ""
        if not suggested and data.get("first_name"):
            suggested = f"{data.get('first_name', '')} {data.get('last_name', '')}"
        try:
            user.display_name = check_account_display_name(str(suggested)[:DISPLAY_NAME_MAX])
        except ValidationError:
            user.display_name = ""  # the sign-up form then asks for one
        return user
