"""The `beer` demo site: beer.stackexchange.com's data dump (Dec 2016), imported once.

The dump ships inside the package (`data/beer.stackexchange.com.7z`, 1.3 MB), so `make run`
works on a fresh clone; `data/README.md` gives its source and licence. It goes through
`pnyx import`'s own code path, so the demo is also a smoke test of the importer.
"""

from __future__ import annotations

from pathlib import Path

from pnyx.dumps.importer import ImportRequest, import_dump, site_has_content
from pnyx.dumps.progress import Reporter
from pnyx.network.models import Site
from pnyx.sites.registry import site_by_name

BEER_ARCHIVE = Path(__file__).parent / "data" / "beer.stackexchange.com.7z"
BEER_SITE = "beer"
BEER_TITLE = "Beer, Wine & Spirits"
BEER_ORIGIN = "https://beer.stackexchange.com"


def load_beer(name: str = BEER_SITE, reporter: Reporter | None = None) -> tuple[Site, bool]:
    """Import the beer dump as site `name` unless it has content; return (site, imported now)."""
    site = site_by_name(name)
    if site is not None and site_has_content(site):
        return site, False
    report = import_dump(
        ImportRequest(
            path=BEER_ARCHIVE,
            site_name=name,
            title=BEER_TITLE,
            origins=[BEER_ORIGIN],
            replace=True,  # only an empty site gets here
        ),
        reporter,
    )
    return report.site, True
