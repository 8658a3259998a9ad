"""Mail goes out through the background worker: `pnyx worker`, and `pnyx serve`, which starts
one beside the web server."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psutil
from tests.conftest import REPO

ENQUEUE = (
    "import django; django.setup(); from pnyx.accounts.tasks import send_email; "
    "send_email.enqueue(subject='Queued', body='Sent by the worker.', "
    "from_email='pnyx@localhost', to=['someone@example.org'])"
)


def _environment(mail_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PNYX_TASK_BACKEND="database", PNYX_EMAIL_FILE_PATH=str(mail_dir))
    env["PYTHONPATH"] = str(REPO)
    return env


def _mail(mail_dir: Path, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if mail_dir.is_dir():
            texts = [p.read_text() for p in mail_dir.iterdir()]
            if texts:
                return "\n".join(texts)
        time.sleep(0.25)
    return ""


def test_worker_sends_queued_mail(tmp_path: Path) -> None:
    mail_dir = tmp_path / "mail"
    env = _environment(mail_dir)
    run = {"env": env, "cwd": REPO, "capture_output": True, "text": True, "timeout": 300}
    queued = subprocess.run([sys.executable, "-c", ENQUEUE], **run)  # type: ignore[call-overload]
    assert queued.returncode == 0, queued.stderr
    assert not mail_dir.exists() or not any(mail_dir.iterdir())  # nothing sent yet
    worked = subprocess.run([sys.executable, "-m", "pnyx.cli", "worker", "--batch"], **run)  # type: ignore[call-overload]
    assert worked.returncode == 0, worked.stderr
    text = _mail(mail_dir, 5)
    assert "Subject: Queued" in text and "Sent by the worker." in text


def _free_port() -> int:
    for port in range(18200, 18300):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18200-18299")


def test_serve_starts_a_worker_that_delivers_mail(tmp_path: Path, make_account) -> None:
    account = make_account("Forgetful", email=f"{uuid.uuid4().hex[:8]}@example.org")
    mail_dir = tmp_path / "mail"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "pnyx.cli", "serve", "--port", str(port), "--workers", "1"],
        env=_environment(mail_dir), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                opener.open(f"{base}/-/ping", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
                time.sleep(0.5)
        children = psutil.Process(server.pid).children()
        assert len(children) == 2  # granian and the worker

        form = opener.open(f"{base}/users/account/password/reset/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert token
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1), "email": account.email}
        ).encode()
        request = urllib.request.Request(
            f"{base}/users/account/password/reset/", data=data, headers={"Referer": base + "/"}
        )
        opener.open(request, timeout=10).read()
        text = _mail(mail_dir, 60)
        assert account.email in text
        assert "/users/account/password/reset/key/" in text
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    for child in children:
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
