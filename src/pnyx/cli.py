"""The `pnyx` command.

Each subcommand parses its arguments, sets Django up and calls the domain; a `PnyxError` (bad
input or environment) is printed on one line as `pnyx: error: ...` with exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pnyx.errors import ConfigurationError, PnyxError

# Threads per `pnyx serve` worker. A write waits for SQLite's one write lock with its thread
# held: with 4, a handful of writes queued on the lock took every thread and readers, who never
# wait for it, stood in line behind them (make bench, readers without cookies beside 5% writes:
# 3-11% of the bare view with 4 threads, 15-37% with 8, 14-20% with 16; see docs/benchmarks.md).
SERVE_THREADS = 8

Handler = Callable[[argparse.Namespace], int]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pnyx.settings")
    import django

    django.setup()


def check_network_database(migrated: bool = True) -> None:
    """Refuse, in a sentence, a network database that cannot be opened or (with `migrated`)
    lacks migrations: on a new install or after an upgrade `pnyx migrate` has to run first,
    and a command would otherwise end in a traceback about a missing table or column."""
    from django.db import OperationalError, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections["default"]
    if connection.vendor == "sqlite":
        _create_private(Path(connection.settings_dict["NAME"]))
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        raise ConfigurationError(f"cannot open the network database: {exc}".strip()) from exc
    if migrated:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ConfigurationError(
                "the network database is not up to date: run `pnyx migrate` first"
            )


def _create_private(path: Path) -> None:
    """Create the network's SQLite file owner-only, before SQLite would create it readable by
    all (a folder missing or not writable is left for the connection to report)."""
    import contextlib

    from pnyx.dbconfig import create_sqlite_file

    with contextlib.suppress(OSError):
        create_sqlite_file(path)


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from pnyx.sites.registry import all_sites
    from pnyx.sites.services import default_database_url, migrate_site
    from pnyx.sites.templates import ensure_template

    check_network_database(migrated=False)
    call_command("migrate", database="default", verbosity=args.verbosity, interactive=False)
    for site in all_sites():
        migrate_site(site, verbosity=args.verbosity)
        print(f"site {site.name}: up to date")
    if default_database_url("template").startswith("sqlite"):
        ensure_template()  # what imports copy instead of migrating a new database
    return 0


def cmd_site_create(args: argparse.Namespace) -> int:
    from pnyx.sites.services import create_site

    check_network_database()
    site = create_site(
        args.name,
        args.title,
        database_url=args.database,
        origins=args.origin,
        hostnames=args.host,
        privilege_level=args.privileges,
    )
    print(f"created site {site.name} ({site.title}) at {site.url_prefix}/")
    return 0


def cmd_site_privileges(args: argparse.Namespace) -> int:
    from pnyx.sites.services import set_privilege_level

    check_network_database()
    site = set_privilege_level(args.name, args.level)
    print(f"site {site.name}: privileges of a {site.get_privilege_level_display().lower()} site")
    return 0


def cmd_site_touch(args: argparse.Namespace) -> int:
    """Make every cached page of a site render afresh (after changing its database by hand)."""
    from pnyx.errors import NotFound
    from pnyx.sites import content_version
    from pnyx.sites.registry import ensure_connection, site_by_name

    check_network_database()
    site = site_by_name(args.name)
    if site is None:
        raise NotFound(f"there is no site {args.name!r}")
    ensure_connection(site)
    content_version.bump(site.db_alias, "epoch")
    print(f"site {site.name}: cached pages will be rendered afresh")
    return 0


def cmd_reputation(args: argparse.Namespace) -> int:
    """Recompute every user's reputation from their events; report (and with --fix apply) the
    differences."""
    from pnyx.errors import NotFound
    from pnyx.posts.actions import reputation
    from pnyx.sites.context import activated
    from pnyx.sites.registry import site_by_name

    check_network_database()
    site = site_by_name(args.site)
    if site is None:
        raise NotFound(f"there is no site {args.site!r}")
    with activated(site):
        differences = reputation.recompute(site=site)
        for d in differences:
            print(
                f"user {d.user_id} ({d.display_name}): stored {d.stored}, events give "
                f"{d.expected} (earned {d.stored_earned} stored, {d.expected_earned} from events)"
            )
        if args.fix and differences:
            changed = reputation.fix(differences, site=site)
            print(f"site {site.name}: fixed {changed} user{'s' if changed != 1 else ''}")
            return 0
    if differences:
        print(f"site {site.name}: {len(differences)} difference(s); run with --fix to apply them")
        return 1
    print(f"site {site.name}: every user's reputation agrees with their events")
    return 0


def cmd_site_list(args: argparse.Namespace) -> int:
    from pnyx.sites.registry import all_sites

    check_network_database()
    for site in all_sites():
        origins = " ".join(site.origins)
        print(f"{site.id}\t{site.name}\t{site.title}\t{site.database_url}\t{origins}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pnyx.demo.seed import load_politics

    check_network_database()
    site, created = load_politics()
    print(f"site {site.name}: {'seed thread loaded' if created else 'already loaded'}")

    from pnyx.demo.beer import load_beer
    from pnyx.dumps.progress import reporter_for

    beer, imported = load_beer(reporter=reporter_for(sys.stderr))
    print(f"site {beer.name}: {'dump imported' if imported else 'already imported'}")
    return 0


def cmd_createsuperuser(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    check_network_database()
    # Without a terminal (a script, a container), Django's own variables give the answers:
    # DJANGO_SUPERUSER_EMAIL, DJANGO_SUPERUSER_DISPLAY_NAME and DJANGO_SUPERUSER_PASSWORD.
    call_command("createsuperuser", database="default", interactive=sys.stdin.isatty())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run granian, the production server, on the WSGI application (see `pnyx.server`: it drains
    requests on SIGTERM), and one background worker (`pnyx worker`) beside it unless
    `--no-worker`."""
    if not 0 < args.port < 65536:
        raise PnyxError(f"port {args.port} is out of range")
    if args.workers < 1:
        raise PnyxError("--workers must be at least 1")
    if not 0 <= args.drain <= 600:
        raise PnyxError("--drain must be between 0 and 600 seconds")
    check_network_database()  # rather than serve every page as an error
    if args.reload:
        command = [
            sys.executable, "-m", "granian",
            "--interface", "wsgi",
            "--host", args.host,
            "--port", str(args.port),
            "--workers", str(args.workers),
            "--blocking-threads", str(args.threads),
            "--no-ws",
            "--reload",
            "pnyx.wsgi:application",
        ]  # fmt: skip
    else:
        command = [
            sys.executable, "-m", "pnyx.server",
            "--host", args.host,
            "--port", str(args.port),
            "--workers", str(args.workers),
            "--threads", str(args.threads),
            "--drain", str(args.drain),
        ]  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pnyx.settings")
    if args.no_worker:
        os.execv(sys.executable, command)
        return 0  # pragma: no cover - exec does not return
    from pnyx.accounts.worker import serve_with_worker

    return serve_with_worker(command)


