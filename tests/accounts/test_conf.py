"""The PNYX_* variables of accounts, e-mail and tasks, and what settings they become."""

from __future__ import annotations

from pathlib import Path

import pytest

from pnyx.accounts.conf import load_accounts_config
from pnyx.errors import ConfigurationError

VARIABLES = [
    "PNYX_EMAIL_HOST", "PNYX_EMAIL_PORT", "PNYX_EMAIL_USER", "PNYX_EMAIL_PASSWORD",
    "PNYX_EMAIL_USE_TLS", "PNYX_EMAIL_USE_SSL", "PNYX_EMAIL_FILE_PATH",
    "PNYX_DEFAULT_FROM_EMAIL", "PNYX_EMAIL_VERIFICATION", "PNYX_GITHUB_CLIENT_ID",
    "PNYX_GITHUB_SECRET", "PNYX_GOOGLE_CLIENT_ID", "PNYX_GOOGLE_SECRET", "PNYX_TASK_BACKEND",
    "PNYX_TRUSTED_PROXY_COUNT", "PNYX_HTTPS",
]  # fmt: skip


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = load_accounts_config(tmp_path)
    assert config.email_backend == "django.core.mail.backends.console.EmailBackend"
    assert config.email_verification == "optional"
    assert config.social_apps == {}
    assert config.task_backend == "django_tasks_db.DatabaseBackend"


def test_smtp(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("PNYX_EMAIL_HOST", "smtp.example.org")
    env.setenv("PNYX_EMAIL_USER", "pnyx")
    env.setenv("PNYX_EMAIL_PASSWORD", "s3cret")
    env.setenv("PNYX_EMAIL_USE_TLS", "1")
    env.setenv("PNYX_DEFAULT_FROM_EMAIL", "Q&A <qa@example.org>")
    config = load_accounts_config(tmp_path)
    assert config.email_backend == "django.core.mail.backends.smtp.EmailBackend"
    assert config.email_settings["EMAIL_HOST"] == "smtp.example.org"
    assert config.email_settings["EMAIL_PORT"] == 587
    assert config.email_settings["EMAIL_USE_TLS"] is True
    assert config.email_settings["EMAIL_HOST_PASSWORD"] == "s3cret"
    assert config.default_from_email == "Q&A <qa@example.org>"


def test_file_folder_and_social_keys(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env.setenv("PNYX_EMAIL_FILE_PATH", "mail")
    env.setenv("PNYX_GITHUB_CLIENT_ID", "id")
    env.setenv("PNYX_GITHUB_SECRET", "secret")
    env.setenv("PNYX_EMAIL_VERIFICATION", "Mandatory")
    config = load_accounts_config(tmp_path)
    assert config.email_backend == "django.core.mail.backends.filebased.EmailBackend"
    assert config.email_settings["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    assert config.social_apps == {"github": {"client_id": "id", "secret": "secret"}}
    assert config.email_verification == "mandatory"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"PNYX_EMAIL_VERIFICATION": "always"}, "PNYX_EMAIL_VERIFICATION='always'"),
        ({"PNYX_GOOGLE_CLIENT_ID": "id"}, "PNYX_GOOGLE_CLIENT_ID and PNYX_GOOGLE_SECRET"),
        ({"PNYX_EMAIL_HOST": "h", "PNYX_EMAIL_PORT": "smtp"}, "PNYX_EMAIL_PORT='smtp'"),
        ({"PNYX_EMAIL_HOST": "h", "PNYX_EMAIL_FILE_PATH": "x"}, "not both"),
        ({"PNYX_EMAIL_HOST": "h", "PNYX_EMAIL_USE_TLS": "1", "PNYX_EMAIL_USE_SSL": "1"}, "exclude"),
        ({"PNYX_TASK_BACKEND": "celery"}, "PNYX_TASK_BACKEND='celery'"),
    ],
)
def test_bad_values_are_named(
    env: pytest.MonkeyPatch, tmp_path: Path, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        load_accounts_config(tmp_path)


def test_sessions_are_shared_by_every_process_without_redis() -> None:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    engine = import_module(settings.SESSION_ENGINE)
    assert issubclass(engine.SessionStore, SessionStore)  # in the network database
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_github_button_only_with_keys(politics) -> None:
    from django.test import Client, override_settings

    assert "Continue with GitHub" not in Client().get("/politics/users/login").content.decode()
    providers = {
        "github": {"APPS": [{"client_id": "id", "secret": "secret", "key": ""}]},
        "google": {},
    }
    with override_settings(SOCIALACCOUNT_PROVIDERS=providers):
        page = Client().get("/politics/users/login").content.decode()
    assert "Continue with GitHub" in page
    assert "Continue with Google" not in page
    assert 'href="/politics/users/account/github/login/' in page
