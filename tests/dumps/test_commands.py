"""`pnyx import` and `pnyx export` as an operator runs them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.commands import pnyx

from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.errors import ValidationError
from pnyx.network.models import Site
from pnyx.sites.services import delete_site


def test_help_describes_import_and_export() -> None:
    result = pnyx("--help")
    assert "import" in result.stdout and "export" in result.stdout
    importing = pnyx("import", "--help").stdout
    for option in ("--site", "--title", "--origin", "--database", "--replace"):
        assert option in importing
    exporting = pnyx("export", "--help").stdout
    for option in ("--site", "--overwrite", "--quiet"):
        assert option in exporting


def test_import_logs_progress_and_sums_up_then_export_writes_the_files(
    make_dump: Callable[..., Path], tmp_path: Path
) -> None:
    name = f"c{uuid.uuid4().hex[:8]}"
    result = pnyx(
        "import",
        str(make_dump()),
        "--site",
        name,
        "--title",
        "Tiny Brews",
        "--origin",
        "https://tiny.stackexchange.com",
    )
    try:
        assert result.returncode == 0, result.stderr
        # Not a terminal: plain log lines, one per file and step.
        assert "Posts.xml: 2 rows in" in result.stderr
        assert "comment replies: done in" in result.stderr
        assert f"imported 7 rows into site {name}" in result.stdout
        assert "PostHistory.xml: not in the dump, nothing imported" in result.stdout
        site = Site.objects.get(name=name)
        assert (site.title, site.origins) == ("Tiny Brews", ["https://tiny.stackexchange.com"])

        exported = pnyx("export", "--site", name, str(tmp_path / "out"))
        assert exported.returncode == 0, exported.stderr
        assert "Posts.xml: 2 rows" in exported.stdout
        assert "Posts.xml: 2 rows in " in exported.stderr  # the progress, file by file
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
            "Badges.xml",
            "Comments.xml",
            "PostHistory.xml",
            "PostLinks.xml",
            "Posts.xml",
            "Tags.xml",
            "Users.xml",
            "Votes.xml",
        ]

        # A folder holding a dump (the one the site came from, say) is not written over...
        posts = tmp_path / "out" / "Posts.xml"
        posts.write_text("the original dump")
        again = pnyx("export", "--site", name, str(tmp_path / "out"))
        assert again.returncode == 2
        assert "already holds Users.xml, Posts.xml," in again.stderr
        assert "give --overwrite" in again.stderr
        assert posts.read_text() == "the original dump"
        # ...unless asked to.
        overwritten = pnyx("export", "--site", name, str(tmp_path / "out"), "--overwrite")
        assert overwritten.returncode == 0, overwritten.stderr
        assert "<row Id=" in posts.read_text(encoding="utf-8-sig")
    finally:
        site_row = Site.objects.filter(name=name).first()
        if site_row is not None:
            delete_site(site_row)


def test_export_of_an_unknown_site_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = pnyx("export", "--site", "nosuchsite", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == "pnyx: error: there is no site 'nosuchsite'"


@pytest.mark.parametrize(
    ("jobs", "message"), [("0", "must be at least 1, not 0"), ("x", "'x' is not")]
)
def test_a_bad_jobs_count_is_refused_before_anything_is_made(
    make_dump: Callable[..., Path], jobs: str, message: str
) -> None:
    name = f"c{uuid.uuid4().hex[:8]}"
    result = pnyx("import", str(make_dump()), "--site", name, "--jobs", jobs)
    assert result.returncode == 2
    assert f"argument --jobs: {message}" in result.stderr
    assert not Site.objects.filter(name=name).exists()


def test_the_import_itself_refuses_fewer_than_one_job(make_dump: Callable[..., Path]) -> None:
    request = ImportRequest(path=make_dump(), site_name="nojobs", jobs=-3)
    with pytest.raises(ValidationError, match="jobs must be at least 1, not -3"):
        import_dump(request)
    assert not Site.objects.filter(name="nojobs").exists()
