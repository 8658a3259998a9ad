"""`pnyx reindex`."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_reindex(args: argparse.Namespace) -> int:
    from pnyx.cli import check_network_database
    from pnyx.dumps.progress import reporter_for
    from pnyx.errors import NotFound
    from pnyx.search.index import rebuild
    from pnyx.sites.registry import site_by_name

    check_network_database()
    site = site_by_name(args.site)
    if site is None:
        raise NotFound(f"there is no site {args.site!r} (see `pnyx site list`)")
    reporter = reporter_for(sys.stderr, quiet=args.quiet)
    try:
        report = rebuild(site, reporter)
    finally:
        reporter.close()
    print(f"indexed {report.posts:,} posts of site {site.name} in {report.seconds:.1f}s")
    return 0


def add_commands(commands: Any) -> None:
    """Register `reindex` on the `pnyx` parser."""
    reindex = commands.add_parser(
        "reindex",
        help="rebuild a site's search index",
        description=(
            "Rebuild the search index of the site NAME from its posts. The site goes on "
            "serving searches from the old index, and taking writes, until the new one "
            "replaces it."
        ),
    )
    reindex.add_argument("--site", required=True, help="the site to reindex (its name)")
    reindex.add_argument(
        "--quiet", action="store_true", help="no progress display, only the summary"
    )
    reindex.set_defaults(handler=cmd_reindex)
