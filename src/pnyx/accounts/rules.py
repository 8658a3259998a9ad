"""Validation of what a person types about themselves: one function per rule, raising
`pnyx.errors.ValidationError` with a message that says what to change."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from pnyx.accounts.models import DISPLAY_NAME_MAX
from pnyx.errors import ValidationError

DISPLAY_NAME_MIN = 3
LOCATION_MAX = 100
WEBSITE_MAX = 200
ABOUT_ME_MAX = 3000


def _no_control_characters(value: str, what: str) -> None:
    if any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t" for ch in value):
        raise ValidationError(f"The {what} contains invisible control characters; remove them.")


def check_account_display_name(name: str) -> str:
    """A display name: 3 to 30 characters once spaces are collapsed, no control characters."""
    clean = re.sub(r"\s+", " ", name or "").strip()
    _no_control_characters(clean, "display name")
    if len(clean) < DISPLAY_NAME_MIN:
        raise ValidationError(f"A display name needs at least {DISPLAY_NAME_MIN} characters.")
    if len(clean) > DISPLAY_NAME_MAX:
        raise ValidationError(
            f"A display name can have at most {DISPLAY_NAME_MAX} characters "
            f"(this one has {len(clean)})."
        )
    return clean


def check_location(location: str) -> str:
    clean = re.sub(r"\s+", " ", location or "").strip()
    _no_control_characters(clean, "location")
    if len(clean) > LOCATION_MAX:
        raise ValidationError(
            f"A location can have at most {LOCATION_MAX} characters (this one has {len(clean)})."
        )
    return clean


def check_website(url: str) -> str:
    """An http or https address with a host name, or nothing."""
    clean = (url or "").strip()
    if not clean:
        return ""
    if len(clean) > WEBSITE_MAX:
        raise ValidationError(
            f"A website address can have at most {WEBSITE_MAX} characters "
            f"(this one has {len(clean)})."
        )
    if re.search(r"\s", clean):
        raise ValidationError("A website address cannot contain spaces.")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(?!\d)", clean)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise ValidationError(
            "The website must be an http:// or https:// address, such as https://example.org."
        )
    if "://" not in clean:
        clean = f"https://{clean}"
    try:
        # Brackets ask for an IPv6 address, which urlsplit checks: `[link](...)` is no address.
        parts = urlsplit(clean)
    except ValueError:
        raise ValidationError(
            "The website address is not a valid address; write it as https://example.org."
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            "The website must be an http:// or https:// address, such as https://example.org."
        )
    if "." not in parts.hostname or parts.hostname.startswith(".") or parts.hostname.endswith("."):
        raise ValidationError(
            "The website's host name looks incomplete; write it in full, such as example.org."
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValidationError("The website address has a port that is not a number.") from None
    return clean


def check_about_me(markdown: str) -> str:
    clean = (markdown or "").replace("\r\n", "\n").strip()
    _no_control_characters(clean, "about me text")
    if len(clean) > ABOUT_ME_MAX:
        raise ValidationError(
            f"About me can have at most {ABOUT_ME_MAX} characters (this has {len(clean)})."
        )
    return clean


def user_display(account: Any) -> str:
    """How allauth names an account in its pages and e-mails."""
    return str(getattr(account, "display_name", "") or getattr(account, "email", ""))
