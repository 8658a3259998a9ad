"""Fixtures for the account tests: mail kept in `django.core.mail.outbox`, rate limits and
other cached state reset for each test, accounts and signed-in clients."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def mail_outbox() -> Iterator[list[Any]]:
    from django.core import mail
    from django.core.cache import cache
    from django.test import override_settings

    cache.clear()  # allauth's rate limits and used TOTP codes live in the default cache
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        mail.outbox = []
        yield mail.outbox
    cache.clear()


@pytest.fixture
def make_account() -> Iterator[Callable[..., Any]]:
    """Accounts for a test; removed afterwards (with their memberships)."""
    from pnyx.accounts.models import Account

    made: list[int] = []

    def factory(display_name: str = "Ada Lovelace", email: str | None = None, **fields: Any):  # type: ignore[no-untyped-def]
        account = Account.objects.create_user(
            email or f"{uuid.uuid4().hex[:10]}@example.org",
            PASSWORD,
            display_name=display_name,
            **fields,
        )
        made.append(account.id)
        return account

    yield factory
    Account.objects.filter(id__in=made).delete()


def log_in(client: Any, email: str, password: str = PASSWORD, prefix: str = "") -> Any:
    """Log in through the page, as a person would; returns the response."""
    return client.post(f"{prefix}/users/login", {"login": email, "password": password})
