"""On SQLite, posts written by the helper that sanitises them (run here, in the test's process)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from pnyx.dumps import posts_store
from pnyx.dumps.posts_store import Write, commit_stored, store_posts
from pnyx.render.links import LinkContext

SITE = LinkContext(url_prefix="/s/tiny", origins=("https://tiny.stackexchange.com",))
LINKED = (
    '<p>See <a href="https://tiny.stackexchange.com/questions/1/x">this</a></p><script>x</script>'
)


def _sqlite_database(tmp_path: Path) -> str:
    path = tmp_path / "site.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, body_html text)")
        conn.execute("CREATE TABLE post_tags (post_id integer, tag_id integer)")
        conn.commit()
    return str(path)


def _rows(path: str, statement: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(statement).fetchall()


def _writes(
    posts: list[list[object]], tags: list[tuple[int, int]], columns: tuple[str, ...] = ()
) -> list[Write]:
    return [
        ("posts", ["id", "body_html", *columns], posts, ()),
        ("post_tags", ["post_id", "tag_id"], list(tags), ()),
    ]


def test_a_helper_sanitises_and_stores_posts_and_commits_when_told(tmp_path: Path) -> None:
    path = _sqlite_database(tmp_path)
    posts: list[list[object]] = [[1, LINKED], [2, "<p>two</p>"]]
    assert store_posts(path, 1, SITE, _writes(posts, [(1, 7), (2, 7)])) == 2
    # Written in a transaction another connection does not see until the commit.
    assert _rows(path, "SELECT COUNT(*) FROM posts") == [(0,)]
    commit_stored(path)
    bodies = {row[0]: str(row[1]) for row in _rows(path, "SELECT id, body_html FROM posts")}
    assert "<script>" not in bodies[1]
    assert 'href="/s/tiny/questions/1/x"' in bodies[1]
    assert bodies[2] == "<p>two</p>"
    assert _rows(path, "SELECT post_id, tag_id FROM post_tags ORDER BY post_id") == [(1, 7), (2, 7)]
    assert path not in posts_store._open  # closed: the next import opens its own


def test_a_refused_post_raises_to_the_lane_and_nothing_is_committed(tmp_path: Path) -> None:
    path = _sqlite_database(tmp_path)
    store_posts(path, 1, SITE, _writes([[1, "<p>one</p>"]], []))
    with pytest.raises(sqlite3.IntegrityError):
        store_posts(path, 1, SITE, _writes([[1, "<p>again</p>"]], []))
    # The failing import ends the helper process, and with it the open transaction.
    posts_store._open.pop(path).close()
    assert _rows(path, "SELECT COUNT(*) FROM posts") == [(0,)]


# Starts a rendering helper, prints its pid, keeps it busy for a minute, and waits.
BUSY_HELPER = """
import os, time
from pnyx.dumps.rendering import Renderer
renderer = Renderer(1)
print(renderer.submit(os.getpid)(), flush=True)
renderer.submit(time.sleep, 60)
time.sleep(60)
"""


def test_a_busy_helper_dies_with_the_process_that_started_it() -> None:
    """A helper may be writing the posts: when its lane is killed it must not go on (an idle
    helper would see its queue closed; a busy one only after its batch)."""
    lane = subprocess.Popen([sys.executable, "-c", BUSY_HELPER], stdout=subprocess.PIPE, text=True)
    try:
        assert lane.stdout is not None
        helper = int(lane.stdout.readline())
        time.sleep(0.5)  # the helper is in its minute's sleep
        assert _running(helper)
    finally:
        lane.kill()
        lane.wait()
    deadline = time.monotonic() + 10
    while _running(helper) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(helper)


def _running(pid: int) -> bool:
    """Whether `pid` runs (a zombie, ended and waiting to be reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