def cmd_worker(args: argparse.Namespace) -> int:
    """Run background tasks (e-mail...) as they are queued, until stopped."""
    from django.core.management import call_command

    check_network_database()
    options: dict[str, object] = {"verbosity": args.verbosity}
    if args.batch:
        options["batch"] = True
    call_command("db_worker", **options)
    return 0


def cmd_accounts_repair(args: argparse.Namespace) -> int:
    from pnyx.accounts.deletion import repair_deletions
    from pnyx.accounts.membership import repair_memberships

    check_network_database()
    repairs = repair_memberships(fix=not args.dry_run)
    for repair in repairs:
        print(f"account {repair.account_id} on {repair.site}: {repair.action}")
    deletions = [] if args.dry_run else repair_deletions()
    for account_id, sites in deletions:
        done = ", ".join(sites) or "no site"
        print(f"account {account_id}: deletion finished ({done})")
    if not repairs and not deletions:
        print("nothing to repair")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pnyx",
        description="Run and administer a Pnyx question-and-answer network.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser(
        "serve", help="serve the network with the production server (granian)"
    )
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    serve.add_argument(
        "--threads",
        type=int,
        default=SERVE_THREADS,
        help=f"threads per worker (default {SERVE_THREADS})",
    )
    serve.add_argument(
        "--drain",
        type=float,
        default=2.0,
        help="on SIGTERM, seconds to let accepted connections deliver their requests before "
        "stopping; requests in progress are then finished (default 2)",
    )
    serve.add_argument(
        "--reload", action="store_true", help="restart when the code changes (development)"
    )
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start a background worker beside the server (run `pnyx worker` yourself)",
    )
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser(
        "worker", help="run background tasks (e-mail) from the network database's queue"
    )
    worker.add_argument("--batch", action="store_true", help="run the tasks queued now, then stop")
    worker.add_argument("-v", "--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    worker.set_defaults(handler=cmd_worker)

    accounts = commands.add_parser("accounts", help="look after accounts")
    account_commands = accounts.add_subparsers(
        dest="accounts_command", metavar="ACTION", required=True
    )
    repair = account_commands.add_parser(
        "repair",
        help="finish joins of sites and account deletions that stopped half way",
    )
    repair.add_argument("--dry-run", action="store_true", help="only say what would be repaired")
    repair.set_defaults(handler=cmd_accounts_repair)

    migrate = commands.add_parser(
        "migrate", help="create or update the network database and every site's"
    )
    migrate.add_argument("-v", "--verbosity", type=int, default=0, choices=[0, 1, 2, 3])
    migrate.set_defaults(handler=cmd_migrate)

    site = commands.add_parser("site", help="create and list sites")
    site_commands = site.add_subparsers(dest="site_command", metavar="ACTION", required=True)
    create = site_commands.add_parser("create", help="create a site with its own database")
    create.add_argument("name", help="short name: lowercase letters, digits and hyphens")
    create.add_argument("--title", required=True, help="the site's title, shown on its pages")
    create.add_argument(
        "--database",
        help="database URL (sqlite:///PATH or postgresql://...); default: SQLite in the data directory",
    )
    create.add_argument(
        "--origin",
        action="append",
        default=[],
        help="a public origin (https://host) whose post links are this site's own; repeatable",
    )
    create.add_argument(
        "--host", action="append", default=[], help="a host name that serves this site; repeatable"
    )
    create.add_argument(
        "--privileges",
        choices=["private-beta", "public-beta", "graduated"],
        default="graduated",
        help="Stack Exchange's reputation thresholds for this stage (default graduated)",
    )
    create.set_defaults(handler=cmd_site_create)
    stage = site_commands.add_parser(
        "privileges", help="choose the privilege thresholds of a site (its stage)"
    )
    stage.add_argument("name", help="the site's short name")
    stage.add_argument("level", choices=["private-beta", "public-beta", "graduated"])
    stage.set_defaults(handler=cmd_site_privileges)
    touch = site_commands.add_parser(
        "touch", help="render a site's cached pages afresh (after changing its database by hand)"
    )
    touch.add_argument("name", help="the site's short name")
    touch.set_defaults(handler=cmd_site_touch)
    listing = site_commands.add_parser("list", help="list the sites")
    listing.set_defaults(handler=cmd_site_list)

    rep = commands.add_parser(
        "reputation", help="check every user's reputation against their reputation events"
    )
    rep.add_argument("--site", required=True, help="the site's short name")
    mode = rep.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="report differences (the default)")
    mode.add_argument("--fix", action="store_true", help="apply the differences found")
    rep.set_defaults(handler=cmd_reputation)

    demo = commands.add_parser("demo", help="load the demo sites (safe to run again)")
    demo.set_defaults(handler=cmd_demo)

    superuser = commands.add_parser(
        "createsuperuser", help="create a network administrator account"
    )
    superuser.set_defaults(handler=cmd_createsuperuser)

    from pnyx.dumps import cli as dumps_cli

    dumps_cli.add_commands(commands)
    from pnyx.search import cli as search_cli

    search_cli.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        setup_django()
        handler: Handler = args.handler
        return handler(args)
    except PnyxError as exc:
        print(f"pnyx: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pnyx: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
