"""The data folder and every SQLite database Pnyx makes are readable by their owner only.

They hold every account's e-mail address and password hash, and a site's private content
(deleted posts, votes): under the usual umask (022) they used to be readable by every local
user. `secret_key` was already 0600.
"""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from tests.commands import pnyx


def _modes(data_dir: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(data_dir.stat().st_mode)}
    for path in sorted(data_dir.rglob("*")):
        found[str(path.relative_to(data_dir))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_the_data_folder_and_databases_are_the_owners_only(
    make_dump: Callable[..., Path], tmp_path: Path
) -> None:
    data_dir = tmp_path / "var"
    for args in [
        ("migrate",),
        ("site", "create", "cooking", "--title", "Seasoned Advice"),
        ("import", str(make_dump()), "--site", "tiny", "--jobs", "2", "--quiet"),
        ("import", str(make_dump()), "--site", "tiny", "--replace", "--quiet"),
    ]:
        result = pnyx(*args, data_dir=data_dir, umask=0o022)  # the usual umask
        assert result.returncode == 0, result.stderr
    modes = _modes(data_dir)
    assert modes["."] == 0o700
    databases = [name for name in modes if ".sqlite3" in name]
    assert "network.sqlite3" in databases
    assert "sites/cooking.sqlite3" in databases
    assert any(name.startswith("sites/tiny--i") for name in databases)
    assert any(name.startswith("templates/site-") for name in databases)
    readable_by_others = {name: oct(mode) for name, mode in modes.items() if mode & 0o077}
    assert readable_by_others == {}
    for name in databases:
        assert modes[name] == 0o600, name


def test_an_existing_data_folder_keeps_its_mode(tmp_path: Path) -> None:
    """An operator's own choice (a group that backs it up, say) is left as it is."""
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o750)
    data_dir.chmod(0o750)
    assert pnyx("migrate", data_dir=data_dir, umask=0o022).returncode == 0
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o750
    assert stat.S_IMODE((data_dir / "network.sqlite3").stat().st_mode) == 0o600
