"""Loading a dump's files into a fresh site database, in one streaming pass per file.

Rows go to the database in batches, so memory holds a batch, the tag names and little else.
What a row cannot know alone is filled in by set-based SQL after the files are read:

- a post's Markdown source (`posts.body_markdown`) is its latest body revision in PostHistory
  (types 2, 5 and 8); a dump without PostHistory.xml leaves it NULL and the post shows its HTML;
- a comment's `@name` replies are resolved against the post's author and the earlier
  commenters, in a second pass over the comments that hold an `@`, grouped by post;
- `posts.locked_date` comes from the latest lock (14) not followed by an unlock (15).

The canary posts of recent dumps (ids 1000000001 and 1000000010) are dropped with their
comments, votes, history and links; references to posts or users the dump does not have are
kept (real dumps have votes on deleted posts) and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from pnyx.dumps.bulk import INSERT_ERRORS, VALUE_ERRORS, BulkConnection, Row, insert_problem
from pnyx.dumps.convert import RowConverter, RowProblem
from pnyx.dumps.errors import DumpError
from pnyx.dumps.progress import Reporter
from pnyx.dumps.schema import (
    BADGES,
    CANARY_POST_IDS,
    COMMENTS,
    POST_HISTORY,
    POST_LINKS,
    POSTS,
    TAGS,
    USERS,
    VOTES,
    Table,
    license_for_date,
)
from pnyx.dumps.source import DumpSource
from pnyx.dumps.xmlrows import read_rows
from pnyx.network.models import Site
from pnyx.posts.slugs import slugify_name
from pnyx.render.comments import render_comment
from pnyx.render.markdown import sanitise_imported_html
from pnyx.render.mentions import Participant, conversation
from pnyx.sites.paths import link_context, site_path

BATCH_ROWS = 5000
POST_TAG_COLUMNS = ["post_id", "tag_id"]
BODY_HISTORY_TYPES = (2, 5, 8)
LOCKED, UNLOCKED = 14, 15
SEQUENCE_TABLES = (
    "users",
    "posts",
    "tags",
    "post_tags",
    "comments",
    "votes",
    "post_history",
    "post_links",
    "badges",
    "dump_imports",
)


@dataclass
class LoadResult:
    """What was loaded, per dump file: rows kept, rows dropped and references left dangling."""

    rows: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    dangling: Counter[str] = field(default_factory=Counter)
    missing_files: list[str] = field(default_factory=list)
    tag_form: str = "angle"
    derived: dict[str, list[str]] = field(default_factory=dict)
    new_tags: int = 0


class _Batches:
    """Rows waiting for the database, per table, written together when the first fills up."""

    def __init__(self, db: BulkConnection, file: str) -> None:
        self.db = db
        self.file = file
        self.pending: dict[str, tuple[list[str], list[Row]]] = {}

    def add(self, table: str, columns: list[str], row: Row) -> None:
        entry = self.pending.get(table)
        if entry is None:
            entry = self.pending[table] = (columns, [])
        entry[1].append(row)
        if len(entry[1]) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        for table, (columns, rows) in self.pending.items():
            if not rows:
                continue
            try:
                self.db.insert(table, columns, rows)
            except INSERT_ERRORS + VALUE_ERRORS as exc:
                raise insert_problem(self.file, exc) from exc
            rows.clear()


class DumpLoader:
    """Loads one dump into one empty, migrated database through `db`."""

    def __init__(
        self, db: BulkConnection, source: DumpSource, site: Site, reporter: Reporter
    ) -> None:
        self.db = db
        self.source = source
        self.site = site
        self.reporter = reporter
        self.result = LoadResult()
        self.links = link_context(site)
        self.tag_ids: dict[str, int] = {}
        self.new_tags: dict[str, list[int]] = {}  # name -> [id, questions]
        self.next_tag_id = 1

    # -- reading one file ------------------------------------------------------------------

    def _each_row(
        self, table: Table, converter: RowConverter, keep: Callable[[list[object]], bool]
    ) -> int:
        """Convert every row of `table`'s file and write those `keep` accepts; return the rows read.

        `keep` may add rows of other tables to `self.batches` (a post's tags) and may raise
        `RowProblem`, reported at the row's line like a conversion problem.
        """
        dump_file = self.source.files.get(table.file)
        if dump_file is None:
            self.result.missing_files.append(table.file)
            return 0
        self.batches = batches = _Batches(self.db, dump_file.label)
        columns = self._columns(table)
        self.reporter.start_file(table.file, dump_file.size)
        rows = 0
        element: etree._Element
        for element in read_rows(dump_file, table, self.reporter.advance):
            try:
                values = converter(element.attrib)
                if keep(values):
                    batches.add(table.db_table, columns, values)
            except RowProblem as exc:
                raise DumpError(str(exc), dump_file.label, element.sourceline) from exc
            rows += 1
        batches.flush()
        self.reporter.finish_file(rows)
        return rows

    def _columns(self, table: Table) -> list[str]:
        columns = table.columns
        if table is COMMENTS:
            return [*columns, "text_html"]
        return columns

    def _count(self, table: Table, kept: bool) -> bool:
        if kept:
            self.result.rows[table.file] += 1
        else:
            self.result.skipped[table.file] += 1
        return kept

    def _derive_license(self, table: Table, values: list[object], at: int, date_at: int) -> None:
        if values[at] is None:
            values[at] = license_for_date(str(values[date_at]))
            self._derived[table.file] += 1
        else:
            self._given[table.file] += 1

    # -- the files -------------------------------------------------------------------------

    def load(self) -> LoadResult:
        self._derived: Counter[str] = Counter()
        self._given: Counter[str] = Counter()
        self.load_users()
        self.load_tags()
        self.load_posts()
        self.load_post_history()
        self.load_comments()
        self.load_simple(VOTES, ("post_id",))
        self.load_simple(POST_LINKS, ("post_id", "related_post_id"))
        self.load_simple(BADGES, ())
        for file, derived in self._derived.items():
            if derived and not self._given[file]:
                self.result.derived[file] = ["ContentLicense"]
        return self.result

    def load_users(self) -> None:
        self._each_row(USERS, RowConverter(USERS), lambda values: self._count(USERS, True))

    def load_tags(self) -> None:
        def keep(values: list[object]) -> bool:
            tag_id, name = int(str(values[0])), str(values[1])
            if name in self.tag_ids:
                raise RowProblem(f"TagName {name!r} appears twice")
            self.tag_ids[name] = tag_id
            self.next_tag_id = max(self.next_tag_id, tag_id + 1)
            return self._count(TAGS, True)

        self._each_row(TAGS, RowConverter(TAGS), keep)

    def load_posts(self) -> None:
        columns = POSTS.columns
        at_id, at_created = columns.index("id"), columns.index("creation_date")
        at_edited, at_active = columns.index("last_edit_date"), columns.index("last_activity_date")
        at_tags, at_license = columns.index("tags"), columns.index("content_license")
        converter = RowConverter(POSTS, html=self._sanitise)

        def keep(values: list[object]) -> bool:
            post_id = values[at_id]
            if post_id in CANARY_POST_IDS:
                return self._count(POSTS, False)
            if values[at_active] is None:
                values[at_active] = values[at_created]
            if values[at_license] is None:
                values[at_license] = license_for_date(str(values[at_edited] or values[at_created]))
                self._derived[POSTS.file] += 1
            else:
                self._given[POSTS.file] += 1
            tags = values[at_tags]
            if tags:
                for name in dict.fromkeys(str(tags).split(" ")):
                    self.batches.add("post_tags", POST_TAG_COLUMNS, (post_id, self._tag_id(name)))
            return self._count(POSTS, True)

        self._each_row(POSTS, converter, keep)
        if "pipe" in converter.tag_forms:
            self.result.tag_form = "pipe"
        self._insert_new_tags()

    def _sanitise(self, body: str) -> str:
        return sanitise_imported_html(body, self.links)

    def _tag_id(self, name: str) -> int:
        tag_id = self.tag_ids.get(name)
        if tag_id is not None:
            new = self.new_tags.get(name)
            if new is not None:
                new[1] += 1
            return tag_id
        tag_id = self.next_tag_id
        self.next_tag_id += 1
        self.tag_ids[name] = tag_id
        self.new_tags[name] = [tag_id, 1]
        return tag_id

    def _insert_new_tags(self) -> None:
        """Tags that posts carry but Tags.xml lacks get a row (and the count of their posts)."""
        if not self.new_tags:
            return
        rows: list[Row] = [(tag_id, name, count) for name, (tag_id, count) in self.new_tags.items()]
        self.db.insert("tags", ["id", "name", "count"], rows)
        self.result.new_tags = len(rows)

    def load_post_history(self) -> None:
        columns = POST_HISTORY.columns
        at_post, at_created = columns.index("post_id"), columns.index("creation_date")
        at_license = columns.index("content_license")

        def keep(values: list[object]) -> bool:
            if values[at_post] in CANARY_POST_IDS:
                return self._count(POST_HISTORY, False)
            self._derive_license(POST_HISTORY, values, at_license, at_created)
            return self._count(POST_HISTORY, True)

        self._each_row(POST_HISTORY, RowConverter(POST_HISTORY), keep)

    def load_comments(self) -> None:
        """Comments without `@` are rendered now; those with one wait for `resolve_mentions`."""
        columns = COMMENTS.columns
        at_post, at_text = columns.index("post_id"), columns.index("text")
        at_created, at_license = columns.index("creation_date"), columns.index("content_license")
        self.comments_with_mentions = 0

        def keep(values: list[object]) -> bool:
            if values[at_post] in CANARY_POST_IDS:
                return self._count(COMMENTS, False)
            self._derive_license(COMMENTS, values, at_license, at_created)
            text = str(values[at_text])
            if "@" in text:
                self.comments_with_mentions += 1
                values.append("")
            else:
                values.append(render_comment(text, (), _no_user_url, self.links))
            return self._count(COMMENTS, True)

        self._each_row(COMMENTS, RowConverter(COMMENTS), keep)

    def load_simple(self, table: Table, post_columns: tuple[str, ...]) -> None:
        positions = [table.columns.index(c) for c in post_columns]

        def keep(values: list[object]) -> bool:
            for position in positions:
                if values[position] in CANARY_POST_IDS:
                    return self._count(table, False)
            return self._count(table, True)

        self._each_row(table, RowConverter(table), keep)

    # -- after the files -------------------------------------------------------------------

    def finish(self) -> None:
        with self.reporter.step("revisions"):
            self.fill_markdown()
            self.fill_locked_dates()
        with self.reporter.step("comment replies"):
            self.resolve_mentions()
        with self.reporter.step("checks"):
            self.count_dangling()

    def fill_markdown(self) -> None:
        types = ", ".join(str(t) for t in BODY_HISTORY_TYPES)
        self.db.execute(
            "UPDATE posts SET body_markdown = latest.text FROM ("
            " SELECT post_id, text FROM ("
            "  SELECT post_id, text, row_number() OVER ("
            "   PARTITION BY post_id ORDER BY creation_date DESC, id DESC) AS position"
            f"  FROM post_history WHERE history_type IN ({types}) AND text IS NOT NULL"
            " ) AS revisions WHERE position = 1"
            ") AS latest WHERE posts.id = latest.post_id"
        )

    def fill_locked_dates(self) -> None:
        self.db.execute(
            "UPDATE posts SET locked_date = latest.creation_date FROM ("
            " SELECT post_id, history_type, creation_date FROM ("
            "  SELECT post_id, history_type, creation_date, row_number() OVER ("
            "   PARTITION BY post_id ORDER BY creation_date DESC, id DESC) AS position"
            f"  FROM post_history WHERE history_type IN ({LOCKED}, {UNLOCKED})"
            " ) AS events WHERE position = 1"
            f") AS latest WHERE posts.id = latest.post_id AND latest.history_type = {LOCKED}"
        )

    def resolve_mentions(self) -> None:
        """Render the comments that hold an `@`, knowing who spoke before them on their post."""
        if not self.comments_with_mentions:
            return
        temp_id = "INTEGER PRIMARY KEY" if self.db.is_sqlite else "bigint PRIMARY KEY"
        self.db.execute(f"CREATE TEMPORARY TABLE comment_html (id {temp_id}, html text)")
        rows = self.db.stream(
            "SELECT c.id, c.post_id, c.text, c.user_id, u.display_name, p.owner_id,"
            " o.display_name FROM comments c"
            " LEFT JOIN users u ON u.id = c.user_id"
            " LEFT JOIN posts p ON p.id = c.post_id"
            " LEFT JOIN users o ON o.id = p.owner_id"
            " WHERE c.post_id IN (SELECT post_id FROM comments WHERE text LIKE '%@%')"
            " ORDER BY c.post_id, c.creation_date, c.id"
        )
        current_post: object = None
        author: Participant | None = None
        earlier: list[Participant] = []
        for batch in rows:
            rendered: list[Row] = []
            for comment_id, post_id, text, user_id, name, owner_id, owner_name in batch:
                if post_id != current_post:
                    current_post, earlier = post_id, []
                    author = (
                        Participant(owner_id, owner_name)
                        if owner_id is not None and owner_name is not None
                        else None
                    )
                if "@" in text:
                    html = render_comment(
                        text, conversation(author, earlier), self._user_url, self.links
                    )
                    rendered.append((comment_id, html))
                if user_id is not None and name is not None:
                    earlier.append(Participant(user_id, name))
            if rendered:
                self.db.insert("comment_html", ["id", "html"], rendered)
        self.db.execute(
            "UPDATE comments SET text_html = comment_html.html FROM comment_html"
            " WHERE comments.id = comment_html.id"
        )
        self.db.execute("DROP TABLE comment_html")

    def _user_url(self, participant: Participant) -> str:
        return site_path(
            self.site, "user", participant.user_id, slugify_name(participant.display_name)
        )

    def count_dangling(self) -> None:
        """Count references to posts and users the dump does not have (kept, as in the dump)."""
        checks = {
            "Posts.xml": "SELECT COUNT(*) FROM posts a WHERE a.parent_id IS NOT NULL AND NOT"
            " EXISTS (SELECT 1 FROM posts q WHERE q.id = a.parent_id)",
            "Comments.xml": "SELECT COUNT(*) FROM comments c WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = c.post_id)",
            "PostHistory.xml": "SELECT COUNT(*) FROM post_history h WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = h.post_id)",
            "Votes.xml": "SELECT COUNT(*) FROM votes v WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = v.post_id)",
            "PostLinks.xml": "SELECT COUNT(*) FROM post_links l WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = l.post_id) OR NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = l.related_post_id)",
            "Badges.xml": "SELECT COUNT(*) FROM badges b WHERE NOT EXISTS"
            " (SELECT 1 FROM users u WHERE u.id = b.user_id)",
        }
        for file, statement in checks.items():
            count = int(self.db.scalar(statement) or 0)
            if count:
                self.result.dangling[file] = count


def _no_user_url(participant: Participant) -> str:  # pragma: no cover - no participants
    raise AssertionError("a comment without participants links no user")
