"""`pnyx reindex`, run as an operator runs it: in a subprocess, with the progress on stderr."""

from __future__ import annotations

from pathlib import Path

from tests.commands import pnyx


def test_reindex_rebuilds_a_site_and_says_how_many_posts(tmp_path: Path) -> None:
    assert pnyx("migrate", data_dir=tmp_path).returncode == 0
    assert pnyx("demo", data_dir=tmp_path).returncode == 0  # the seed thread and beer
    result = pnyx("reindex", "--site", "beer", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "indexed 1,989 posts of site beer" in result.stdout
    assert "search index" in result.stderr  # the progress, as log lines off a terminal
    quiet = pnyx("reindex", "--site", "politics", "--quiet", data_dir=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_reindex_of_an_unknown_site_is_a_one_line_error(tmp_path: Path) -> None:
    assert pnyx("migrate", data_dir=tmp_path).returncode == 0
    result = pnyx("reindex", "--site", "nosuch", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "pnyx: error: there is no site 'nosuch' (see `pnyx site list`)"
