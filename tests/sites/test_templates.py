"""New SQLite site databases are copies of one migrated template, each with its own version."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from pnyx.sites import content_version, templates


def _version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(
            conn.execute(
                f"SELECT version FROM {content_version.TABLE} WHERE name = 'epoch'"
            ).fetchone()[0]
        )


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {
            str(name)
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }


def test_copies_have_the_site_schema_and_versions_of_their_own(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    templates.copy_template(first)
    templates.copy_template(second)
    assert {"posts", "comments", "users", "votes", content_version.TABLE} <= _tables(first)
    assert _tables(first) == _tables(second)
    # Two databases a site has had must never share a version (see content_version).
    versions = {_version(first), _version(second), _version(templates.template_path())}
    assert len(versions) == 3


def test_a_schema_change_makes_a_new_template(monkeypatch: pytest.MonkeyPatch) -> None:
    old = templates.ensure_template()
    monkeypatch.setattr(templates, "schema_key", lambda: "changed-schema")
    try:
        new = templates.ensure_template()
        assert new != old and new.exists()
        assert not old.exists()  # the stale one is removed
    finally:
        monkeypatch.undo()
        new.unlink(missing_ok=True)
        templates.ensure_template()
