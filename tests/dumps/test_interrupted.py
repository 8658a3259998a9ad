"""An import stopped half way (Ctrl-C, SIGTERM, SIGKILL) leaves the site as it was, and the next
import starts cleanly.

To stop the import at a known point, its Votes.xml is a named pipe that the test feeds: the
import reads the first half of the votes and waits for the rest, and then it gets the signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.dumps.target import leftovers
from pnyx.network.models import Site
from pnyx.posts.models import Post, Vote
from pnyx.sites.context import activated
from pnyx.sites.services import delete_site

from .conftest import HEADER, MINIMAL_POSTS

VOTES = 20_000


def _vote_lines(first: int, last: int) -> str:
    return "".join(
        f'  <row Id="{i}" PostId="{1 + i % 2}" VoteTypeId="2" '
        'CreationDate="2014-01-22T00:00:00.000" />\r\n'
        for i in range(first, last + 1)
    )


# Ctrl-C as from a terminal: a process started in the background of a shell script (as CI
# may run the suite) inherits SIGINT ignored, and Python then leaves it ignored.
AS_FROM_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL);"
    " os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def _import_command(path: Path, site: str, jobs: str = "1") -> list[str]:
    return [
        *(sys.executable, "-c", AS_FROM_A_TERMINAL),
        *("-m", "pnyx.cli", "import", str(path)),
        *("--site", site, "--replace", "--jobs", jobs),
    ]


def _stopped_half_way(
    folder: Path, site: str, signum: int, jobs: str
) -> tuple[subprocess.CompletedProcess[str], list[int]]:
    """Run `pnyx import` on `folder`, feed half of Votes.xml through a pipe, then signal it."""
    pipe = folder / "Votes.xml"
    pipe.unlink(missing_ok=True)
    os.mkfifo(pipe)
    process = subprocess.Popen(
        _import_command(folder, site, jobs),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    with _open_when_read(pipe, process) as feed:
        feed.write(HEADER + "<votes>\r\n" + _vote_lines(1, VOTES // 2))
        feed.flush()
        time.sleep(1.0)  # the import reads what is there and waits for more
        assert process.poll() is None
        helpers = _children(process.pid)
        process.send_signal(signum)
        out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), helpers


def _open_when_read(pipe: Path, process: subprocess.Popen[str]) -> Any:
    """Open the pipe for writing once the import opened it (it has read the files before)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:  # ENXIO: nobody reads the pipe yet
            if process.poll() is not None:
                pytest.fail(f"the import ended before Votes.xml: {process.communicate()[1]}")
            assert time.monotonic() < deadline, "the import never opened Votes.xml"
            time.sleep(0.05)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def _complete_votes(folder: Path) -> None:
    pipe = folder / "Votes.xml"
    pipe.unlink()
    pipe.write_text(HEADER + "<votes>\r\n" + _vote_lines(1, VOTES) + "</votes>", encoding="utf-8")


@pytest.fixture
def site_with_content(make_dump: Callable[..., Path]) -> Iterator[Any]:
    name = f"k{uuid.uuid4().hex[:8]}"
    site = import_dump(
        ImportRequest(make_dump({"Posts.xml": MINIMAL_POSTS[:1]}), site_name=name)
    ).site
    yield site
    delete_site(Site.objects.get(pk=site.pk))


def _assert_unchanged(site: Any) -> None:
    now = Site.objects.get(pk=site.pk)
    assert now.database_url == site.database_url
    with activated(now):
        assert list(Post.objects.values_list("id", flat=True)) == [1]
        assert not Vote.objects.exists()


# "2": the files are loaded by two lane processes, which must die with the import.
JOBS = pytest.mark.parametrize("jobs", ["1", "2"], ids=["one-process", "lanes"])


def _children(pid: int) -> list[int]:
    """The processes `pid` started (the import's lanes), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found.append(int(entry.name))
    return found


def _gone(pids: list[int]) -> bool:
    """Whether none of `pids` is still running (ended, or a zombie waiting to be reaped)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        running = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                running.append(pid)
        if not running:
            return True
        time.sleep(0.1)
    return False


@JOBS
def test_a_killed_import_leaves_the_site_and_the_next_run_cleans_up(
    make_dump: Callable[..., Path], site_with_content: Any, jobs: str
) -> None:
    site = site_with_content
    folder = make_dump()
    killed, helpers = _stopped_half_way(folder, site.name, signal.SIGKILL, jobs)
    assert killed.returncode == -signal.SIGKILL
    # The second lane's process (the first is a thread), and multiprocessing's tracker.
    assert len(helpers) >= (1 if jobs == "2" else 0)
    assert _gone(helpers), "lanes kept running after the import was killed"
    _assert_unchanged(site)
    half_made = leftovers(site.database_url, keep=site.database_url)
    assert len(half_made) == 1  # what the killed process was filling

    _complete_votes(folder)
    again = subprocess.run(
        _import_command(folder, site.name, jobs),
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    after = Site.objects.get(pk=site.pk)
    assert after.database_url not in {site.database_url, half_made[0].url}
    assert leftovers(after.database_url, keep=after.database_url) == []
    with activated(after):
        assert Vote.objects.count() == VOTES
        assert Post.objects.count() == 2


@JOBS
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_or_sigterm_drops_the_half_made_database(
    make_dump: Callable[..., Path], site_with_content: Any, signum: int, jobs: str
) -> None:
    site = site_with_content
    stopped, helpers = _stopped_half_way(make_dump(), site.name, signum, jobs)
    assert _gone(helpers)
    assert stopped.returncode == 130, stopped.stderr
    assert "pnyx: interrupted" in stopped.stderr
    _assert_unchanged(site)
    assert leftovers(site.database_url, keep=site.database_url) == []
