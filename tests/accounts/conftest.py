"""Fixtures for the account tests: mail kept in `django.core.mail.outbox`, rate limits and
other cached state reset for each test, accounts and signed-in clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.constants import ACCOUNT_PASSWORD as PASSWORD


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


def log_in(client: Any, email: str, password: str = PASSWORD, prefix: str = "") -> Any:
    """Log in through the page, as a person would; returns the response."""
    return client.post(f"{prefix}/users/login", {"login": email, "password": password})
