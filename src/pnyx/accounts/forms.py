"""Forms: they parse what was typed and hand it to the rules (`pnyx.accounts.rules`), so each
error is said once, beside the field it is about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest

from pnyx.accounts import rules
from pnyx.accounts.models import DISPLAY_NAME_MAX
from pnyx.errors import ValidationError


def _rule(check: Any, value: Any) -> Any:
    try:
        return check(value)
    except ValidationError as exc:
        raise forms.ValidationError(exc.message, code=exc.code) from exc


class SignupDetailsForm(forms.Form):
    """What Pnyx asks at sign-up beside allauth's e-mail and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    field_order = ["display_name", "email", "password1"]

    display_name = forms.CharField(
        label="Display name",
        max_length=DISPLAY_NAME_MAX * 2,  # longer input gets the rule's clearer message
        help_text=f"How other people see you; {rules.DISPLAY_NAME_MIN} to {DISPLAY_NAME_MAX} characters.",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def clean_display_name(self) -> str:
        return str(_rule(rules.check_account_display_name, self.cleaned_data["display_name"]))

    def signup(self, request: HttpRequest, user: Any) -> None:
        """allauth's hook; the adapter has already put the display name on the account."""


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Display name",
        max_length=200,
        help_text=f"{rules.DISPLAY_NAME_MIN} to {DISPLAY_NAME_MAX} characters.",
    )
    location = forms.CharField(
        label="Location", required=False, max_length=1000, help_text="Optional."
    )
    website_url = forms.CharField(
        label="Website",
        required=False,
        max_length=1000,
        help_text="Optional; an http:// or https:// address.",
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
    )
    about_me = forms.CharField(
        label="About me",
        required=False,
        max_length=20000,
        help_text=f"Markdown, as in posts; at most {rules.ABOUT_ME_MAX} characters.",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
