"""An import never takes the network's or another site's database for its own.

Before this was refused, `pnyx import --database URL` took the databases named like URL's
import siblings for leftovers of an earlier import of its own and dropped them: another site's
live database, and with `--replace` on a site made on the network database's URL, the network
database itself (every account and the site list).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from tests.commands import pnyx

from pnyx.dumps import target as targets
from pnyx.dumps.importer import ImportRequest, import_dump
from pnyx.dumps.progress import Reporter
from pnyx.errors import ValidationError
from pnyx.network.models import Site
from pnyx.posts.models import Post, SiteUser
from pnyx.sites.context import activated
from pnyx.sites.services import delete_site

IMPORT_SUFFIX = re.compile(r"(--|__)i[0-9a-f]{8}")


def _content(site: Site) -> tuple[int, int]:
    site = Site.objects.get(pk=site.pk)
    with activated(site):
        return Post.objects.count(), SiteUser.objects.count()


def _base(url: str) -> str:
    """The URL an import names its databases after, as an operator might type it."""
    return IMPORT_SUFFIX.sub("", url)


def _sibling(url: str) -> str:
    """A name an import of a site on `url` could give its new database."""
    base = _base(url)
    if base.startswith("sqlite"):
        return base.replace(".sqlite3", "--i0123abcd.sqlite3")
    return base + "__i0123abcd"


def _respelt(url: str) -> str:
    """The same database under another spelling of its URL."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return f"sqlite:///{path.parent}/../{path.parent.name}/./{path.name}"
    return url.replace("127.0.0.1", "localhost")


@pytest.fixture
def imported(make_dump: Callable[..., Path]) -> Iterator[Site]:
    """A site with content, imported, so that its database carries an import's name."""
    name = f"o{uuid.uuid4().hex[:8]}"
    report = import_dump(ImportRequest(path=make_dump(), site_name=name))
    assert IMPORT_SUFFIX.search(report.site.database_url)
    assert _content(report.site) == (2, 3)
    yield report.site
    row = Site.objects.filter(name=name).first()
    if row is not None:
        delete_site(row)


def _remove(name: str) -> None:
    row = Site.objects.filter(name=name).first()
    if row is not None:
        delete_site(row)


def _choices(site: Site) -> dict[str, str]:
    return {
        "its database": site.database_url,
        "its database, spelt otherwise": _respelt(site.database_url),
        "the name its imports follow": _base(site.database_url),
        "a sibling an import could make": _sibling(site.database_url),
    }


@pytest.mark.parametrize(
    "which",
    [
        "its database",
        "its database, spelt otherwise",
        "the name its imports follow",
        "a sibling an import could make",
    ],
)
def test_an_import_refuses_another_sites_database(
    imported: Site, make_dump: Callable[..., Path], which: str
) -> None:
    url = _choices(imported)[which]
    name = f"n{uuid.uuid4().hex[:8]}"
    try:
        with pytest.raises(ValidationError, match=f"site '{imported.name}'") as refused:
            import_dump(ImportRequest(path=make_dump(), site_name=name, database_url=url))
        assert refused.value.code == "database_in_use"
        assert not Site.objects.filter(name=name).exists()
    finally:
        _remove(name)
    assert _content(imported) == (2, 3)
    assert Site.objects.get(pk=imported.pk).database_url == imported.database_url


def test_an_existing_site_cannot_be_moved_onto_another_sites_database(
    imported: Site, make_site: Callable[..., Site], make_dump: Callable[..., Path]
) -> None:
    mine = make_site()
    request = ImportRequest(
        path=make_dump(), site_name=mine.name, database_url=_base(imported.database_url)
    )
    with pytest.raises(ValidationError, match="imports name their databases after it"):
        import_dump(request)
    assert _content(imported) == (2, 3)
    assert Site.objects.get(pk=mine.pk).database_url == mine.database_url


@pytest.mark.parametrize("replace", [False, True])
def test_an_import_refuses_the_network_database(
    make_dump: Callable[..., Path], replace: bool
) -> None:
    name = f"n{uuid.uuid4().hex[:8]}"
    url = settings.PNYX.network_database_url
    sites_before = Site.objects.count()
    try:
        with pytest.raises(ValidationError, match="is already the network database"):
            import_dump(
                ImportRequest(path=make_dump(), site_name=name, database_url=url, replace=replace)
            )
    finally:
        _remove(name)
    assert Site.objects.count() == sites_before  # the network database is still there


def test_the_cli_refuses_in_one_line_with_status_2(
    imported: Site, make_dump: Callable[..., Path]
) -> None:
    name = f"n{uuid.uuid4().hex[:8]}"
    for url, says in [
        (imported.database_url, f"is already the database of site '{imported.name}'"),
        (_base(imported.database_url), "imports name their databases after it"),
        (settings.PNYX.network_database_url, "is already the network database"),
    ]:
        result = pnyx("import", str(make_dump()), "--site", name, "--database", url, "--replace")
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("pnyx: error: database ")
        assert says in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not Site.objects.filter(name=name).exists()
    assert _content(imported) == (2, 3)


def test_a_reimport_still_drops_its_own_leftovers(imported: Site, make_dump: Any) -> None:
    half_made = targets.new_target(imported.database_url)
    targets.create(half_made)  # as an import killed half way leaves it
    assert targets.leftovers(imported.database_url, keep=imported.database_url) == [half_made]
    import_dump(ImportRequest(path=make_dump(), site_name=imported.name, replace=True))
    after = Site.objects.get(pk=imported.pk)
    assert not targets.exists(half_made)
    assert not targets.exists(targets.TargetDatabase(imported.database_url))  # the old one
    assert targets.leftovers(after.database_url, keep=after.database_url) == []
    assert _content(after) == (2, 3)


def test_a_site_already_on_the_network_database_keeps_it_when_moved(
    make_dump: Callable[..., Path],
) -> None:
    """A site made before such URLs were refused: moving it away leaves the network's alone."""
    name = f"l{uuid.uuid4().hex[:8]}"
    network = settings.PNYX.network_database_url
    legacy = Site.objects.create(name=name, title="Legacy", database_url=network)
    notes: list[str] = []

    class Notes(Reporter):
        def note(self, message: str) -> None:
            notes.append(message)

    try:
        request = ImportRequest(path=make_dump(), site_name=name, replace=True)
        with pytest.raises(ValidationError, match="is already the network database"):
            import_dump(request)
        request.database_url = _fresh_url(name)
        report = import_dump(request, Notes())
        assert report.site.database_url != network
        assert any("is the network database too: not dropped" in note for note in notes)
        assert Site.objects.filter(pk=legacy.pk).exists()  # the network database is intact
        assert _content(report.site) == (2, 3)
    finally:
        _remove(name)


def _fresh_url(name: str) -> str:
    if settings.PNYX.network_database_url.startswith("sqlite"):
        return f"sqlite:///{Path(settings.DATA_DIR) / 'moved' / f'{name}.sqlite3'}"
    return str(settings.PNYX.site_database_template).replace("{name}", f"{name}_moved")
