"""Test harness: a throw-away data directory and databases for each test process.

`PNYX_TEST_BACKEND` chooses where the sites' databases (and the network's) live: `sqlite`, the
default, or `postgres` on the server at `PNYX_TEST_POSTGRES_URL`. Every database the run creates
on PostgreSQL carries the run's prefix and is dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

BACKEND = os.environ.get("PNYX_TEST_BACKEND", "sqlite")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN_PREFIX = f"pnyx_t_{uuid.uuid4().hex[:8]}_{WORKER}"
DATA_DIR = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}_"))
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _postgres_url(database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    base = urlsplit(
        os.environ.get("PNYX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    return urlunsplit((base.scheme, base.netloc, f"/{database}", "", ""))


def _admin_connection():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(_postgres_url("postgres"), autocommit=True, connect_timeout=5)


os.environ["PNYX_DATA_DIR"] = str(DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "pnyx.settings"
os.environ.pop("PNYX_REDIS_URL", None)
os.environ["PNYX_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
# The whole-page cache is off unless a test turns it on (tests/web/test_pagecache.py does), so
# that query counts and repeated requests in other tests see the view itself.
os.environ["PNYX_PAGE_CACHE_SECONDS"] = "0"
os.environ["PNYX_ACCOUNT_CACHE_SECONDS"] = "0"
# Background tasks (e-mail) run at once, inside the request, so tests see their effect.
os.environ["PNYX_TASK_BACKEND"] = "immediate"
if BACKEND == "postgres":
    network_db = f"{RUN_PREFIX}_network"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{network_db}"')
    os.environ["PNYX_DATABASE_URL"] = _postgres_url(network_db)
    os.environ["PNYX_SITE_DATABASE_URL"] = _postgres_url(f"{RUN_PREFIX}_{{name}}")
elif BACKEND != "sqlite":
    raise RuntimeError(f"PNYX_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}")
else:
    os.environ.pop("PNYX_DATABASE_URL", None)
    os.environ.pop("PNYX_SITE_DATABASE_URL", None)


def pytest_configure(config: pytest.Config) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", database="default", verbosity=0, interactive=False)


def pytest_report_header(config: pytest.Config) -> str:
    return f"pnyx backend: {BACKEND}"


def pytest_unconfigure(config: pytest.Config) -> None:
    from django.db import connections

    connections.close_all()
    if BACKEND == "postgres":
        with _admin_connection() as admin:
            names = admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{RUN_PREFIX}%"]
            ).fetchall()
            for (name,) in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def backend() -> str:
    return BACKEND


@pytest.fixture(scope="session")
def politics():  # type: ignore[no-untyped-def]
    """The demo site with the seed thread, shared by the tests that only read it."""
    from pnyx.demo.seed import load_politics

    site, _ = load_politics()
    return site


@pytest.fixture(scope="session")
def beer():  # type: ignore[no-untyped-def]
    """beer.stackexchange.com's dump (the packaged demo archive), imported once per test
    process as the site `beer`. Read-only: tests that change content make a site of their own."""
    from pnyx.demo.beer import load_beer

    site, _ = load_beer()
    return site


@pytest.fixture
def make_site() -> Iterator[Callable[..., object]]:
    """Create fresh sites for a test; they are removed with their databases afterwards."""
    from pnyx.sites.services import create_site, delete_site

    created = []

    def factory(name: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        site = create_site(
            name or f"t{uuid.uuid4().hex[:10]}",
            str(kwargs.pop("title", "Test site")),
            **kwargs,  # type: ignore[arg-type]
        )
        created.append(site)
        return site

    yield factory
    for site in created:
        delete_site(site)


@pytest.fixture
def site(make_site):  # type: ignore[no-untyped-def]
    """A fresh, empty site, active for the test."""
    from pnyx.sites.context import activated

    fresh = make_site()
    with activated(fresh):
        yield fresh


@pytest.fixture
def client():  # type: ignore[no-untyped-def]
    from django.test import Client

    return Client()


@pytest.fixture
def make_account() -> Iterator[Callable[..., Any]]:
    """Accounts for a test; removed afterwards (with their memberships)."""
    from tests.constants import ACCOUNT_PASSWORD

    from pnyx.accounts.models import Account

    made: list[int] = []

    def factory(display_name: str = "Ada Lovelace", email: str | None = None, **fields: Any):  # type: ignore[no-untyped-def]
        account = Account.objects.create_user(
            email or f"{uuid.uuid4().hex[:10]}@example.org",
            ACCOUNT_PASSWORD,
            display_name=display_name,
            **fields,
        )
        made.append(account.id)
        return account

    yield factory
    Account.objects.filter(id__in=made).delete()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not present")
    return SHARED
