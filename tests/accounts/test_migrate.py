"""`pnyx migrate` on a network database made before accounts existed and on a new one; then
`pnyx createsuperuser`, without a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from tests.conftest import BACKEND, REPO, RUN_PREFIX, _admin_connection, _postgres_url

LEGACY_MIGRATE = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', skip_checks=True, verbosity=0, interactive=False)"
)
CHECK = """
import django; django.setup()
from django.contrib.auth import authenticate
from django.db import connection
from pnyx.accounts.models import Account
admin = Account.objects.get()
print(admin.id, admin.email, admin.display_name, admin.is_superuser)
print("auth_user" in connection.introspection.table_names())
print(authenticate(username="ADMIN@example.org", password="Long-enough-secret-1") == admin)
"""


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PNYX_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = str(REPO)
    if BACKEND == "postgres":
        name = f"{RUN_PREFIX}_m{uuid.uuid4().hex[:8]}"
        with _admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["PNYX_DATABASE_URL"] = _postgres_url(name)
    else:
        env.pop("PNYX_DATABASE_URL", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("existing", [True, False], ids=["existing-network", "new-network"])
def test_migrate_then_createsuperuser(tmp_path: Path, existing: bool) -> None:
    env = _environment(tmp_path)
    if existing:
        legacy = {**env, "DJANGO_SETTINGS_MODULE": "tests.accounts.legacy_settings"}
        _run(["-c", LEGACY_MIGRATE], legacy)
    _run(["-m", "pnyx.cli", "migrate"], env)
    _run(["-m", "pnyx.cli", "migrate"], env)  # again: nothing left to do, no error
    superuser = {
        **env,
        "DJANGO_SUPERUSER_EMAIL": "Admin@Example.org",
        "DJANGO_SUPERUSER_DISPLAY_NAME": "Network Admin",
        "DJANGO_SUPERUSER_PASSWORD": "Long-enough-secret-1",
    }
    _run(["-m", "pnyx.cli", "createsuperuser"], superuser)
    out = _run(["-c", CHECK], {**env, "DJANGO_SETTINGS_MODULE": "pnyx.settings"}).split("\n")
    assert out[0] == "1000000000 admin@example.org Network Admin True"
    assert out[1] == "False"  # Django's unused auth_user tables are gone
    assert out[2] == "True"
