"""A site's database is its own: `pnyx site create` refuses the network's and another site's.

A site made on another's database would share its tables, and deleting either, or importing
into either, would drop the other's data with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from tests import factories

from pnyx.errors import ValidationError
from pnyx.network.models import Site
from pnyx.posts.models import SiteUser
from pnyx.sites.context import activated
from pnyx.sites.ownership import check_database_free, place
from pnyx.sites.services import create_site, delete_site


def _variants(url: str) -> dict[str, str]:
    """`url` spelt otherwise, and the names an import of a site on it gives its databases."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return {
            "same": url,
            "respelt": f"sqlite:///{path.parent}/../{path.parent.name}/./{path.name}",
            "sibling": f"sqlite:///{path.with_name(path.stem + '--i0123abcd' + path.suffix)}",
        }
    return {
        "same": url,
        "respelt": url.replace("127.0.0.1", "localhost"),
        "sibling": url + "__i0123abcd",
    }


@pytest.fixture
def other(make_site: Callable[..., Site]) -> Site:
    site = make_site()
    with activated(site):
        factories.create_user("Someone else's user")
    return site


def _users(site: Site) -> int:
    with activated(Site.objects.get(pk=site.pk)):
        return SiteUser.objects.count()


@pytest.mark.parametrize("variant", ["same", "respelt", "sibling"])
def test_site_create_refuses_another_sites_database(other: Site, variant: str) -> None:
    name = f"n{uuid.uuid4().hex[:8]}"
    url = _variants(other.database_url)[variant]
    with pytest.raises(ValidationError, match=f"site '{other.name}'") as refused:
        create_site(name, "Squatter", database_url=url)
    assert refused.value.code == "database_in_use"
    assert not Site.objects.filter(name=name).exists()
    assert _users(other) == 1


@pytest.mark.parametrize("variant", ["same", "respelt", "sibling"])
def test_site_create_refuses_the_network_database(variant: str) -> None:
    url = _variants(settings.PNYX.network_database_url)[variant]
    with pytest.raises(ValidationError, match="the network database"):
        create_site("squatter", "Squatter", database_url=url)
    assert not Site.objects.filter(name="squatter").exists()


def test_a_site_may_keep_its_own_database(other: Site) -> None:
    check_database_free(other.database_url, other.name)  # an import into it, say


def test_a_url_given_relative_is_stored_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that a process started elsewhere opens the same file, and URLs compare."""
    monkeypatch.chdir(tmp_path)
    site = create_site(f"r{uuid.uuid4().hex[:8]}", "Relative", database_url="sqlite:///r.sqlite3")
    try:
        assert site.database_url == f"sqlite:///{tmp_path / 'r.sqlite3'}"
        assert place(site.database_url).name == str((tmp_path / "r.sqlite3").resolve())
    finally:
        delete_site(site)


def test_deleting_a_site_made_on_the_network_database_leaves_it(other: Site) -> None:
    """A site made before such URLs were refused."""
    name = f"l{uuid.uuid4().hex[:8]}"
    legacy = Site.objects.create(
        name=name, title="Legacy", database_url=settings.PNYX.network_database_url
    )
    delete_site(legacy)
    network = place(settings.PNYX.network_database_url)
    if network.server == "sqlite":
        assert Path(network.name).exists()
    connections["default"].close()  # a dropped PostgreSQL database would not open again
    assert not Site.objects.filter(name=name).exists()
    assert Site.objects.filter(name=other.name).exists()


def test_the_cli_refuses_in_one_line_with_status_2(other: Site) -> None:
    for url, says in [
        (other.database_url, f"is already the database of site '{other.name}'"),
        (settings.PNYX.network_database_url, "is already the network database"),
    ]:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pnyx.cli",
                *("site", "create", "squatter", "--title", "S"),
                *("--database", url),
            ],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=120,
        )
        assert result.returncode == 2
        assert result.stderr.startswith("pnyx: error: database ")
        assert says in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not Site.objects.filter(name="squatter").exists()
    assert _users(other) == 1


@pytest.mark.parametrize("folder", ["templates", "tmp", "locks"])
def test_pnyx_own_folders_hold_no_site(folder: str) -> None:
    """The template every import copies, an import's scratch files, the lock files."""
    url = f"sqlite:///{Path(settings.DATA_DIR) / folder / 'squatter.sqlite3'}"
    with pytest.raises(ValidationError, match="holds Pnyx's own files"):
        create_site("squatter", "Squatter", database_url=url)
    assert not Site.objects.filter(name="squatter").exists()
