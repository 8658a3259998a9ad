"""`pnyx import` and `pnyx export`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_import(args: argparse.Namespace) -> int:
    from pnyx.cli import check_network_database
    from pnyx.dumps.importer import ImportRequest, import_dump
    from pnyx.dumps.progress import reporter_for

    check_network_database()
    request = ImportRequest(
        path=Path(args.path).expanduser(),
        site_name=args.site,
        title=args.title,
        origins=args.origin,
        database_url=args.database,
        replace=args.replace,
        jobs=args.jobs,
    )
    report = import_dump(request, reporter_for(sys.stderr, quiet=args.quiet))
    for line in report.summary_lines():
        print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pnyx.cli import check_network_database
    from pnyx.dumps.exporter import export_site
    from pnyx.dumps.progress import reporter_for

    check_network_database()
    directory = Path(args.directory).expanduser()
    reporter = reporter_for(sys.stderr, quiet=args.quiet)
    written = export_site(args.site, directory, args.overwrite, reporter)
    for file, rows in written.items():
        print(f"{file}: {rows:,} rows")
    return 0


def _at_least_one(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def add_commands(commands: Any) -> None:
    """Register `import` and `export` on the `pnyx` parser."""
    importer = commands.add_parser(
        "import",
        help="import a Stack Exchange data dump as a site (all or nothing)",
        description=(
            "Import a Stack Exchange data dump (a folder of its XML files, the site's .7z "
            "archive, or a .zip) as the site NAME, creating the site if needed. The site is "
            "switched to the imported content only when the whole import succeeded."
        ),
    )
    importer.add_argument("path", help="the dump: a folder, a .7z or a .zip")
    importer.add_argument("--site", required=True, help="the site to import into (its name)")
    importer.add_argument("--title", help="the site's title (for a new site: default the origin)")
    importer.add_argument(
        "--origin",
        action="append",
        default=[],
        help="the dump's public origin, e.g. https://beer.stackexchange.com: links to it "
        "become local; repeatable",
    )
    importer.add_argument(
        "--database", help="database URL for a new site (default: SQLite in the data directory)"
    )
    importer.add_argument(
        "--replace", action="store_true", help="replace the site's content if it has some"
    )
    importer.add_argument(
        "--jobs",
        type=_at_least_one,
        help="processes loading the dump's files side by side (default: one per core for a "
        "dump over 50 MB, one for a smaller one)",
    )
    importer.add_argument(
        "--quiet", action="store_true", help="no progress display, only the summary"
    )
    importer.set_defaults(handler=cmd_import)

    exporter = commands.add_parser(
        "export",
        help="write a site as a Stack Exchange data dump (8 XML files, anonymised)",
        description=(
            "Write the site's content into DIRECTORY as the eight XML files of a Stack "
            "Exchange data dump, anonymised as Stack Exchange does: votes without voters "
            "(except bookmarks and bounties) and with their dates cut to the day."
        ),
    )
    exporter.add_argument("directory", help="the folder to write into (created if needed)")
    exporter.add_argument("--site", required=True, help="the site to export (its name)")
    exporter.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the dump files the folder holds already (refused without it)",
    )
    exporter.add_argument(
        "--quiet", action="store_true", help="no progress display, only the summary"
    )
    exporter.set_defaults(handler=cmd_export)
