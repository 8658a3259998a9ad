"""The `pnyx` command, run as a newcomer runs it: in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.commands import pnyx


def test_help_describes_every_command(tmp_path: Path) -> None:
    result = pnyx("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "migrate", "site", "demo", "createsuperuser"):
        assert command in result.stdout
    result = pnyx("site", "create", "--help", data_dir=tmp_path)
    assert "--origin" in result.stdout and "--database" in result.stdout


def test_site_create_and_list(tmp_path: Path) -> None:
    assert pnyx("migrate", data_dir=tmp_path).returncode == 0
    created = pnyx(
        "site",
        "create",
        "cooking",
        "--title",
        "Seasoned Advice",
        "--origin",
        "https://cooking.stackexchange.com",
        data_dir=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    listed = pnyx("site", "list", data_dir=tmp_path)
    assert "cooking\tSeasoned Advice" in listed.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["site", "create", "Not A Slug", "--title", "x"], "is not a valid slug"),
        (["site", "create", "good", "--title", "x", "--database", "mysql://h/db"], "not supported"),
        (["site", "create", "good", "--title", "x", "--origin", "ftp:/bad"], "is not of the form"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path: Path, args: list[str], message: str) -> None:
    assert pnyx("migrate", data_dir=tmp_path).returncode == 0
    result = pnyx(*args, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("pnyx: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "good" not in pnyx("site", "list", data_dir=tmp_path).stdout


def test_unwritable_data_dir_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = pnyx("migrate", data_dir=blocker / "data")
    assert result.returncode == 2
    assert "cannot be written" in result.stderr


def test_unreachable_network_database_is_reported(tmp_path: Path) -> None:
    result = pnyx(
        "site",
        "list",
        data_dir=tmp_path,
        env={"PNYX_DATABASE_URL": "postgresql://x@127.0.0.1:1/none"},
    )
    assert result.returncode == 2
    assert "cannot open the network database" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["site", "list"],
        ["site", "create", "cooking", "--title", "Seasoned Advice"],
        ["import", "nowhere", "--site", "cooking"],
        ["export", "--site", "cooking", "out"],
        ["serve", "--port", "8765"],
    ],
)
def test_commands_before_migrate_say_to_run_it(tmp_path: Path, args: list[str]) -> None:
    result = pnyx(*args, data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "pnyx: error: the network database is not up to date: run `pnyx migrate` first\n"
    )
    assert pnyx("migrate", data_dir=tmp_path).returncode == 0
    assert pnyx("site", "list", data_dir=tmp_path).returncode == 0
