"""The work an import hands to its helper processes (run here, in the test's process)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pnyx.dumps import rendering
from pnyx.dumps.rendering import commit_stored, store_posts
from pnyx.render.links import LinkContext

SITE = LinkContext(url_prefix="/s/tiny", origins=("https://tiny.stackexchange.com",))


def _database(tmp_path: Path) -> str:
    path = tmp_path / "site.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, body_html text)")
        conn.execute("CREATE TABLE post_tags (post_id integer, tag_id integer)")
        conn.commit()
    return str(path)


def _rows(path: str, statement: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(statement).fetchall()


def _writes(posts: list[list[object]], tags: list[tuple[int, int]]) -> list[rendering.Write]:
    return [
        ("posts", ["id", "body_html"], posts, ()),
        ("post_tags", ["post_id", "tag_id"], list(tags), ()),
    ]


def test_a_helper_sanitises_and_stores_posts_and_commits_when_told(tmp_path: Path) -> None:
    path = _database(tmp_path)
    body = '<p>See <a href="https://tiny.stackexchange.com/questions/1/x">this</a></p><script>x</script>'
    stored = store_posts(path, 1, SITE, _writes([[1, body], [2, "<p>two</p>"]], [(1, 7), (2, 7)]))
    assert stored == 2
    # Written in a transaction another connection does not see until the commit.
    assert _rows(path, "SELECT COUNT(*) FROM posts") == [(0,)]
    commit_stored(path)
    posts = dict(_rows(path, "SELECT id, body_html FROM posts"))  # type: ignore[arg-type]
    assert "<script>" not in posts[1]
    assert 'href="/s/tiny/questions/1/x"' in posts[1]
    assert posts[2] == "<p>two</p>"
    assert _rows(path, "SELECT post_id, tag_id FROM post_tags ORDER BY post_id") == [(1, 7), (2, 7)]
    assert path not in rendering._stores  # closed: the next import opens its own


def test_a_refused_post_raises_to_the_lane_and_nothing_is_committed(tmp_path: Path) -> None:
    path = _database(tmp_path)
    store_posts(path, 1, SITE, _writes([[1, "<p>one</p>"]], []))
    with pytest.raises(sqlite3.IntegrityError):
        store_posts(path, 1, SITE, _writes([[1, "<p>again</p>"]], []))
    # The import fails and the helper process ends with the transaction open.
    rendering._stores.pop(path).close()
    assert _rows(path, "SELECT COUNT(*) FROM posts") == [(0,)]
