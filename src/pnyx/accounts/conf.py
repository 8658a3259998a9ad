"""The accounts' settings read from `PNYX_*` environment variables: e-mail delivery, e-mail
verification, sign-in with GitHub or Google, background tasks.

`settings.py` turns the `AccountsConfig` into Django's and allauth's settings; kept apart so that
a bad value is reported in one line before Django starts, like `pnyx.config`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pnyx.config import TRUE_WORDS
from pnyx.errors import ConfigurationError

VERIFICATION_CHOICES = ("optional", "mandatory")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def _text(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _flag(name: str) -> bool:
    return (os.environ.get(name) or "").strip().lower() in TRUE_WORDS


def _port(name: str, default: int) -> int:
    value = _text(name)
    if value is None:
        return default
    try:
        port = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a port number") from None
    if not 0 < port < 65536:
        raise ConfigurationError(f"{name}={port} is out of range (1-65535)")
    return port


def _count(name: str, default: int) -> int:
    value = _text(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigurationError(f"{name}={value!r} is not a whole number") from None
    if number < 0:
        raise ConfigurationError(f"{name} cannot be negative")
    return number


@dataclass(frozen=True)
class AccountsConfig:
    email_backend: str
    email_settings: dict[str, Any]
    default_from_email: str
    email_verification: str
    social_apps: dict[str, dict[str, str]] = field(default_factory=dict)
    task_backend: str = TASK_BACKENDS["database"]
    trusted_proxy_count: int = 0
    https: bool = False


def load_accounts_config(data_dir: Path) -> AccountsConfig:
    """Read and check the environment; raise `ConfigurationError` naming the variable at fault."""
    host = _text("PNYX_EMAIL_HOST")
    file_path = _text("PNYX_EMAIL_FILE_PATH")
    email_settings: dict[str, Any] = {}
    if host and file_path:
        raise ConfigurationError("set PNYX_EMAIL_HOST (SMTP) or PNYX_EMAIL_FILE_PATH, not both")
    if host:
        use_tls, use_ssl = _flag("PNYX_EMAIL_USE_TLS"), _flag("PNYX_EMAIL_USE_SSL")
        if use_tls and use_ssl:
            raise ConfigurationError("PNYX_EMAIL_USE_TLS and PNYX_EMAIL_USE_SSL exclude each other")
        backend = "django.core.mail.backends.smtp.EmailBackend"
        email_settings = {
            "EMAIL_HOST": host,
            "EMAIL_PORT": _port("PNYX_EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
            "EMAIL_HOST_USER": _text("PNYX_EMAIL_USER") or "",
            "EMAIL_HOST_PASSWORD": os.environ.get("PNYX_EMAIL_PASSWORD", ""),
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
            "EMAIL_TIMEOUT": 30,
        }
    elif file_path:
        backend = "django.core.mail.backends.filebased.EmailBackend"
        path = Path(file_path).expanduser()
        email_settings = {"EMAIL_FILE_PATH": str(path if path.is_absolute() else data_dir / path)}
    else:
        backend = "django.core.mail.backends.console.EmailBackend"

    verification = (_text("PNYX_EMAIL_VERIFICATION") or "optional").lower()
    if verification not in VERIFICATION_CHOICES:
        raise ConfigurationError(
            f"PNYX_EMAIL_VERIFICATION={verification!r}: use optional or mandatory"
        )

    social: dict[str, dict[str, str]] = {}
    for provider, prefix in (("github", "PNYX_GITHUB"), ("google", "PNYX_GOOGLE")):
        client_id, secret = _text(f"{prefix}_CLIENT_ID"), _text(f"{prefix}_SECRET")
        if bool(client_id) != bool(secret):
            raise ConfigurationError(f"set both {prefix}_CLIENT_ID and {prefix}_SECRET, or neither")
        if client_id and secret:
            social[provider] = {"client_id": client_id, "secret": secret}

    tasks = (_text("PNYX_TASK_BACKEND") or "database").lower()
    if tasks not in TASK_BACKENDS:
        raise ConfigurationError(
            f"PNYX_TASK_BACKEND={tasks!r}: use {' or '.join(sorted(TASK_BACKENDS))}"
        )

    return AccountsConfig(
        email_backend=backend,
        email_settings=email_settings,
        default_from_email=_text("PNYX_DEFAULT_FROM_EMAIL") or "Pnyx <pnyx@localhost>",
        email_verification=verification,
        social_apps=social,
        task_backend=TASK_BACKENDS[tasks],
        trusted_proxy_count=_count("PNYX_TRUSTED_PROXY_COUNT", 0),
        https=_flag("PNYX_HTTPS"),
    )
