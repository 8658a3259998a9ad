"""A request naming a host not in ALLOWED_HOSTS is answered 400 and logged on one line."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import django
django.setup()
from django.test import Client
client = Client()
for host in ["evil.example", "evil.example:8000", "a" * 300, "bad host\\x00", "testserver"]:
    print(host[:20].encode().hex(), client.get("/-/ping", HTTP_HOST=host).status_code, flush=True)
"""


def test_each_bad_host_is_answered_400_and_logged_on_one_line(politics) -> None:  # type: ignore[no-untyped-def]
    # Run as the server runs: Django set up with the project's logging, its output on stderr.
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pnyx.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    statuses = [line.split()[1] for line in result.stdout.splitlines()]
    assert statuses == ["400", "400", "400", "400", "200"]
    lines = result.stderr.splitlines()
    assert len(lines) == 4, result.stderr
    assert all(line.startswith("Invalid HTTP_HOST header: ") for line in lines), lines
    assert "'evil.example'" in lines[0]
