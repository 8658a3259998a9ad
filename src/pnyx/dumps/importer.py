"""`import_dump`: a whole Stack Exchange site from its data dump, all or nothing.

The import fills a new database (see `target`) and points the site at it only once every file
has been read and every check passed; a failure, Ctrl-C or SIGTERM drops the new database, and
a site created for the import is only ever created at that last step. The site is therefore
always either as it was or completely imported.
"""

from __future__ import annotations

import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import psycopg
from django.db import transaction

from pnyx.config import private_dir
from pnyx.dumps import target as targets
from pnyx.dumps.bulk import BulkConnection, Deferred, PostgresBulk, SqliteBulk
from pnyx.dumps.errors import out_of_space
from pnyx.dumps.heap import frozen_heap
from pnyx.dumps.lanes import (
    REPLIES_TABLE,
    LanePool,
    Lanes,
    build,
    finishing_tasks,
    is_checks,
    lanes_for,
)
from pnyx.dumps.loader import (
    MENTIONS_TABLE,
    SEQUENCE_TABLES,
    TASKS,
    DumpLoader,
    LoadResult,
    Task,
)
from pnyx.dumps.progress import Reporter
from pnyx.dumps.rendering import Renderer, helpers_for
from pnyx.dumps.source import DumpSource, open_dump
from pnyx.errors import ValidationError
from pnyx.network.models import Site
from pnyx.posts.models import Post, SiteUser
from pnyx.search.index import fill_import
from pnyx.sites import registry
from pnyx.sites.context import activated
from pnyx.sites.ownership import check_database_free, used_by_another
from pnyx.sites.services import check_origin, check_site_name, default_database_url


@dataclass
class ImportRequest:
    path: Path
    site_name: str
    title: str | None = None
    origins: list[str] = field(default_factory=list)
    database_url: str | None = None
    replace: bool = False
    jobs: int | None = None  # processes loading files side by side; None: as many as pay off


@dataclass
class ImportReport:
    site: Site
    created_site: bool
    result: LoadResult
    seconds: float

    def summary_lines(self) -> list[str]:
        result = self.result
        total = sum(result.rows.values())
        lines = [
            f"imported {total:,} rows into site {self.site.name} in {self.seconds:.1f}s "
            f"({total / max(self.seconds, 1e-9):,.0f} rows/s)"
        ]
        for file, count in sorted(result.rows.items()):
            lines.append(f"  {file}: {rows(count)}")
        for file in result.missing_files:
            lines.append(f"  {file}: not in the dump, nothing imported")
        for file, count in sorted(result.skipped.items()):
            lines.append(f"  {file}: {rows(count)} skipped (canary posts and what hangs on them)")
        for file, count in sorted(result.dangling.items()):
            lines.append(f"  {file}: {rows(count)} naming posts or users not in the dump (kept)")
        if result.new_tags:
            lines.append(f"  Tags.xml: {result.new_tags:,} tags used by posts were missing; added")
        return lines


def rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def site_has_content(site: Site) -> bool:
    with activated(site):
        return Post.objects.exists() or SiteUser.objects.exists()


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so the half-made database is dropped on the way out."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _open_bulk(target: targets.TargetDatabase) -> BulkConnection:
    if target.is_sqlite:
        return SqliteBulk(targets.connect_sqlite(target))
    return PostgresBulk(targets.connect_postgres(target))


def _title_for(request: ImportRequest, origins: list[str]) -> str:
    if request.title and request.title.strip():
        return request.title.strip()
    if origins:
        return origins[0].split("://", 1)[1]
    return request.site_name


def import_dump(request: ImportRequest, reporter: Reporter | None = None) -> ImportReport:
    """Import the dump at `request.path` into the site `request.site_name`; see the module doc."""
    reporter = reporter or Reporter()
    started = time.monotonic()
    check_site_name(request.site_name)
    origins = [check_origin(o) for o in request.origins]
    if request.jobs is not None and request.jobs < 1:
        raise ValidationError(f"jobs must be at least 1, not {request.jobs}")
    with targets.site_lock(request.site_name):
        existing = Site.objects.filter(name=request.site_name).first()
        if existing is not None and not request.replace and site_has_content(existing):
            raise ValidationError(
                f"site {existing.name!r} already has content; give --replace to replace it "
                "with the dump's"
            )
        current_url = existing.database_url if existing else None
        base_url = request.database_url or current_url or default_database_url(request.site_name)
        # Whose databases the leftovers below and the new one are named after: the site's own.
        check_database_free(base_url, request.site_name)
        for leftover in targets.leftovers(base_url, keep=current_url):
            if used_by_another(leftover.url, request.site_name) is None:
                targets.drop(leftover)
        work = targets.work_folder(request.site_name)
        shutil.rmtree(work, ignore_errors=True)
        private_dir(work)  # the dump's extracted files, the lanes' scratch databases
        site = existing or Site(name=request.site_name)
        if request.title or existing is None:
            site.title = _title_for(request, origins)
        site.origins = list(dict.fromkeys([*(existing.origins if existing else []), *origins]))
        new = targets.new_target(base_url)
        try:
            with (
                _terminate_as_interrupt(),
                frozen_heap(),
                open_dump(request.path, work, reporter) as source,
            ):
                targets.create(new)
                result = _load(new, source, site, reporter, _jobs(request, source), work)
                _switch(site, new, existing is None)
        except BaseException as exc:
            targets.drop(new)
            full = out_of_space(exc)
            if full is not None:
                raise full from exc
            raise
        finally:
            reporter.close()
            shutil.rmtree(work, ignore_errors=True)
    if current_url is not None:
        _drop_old(existing, current_url, reporter)
    return ImportReport(site, existing is None, result, time.monotonic() - started)


