"""A running `pnyx serve` and `pnyx import --replace` of one of its sites, as an operator runs
them: separate processes. Readers hammering the site's question page during the import get
the old page and then the new one, never an error, and the server follows the switch within a
moment (PostgreSQL LISTEN/NOTIFY, or the network file's change on SQLite; see
`pnyx.sites.registry`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tests.dumps.conftest import MINIMAL_POSTS

from pnyx.network.models import Site
from pnyx.sites.services import delete_site

OLD_TITLE = "Why is stout so dark in colour?"
NEW_TITLE = "Why is a stout darker than a porter?"


def _pnyx(*args: str) -> list[str]:
    return [sys.executable, "-m", "pnyx.cli", *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _import(folder: Path, site: str, *extra: str) -> None:
    done = subprocess.run(
        _pnyx("import", str(folder), "--site", site, "--quiet", *extra),
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""  # not answered (refused while the server starts)


def _until(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until `condition` held; fails after `seconds`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_running_server_follows_an_import_with_replace(make_dump, tmp_path) -> None:  # type: ignore[no-untyped-def]
    name = f"swap{uuid.uuid4().hex[:8]}"
    _import(make_dump(), name)
    renamed = [MINIMAL_POSTS[0].replace(OLD_TITLE, NEW_TITLE), *MINIMAL_POSTS[1:]]
    replacement = make_dump({"Posts.xml": renamed})
    port = _free_port()
    page = f"http://127.0.0.1:{port}/{name}/questions/1"
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        _pnyx("serve", "--port", str(port), "--workers", "2", "--threads", "2"),
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    statuses: Counter[int] = Counter()
    titles: Counter[str] = Counter()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            status, html = _get(page)
            statuses[status] += 1
            titles[NEW_TITLE if NEW_TITLE in html else OLD_TITLE if OLD_TITLE in html else ""] += 1

    readers = [threading.Thread(target=read) for _ in range(4)]
    try:
        _until(lambda: OLD_TITLE in _get(page)[1], 90)
        for reader in readers:
            reader.start()
        time.sleep(0.5)
        _import(replacement, name, "--replace")
        followed = _until(lambda: NEW_TITLE in _get(page)[1], 10)
        time.sleep(0.5)
    finally:
        stop.set()
        for reader in readers:
            if reader.is_alive():
                reader.join()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        delete_site(Site.objects.get(name=name))
    print(f"followed after {followed:.2f} s; statuses {dict(statuses)}; pages {dict(titles)}")
    assert followed < 5, f"the server followed the import after {followed:.1f} s"
    assert set(statuses) == {200}, (statuses, (tmp_path / "serve.log").read_text()[-3000:])
    assert titles[OLD_TITLE] > 0 and titles[NEW_TITLE] > 0 and titles[""] == 0, titles