def _jobs(request: ImportRequest, source: DumpSource) -> int:
    if request.jobs is not None:
        return request.jobs
    return lanes_for(sum(dump_file.size for dump_file in source.files.values()))


def _load(
    new: targets.TargetDatabase,
    source: DumpSource,
    site: Site,
    reporter: Reporter,
    jobs: int,
    work: Path,
) -> LoadResult:
    """Fill the new database: the tags, every other file as a task, the finishing steps, and
    the triggers again; in this process, or side by side in `jobs` lanes (see `lanes`)."""
    present = [task for task in TASKS if task.file in source.files]
    if new.is_sqlite and jobs > 1:
        template = work / "lanes" / "empty.sqlite3"
        template.parent.mkdir(parents=True)
        targets.copy_sqlite(new, template)  # the migrated, empty database
    db = _open_bulk(new)
    renderer = Renderer(0)
    try:
        deferred = db.deferrable()
        # SQLite lanes' tables are copied in with their indexes, which must exist here then.
        keep_indexes = new.is_sqlite and jobs > 1
        for item in deferred:
            if not (keep_indexes and item.kind == "index"):
                db.drop(item)
        loader = DumpLoader(db, source, site, reporter, renderer)
        loader.load_tags()
        result = loader.result
        result.missing_files.extend(t.file for t in TASKS if t.file not in source.files)
        loaded = {"tags", *(table for task in present for table in task.tables)}
        if jobs > 1:
            _load_in_lanes(loader, new, jobs, work, deferred, present)
        else:
            renderer.close()
            rendered = [source.files.get(name) for name in ("Posts.xml", "Comments.xml")]
            loader.renderer = renderer = Renderer(helpers_for(sum(f.size for f in rendered if f)))
            build(db, deferred, ("tags",), kinds=("index",), file="Tags.xml")
            for task in present:
                loader.run(task)
                build(db, deferred, task.tables, kinds=("index",), file=task.file)
            loader.insert_new_tags(result.new_tag_rows)
            with reporter.step("indexes"):
                others = {item.table for item in deferred} - loaded
                build(db, deferred, tuple(others), kinds=("index",))
            loader.finish(result.comments_with_mentions)
        fill_import(db, reporter)  # the search index, once every post is in
        # After the replies' UPDATE: an SQLite trigger would fire once per row.
        build(db, deferred, tuple({item.table for item in deferred}), kinds=("trigger",))
        db.reset_sequences(SEQUENCE_TABLES)
        _record(db, source.name, result)
        if new.is_sqlite:
            # Statistics from a sample of each index, as `PRAGMA optimize` takes them: the
            # planner needs their proportions only, and a full pass reads every index again.
            db.execute("PRAGMA analysis_limit = 1000")
        if new.is_sqlite or jobs == 1:
            db.execute("ANALYZE")
        else:  # PostgreSQL lanes analyse the tables they load (`lanes._run`)
            for table in sorted(loaded - {t for task in present for t in task.tables}):
                db.execute(f'ANALYZE "{table}"')
        db.commit()
    finally:
        renderer.close()
        db.close()
    return result


# The posts' lane leaves their indexes to the import, which builds them beside the finishing
# lanes (a posts table is the widest to read, and one index build reads it whole): the posts
# are the last file in, and the lanes would otherwise wait for one process building them.
LATER_INDEXES = ("posts", "post_tags")


def _load_in_lanes(
    loader: DumpLoader,
    new: targets.TargetDatabase,
    jobs: int,
    work: Path,
    deferred: list[Deferred],
    present: list[Task],
) -> None:
    """The files, then the replies and checks, in `jobs` lanes; see `lanes`."""
    db, source, site, reporter = loader.db, loader.source, loader.site, loader.reporter
    result = loader.result
    if isinstance(db, SqliteBulk):
        db.release()  # a lane writes posts and their history into the new database
    else:
        build(db, deferred, ("tags",), kinds=("index",), file="Tags.xml")
        db.commit()  # the lanes' connections must see the tags and the dropped indexes
    mentions_apart = any(task.file == "Comments.xml" for task in present)
    lanes = Lanes(
        source, site, new.url, new.is_sqlite, deferred, work / "lanes",
        loader.tag_ids, loader.next_tag_id,
        later_indexes=LATER_INDEXES, mentions_apart=mentions_apart,
    )  # fmt: skip
    with LanePool(jobs) as pool:
        result.add(pool.run(lanes, present, reporter))
        if isinstance(db, SqliteBulk):
            db.resume()
            with reporter.step("merging lanes"):
                for task in present:
                    if not task.in_place:
                        tables = task.tables
                        if task.file == "Comments.xml":  # with the comments kept apart
                            db.create_scratch_table(MENTIONS_TABLE, "comments")
                            tables = (*tables, MENTIONS_TABLE)
                        db.copy_from(lanes.scratch(task), tables)
                        lanes.scratch(task).unlink()
        loader.insert_new_tags(result.new_tag_rows)
        if not isinstance(db, SqliteBulk):
            with reporter.step("indexes"):
                loaded = {"tags", *(table for task in present for table in task.tables)}
                others = {item.table for item in deferred} - loaded
                build(db, deferred, tuple(others), kinds=("index",))
        replies = result.comments_with_mentions > 0
        tasks = finishing_tasks(jobs, replies)
        # The posts' indexes are built meanwhile: the lanes only read the posts, and need none.
        later = [item.statement for item in deferred if lanes.built_later(item)]
        with reporter.step("replies and checks"):
            if isinstance(db, SqliteBulk):
                with db.writing_meanwhile(later):
                    result.add(pool.run(lanes, tasks, reporter))
                # The lanes' shares gathered in one table, so that the comments kept apart
                # are inserted in one pass, in id order.
                db.execute(
                    f"CREATE TEMPORARY TABLE {REPLIES_TABLE} (id INTEGER PRIMARY KEY, html text)"
                )
                for task in tasks:
                    if not is_checks(task):
                        with db.attached(lanes.scratch(task), "part"):
                            db.execute(
                                f"INSERT INTO temp.{REPLIES_TABLE} SELECT id, html FROM part.comment_html"
                            )
                if mentions_apart:
                    loader.merge_mentions(f"temp.{REPLIES_TABLE}")
                db.execute(f"DROP TABLE temp.{REPLIES_TABLE}")
            else:
                # The lanes' rendered replies, seen by every session; unlogged, as the whole
                # database is dropped if the import does not complete.
                db.execute(f"CREATE UNLOGGED TABLE {REPLIES_TABLE} (id bigint, html text)")
                # Adding a key locks its table until commit, and the lanes read those tables.
                db.commit()
                with db.writing_meanwhile(later):
                    result.add(pool.run(lanes, tasks, reporter))
                if mentions_apart:
                    loader.merge_mentions(REPLIES_TABLE)
                    after = [item for item in deferred if lanes.built_after_replies(item)]
                    build(db, after, ("comments",), kinds=("index",), file="Comments.xml")
                    db.execute('ANALYZE "comments"')
                db.execute(f"DROP TABLE {REPLIES_TABLE}")


def _record(db: BulkConnection, source_name: str, result: LoadResult) -> None:
    import json

    counts = {
        "rows": dict(result.rows),
        "skipped": dict(result.skipped),
        "dangling": dict(result.dangling),
        "missing": result.missing_files,
    }
    marks = ", ".join([db.param] * 5)
    db.execute(
        f"INSERT INTO dump_imports (imported_at, source, tag_form, derived, counts) "
        f"VALUES ({marks})",
        [
            datetime.now(UTC).replace(tzinfo=None).isoformat(" "),
            source_name,
            result.tag_form,
            json.dumps(result.derived),
            json.dumps(counts),
        ],
    )


def _switch(site: Site, new: targets.TargetDatabase, is_new_site: bool) -> None:
    """The commit point: the site now reads the new database."""
    with transaction.atomic(using="default"):
        if is_new_site:
            site.database_url = new.url
            site.save(using="default", force_insert=True)
        else:
            Site.objects.using("default").filter(pk=site.pk).update(
                database_url=new.url, title=site.title, origins=site.origins
            )
            registry.sites_changed("default")  # an update() sends no post_save
    registry.forget_connection(site)
    site.database_url = new.url
    registry.reload_sites()


def _drop_old(site: Site | None, old_url: str, reporter: Reporter) -> None:
    """Drop the database the site used before; a failure here leaves a stray database only."""
    if site is None:
        return
    old = targets.TargetDatabase(old_url)
    owner = used_by_another(old_url, site.name)
    if owner is not None:  # a site made before URLs in use were refused
        reporter.note(f"the previous database {old.name} is {owner.label} too: not dropped")
        return
    scratch = Site(name=site.name, database_url=old_url)
    registry.forget_connection(scratch)
    try:
        # Running servers are told of the switch on commit and follow it on their next lookup;
        # a request already reading the old database may finish first (waited for, within
        # `registry.FOLLOW_SECONDS`). An SQLite file stays readable to whoever has it open, a
        # PostgreSQL database does not.
        targets.wait_until_unused(old, seconds=registry.FOLLOW_SECONDS)
        targets.drop(old)
    except (OSError, psycopg.Error) as exc:
        reporter.note(f"the previous database {old.name} could not be dropped: {exc}")
