"""Loading a dump's files into a fresh site database, in one streaming pass per file.

Rows go to the database in batches, so memory holds a few batches, the tag names and little
else. Each file is a task (`TASKS`) that fills its own tables and then builds their indexes, so
tasks can run side by side in helper processes (see `lanes`) or one after the other here.
What a row cannot know alone comes from what was loaded before it:

- a post's Markdown source (`posts.body_markdown`) is its latest body revision in PostHistory
  (types 2, 5 and 8), and `posts.locked_date` the latest lock (14) not followed by an unlock
  (15): PostHistory is loaded first, and each batch of posts looks its revisions up by post
  (a dump without PostHistory.xml leaves both NULL and the post shows its HTML);
- a comment's `@name` replies are resolved against the post's author and the earlier
  commenters, in a second pass over the comments that hold an `@`, grouped by post, once
  users, posts and comments are all in. With `mentions_apart` (in lanes) those comments
  wait in a table of their own (`MENTIONS_TABLE`) and join the others with their rendered
  replies (`merge_mentions`), rather than being updated in place.

The canary posts of recent dumps (ids 1000000001 and 1000000010) are dropped with their
comments, votes, history and links; references to posts or users the dump does not have are
kept (real dumps have votes on deleted posts) and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from pnyx.dumps.bulk import (
    INSERT_ERRORS,
    VALUE_ERRORS,
    BulkConnection,
    Row,
    SqliteBulk,
    insert_problem,
)
from pnyx.dumps.comment_html import is_plain
from pnyx.dumps.convert import RowConverter, RowProblem
from pnyx.dumps.errors import DumpError
from pnyx.dumps.posts_store import commit_stored, store_posts
from pnyx.dumps.progress import Reporter
from pnyx.dumps.rendering import (
    USER_ID,
    USER_SLUG,
    Pipeline,
    Renderer,
    Reply,
    render_comments,
    render_replies,
    sanitise_bodies,
)
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
from pnyx.posts.rules import TAG_RULE, is_tag_name
from pnyx.render.mentions import Participant, conversation
from pnyx.sites.paths import link_context, site_path

BATCH_ROWS = 5000
# Posts and revisions carry whole texts: smaller batches keep memory flat (5,000 posts with
# their HTML and Markdown are 15 MB, and Python keeps what it once held).
TEXT_BATCH_ROWS = 1000
POST_TAG_COLUMNS = ["post_id", "tag_id"]
# What finishes a batch once its rendering is back: True if the renderer wrote it as well.
Completion = Callable[[], bool]
# The comments that hold an `@`, kept apart until their replies are rendered (`mentions_apart`).
MENTIONS_TABLE = "pnyx_import_mentions"
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
    new_tag_rows: list[Row] = field(default_factory=list)  # (id, name, count) to insert
    comments_with_mentions: int = 0

    def add(self, other: LoadResult) -> None:
        """Take in what a task loaded elsewhere (in a helper process)."""
        self.rows.update(other.rows)
        self.skipped.update(other.skipped)
        self.dangling.update(other.dangling)
        self.missing_files.extend(other.missing_files)
        if other.tag_form == "pipe":
            self.tag_form = "pipe"
        self.derived.update(other.derived)
        self.new_tag_rows.extend(other.new_tag_rows)
        self.comments_with_mentions += other.comments_with_mentions


@dataclass(frozen=True)
class Task:
    """One dump file's load: the tables it fills, and the tasks whose tables it reads.

    `in_place` tasks write into the new database even on SQLite, where the other lanes write
    into scratch files copied in at the end: the biggest tables, one task after the other,
    so they are never copied (and posts read the revisions from the same database).
    """

    file: str
    tables: tuple[str, ...]
    after: tuple[str, ...] = ()
    in_place: bool = False
    part: int = 0  # for the finishing steps: this task's share of the work,
    parts: int = 0  # out of `parts` (0: a file's load)


# In an order that satisfies `after`; Tags.xml is read first, by the import itself, since
# every post needs the tags' ids.
TASKS = (
    Task("Users.xml", ("users",)),
    Task("PostHistory.xml", ("post_history",), in_place=True),
    Task("Posts.xml", ("posts", "post_tags"), after=("PostHistory.xml",), in_place=True),
    Task("Comments.xml", ("comments",)),
    Task("Votes.xml", ("votes",)),
    Task("PostLinks.xml", ("post_links",)),
    Task("Badges.xml", ("badges",)),
)
TASK_BY_FILE = {task.file: task for task in TASKS}


def revision_columns(id_param: int) -> tuple[tuple[str, str], ...]:
    """`posts.body_markdown` and `posts.locked_date` as SQL worked out from the revisions
    loaded before, for the post whose id is parameter `id_param` (as `_add_revisions` does)."""
    latest = f"FROM post_history h WHERE h.post_id = ?{id_param} AND h.history_type IN"
    order = "ORDER BY h.creation_date DESC, h.id DESC LIMIT 1"
    body_types = ", ".join(str(t) for t in BODY_HISTORY_TYPES)
    return (
        (
            "body_markdown",
            f"(SELECT h.text {latest} ({body_types}) AND h.text IS NOT NULL {order})",
        ),
        (
            "locked_date",
            f"(SELECT CASE WHEN h.history_type = {LOCKED} THEN h.creation_date END {latest}"
            f" ({LOCKED}, {UNLOCKED}) {order})",
        ),
    )


class DumpLoader:
    """Loads one dump into one empty, migrated database through `db`."""

    def __init__(
        self,
        db: BulkConnection,
        source: DumpSource,
        site: Site,
        reporter: Reporter,
        renderer: Renderer | None = None,
    ) -> None:
        self.db = db
        self.renderer = renderer or Renderer(helpers=0)
        self.source = source
        self.site = site
        self.reporter = reporter
        self.result = LoadResult()
        self.links = link_context(site)
        self.has_history = "PostHistory.xml" in source.files
        self.tag_ids: dict[str, int] = {}
        self.new_tags: dict[str, list[int]] = {}  # name -> [id, questions]
        self.next_tag_id = 1
        self.post_tags: list[Row] = []  # a batch of posts' tags, written with the posts
        # Comments with an `@` go to MENTIONS_TABLE rather than `comments`, and are stored
        # with their replies by `merge_mentions`; `mentions` is the batch's share of them.
        self.mentions_apart = False
        self.mentions: list[Row] = []
        self._license_records: list[Callable[[], None]] = []

    # -- reading one file ------------------------------------------------------------------

    def _each_row(
        self,
        table: Table,
        converter: RowConverter,
        keep: Callable[[list[object]], bool] | None = None,
        prepare: Callable[[list[Row], list[Row]], Completion] | None = None,
        extra_columns: tuple[str, ...] = (),
        computed: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Convert every row of `table`'s file and write those `keep` accepts (all without it).

        `keep` may complete the row, may add the post's tags to `self.post_tags`, and may raise
        `RowProblem`, which is reported at the row's line like a conversion problem. `prepare`
        hands a full batch (and its posts' tags) to the renderer and returns what completes it,
        which says whether the renderer wrote the batch as well; batches are written in order
        once complete, a few batches later when helper processes render them.
        """
        dump_file = self.source.files.get(table.file)
        if dump_file is None:
            self.result.missing_files.append(table.file)
            return
        columns = [*table.columns, *extra_columns]
        batch_rows = TEXT_BATCH_ROWS if table in (POSTS, POST_HISTORY) else BATCH_ROWS
        label = dump_file.label
        written = 0

        def finish(item: tuple[Completion | None, list[Row], list[Row], list[Row]]) -> None:
            nonlocal written
            complete, batch, post_tags, mentions = item
            try:
                stored = complete() if complete is not None else False
            except INSERT_ERRORS + VALUE_ERRORS as exc:  # refused where the helper wrote it
                raise insert_problem(label, exc) from exc
            if stored:
                written += len(batch)
            else:
                written += self._write(
                    table.db_table, columns, batch, post_tags, label, computed, mentions
                )

        pipeline = Pipeline(finish, self.renderer.depth)

        def hand_over(batch: list[Row]) -> None:
            post_tags, self.post_tags = self.post_tags, []
            mentions, self.mentions = self.mentions, []
            pipeline.add(
                (prepare(batch, post_tags) if prepare else None, batch, post_tags, mentions)
            )

        self.reporter.start_file(table.file, dump_file.size)
        batch: list[Row] = []
        read = 0
        convert = converter.__call__  # bound once: calling the instance looks it up per row
        for element in read_rows(dump_file, table, self.reporter.advance):
            try:
                values = convert(element)
                if keep is None or keep(values):
                    batch.append(values)
                    if len(batch) >= batch_rows:
                        hand_over(batch)
                        batch = []
            except RowProblem as exc:
                raise DumpError(str(exc), label, element.sourceline) from exc
            read += 1
        hand_over(batch)
        pipeline.drain()
        try:
            self.db.flush()
        except INSERT_ERRORS + VALUE_ERRORS as exc:
            raise insert_problem(label, exc) from exc
        self.reporter.finish_file(read)
        self.result.rows[table.file] = written
        if read > written:
            self.result.skipped[table.file] = read - written

    def _write(
        self,
        table: str,
        columns: list[str],
        batch: list[Row],
        post_tags: list[Row],
        label: str,
        computed: tuple[tuple[str, str], ...] = (),
        mentions: list[Row] | None = None,
    ) -> int:
        """Write a batch, the tags of the posts in it and the comments in it kept apart."""
        try:
            if batch:
                self.db.insert(table, columns, batch, computed)
            if post_tags:
                self.db.insert("post_tags", POST_TAG_COLUMNS, post_tags)
            if mentions:
                self.db.insert(MENTIONS_TABLE, columns, mentions)
        except INSERT_ERRORS + VALUE_ERRORS as exc:
            raise insert_problem(label, exc) from exc
        return len(batch) + len(mentions or ())

    def _licenses(
        self, table: Table, at: int, date_at: int, edited_at: int | None = None
    ) -> Callable[[list[object]], None]:
        """Fill in the licence a row lacks from its date (schema doc §10.7), and note whether
        the dump named licences at all (an export then leaves them out again)."""
        given = derived = 0

        def fill(values: list[object]) -> None:
            nonlocal given, derived
            if values[at] is None:
                date = values[edited_at] if edited_at is not None else None
                values[at] = license_for_date(cast(str | datetime, date or values[date_at]))
                derived += 1
            else:
                given += 1

        def record() -> None:
            if derived and not given:
                self.result.derived[table.file] = ["ContentLicense"]

        self._license_records.append(record)
        return fill

    def _converter(self, table: Table) -> RowConverter:
        # PostgreSQL's binary COPY takes dates as datetimes, SQLite stores them as text.
        return RowConverter(table, datetimes=not self.db.is_sqlite)

    # -- the files -------------------------------------------------------------------------

    def run(self, task: Task) -> LoadResult:
        """Load `task`'s file into its tables (without their indexes)."""
        load = {
            "Users.xml": self.load_users,
            "PostHistory.xml": self.load_post_history,
            "Posts.xml": self.load_posts,
            "Comments.xml": self.load_comments,
            "Votes.xml": lambda: self.load_hanging_on_posts(VOTES, ("post_id",)),
            "PostLinks.xml": lambda: self.load_hanging_on_posts(
                POST_LINKS, ("post_id", "related_post_id")
            ),
            "Badges.xml": lambda: self._each_row(BADGES, self._converter(BADGES)),
        }[task.file]
        tables = task.tables
        if task.file == "Comments.xml" and self.mentions_apart:
            self.db.create_scratch_table(MENTIONS_TABLE, "comments")
            tables = (*tables, MENTIONS_TABLE)
        self.db.claim(tables)
        load()
        for record in self._license_records:
            record()
        self._license_records.clear()
        return self.result

    def load_users(self) -> None:
        self._each_row(USERS, self._converter(USERS))

    def load_tags(self) -> None:
        def keep(values: list[object]) -> bool:
            tag_id, name = int(str(values[0])), str(values[1])
            if not is_tag_name(name):
                raise RowProblem(f"TagName {name!r} is not a tag name: {TAG_RULE}")
            if name in self.tag_ids:
                raise RowProblem(f"TagName {name!r} appears twice")
            self.tag_ids[name] = tag_id
            self.next_tag_id = max(self.next_tag_id, tag_id + 1)
            return True

        self._each_row(TAGS, self._converter(TAGS), keep)

    def load_posts(self) -> None:
        """Posts with their tags, and with their Markdown and lock from the revisions loaded."""
        columns = POSTS.columns
        at_id, at_created = columns.index("id"), columns.index("creation_date")
        at_active, at_tags = columns.index("last_activity_date"), columns.index("tags")
        fill_license = self._licenses(
            POSTS, columns.index("content_license"), at_created, columns.index("last_edit_date")
        )
        at_body = columns.index("body_html")
        converter = self._converter(POSTS)  # bodies are sanitised a batch at a time, by `prepare`
        tag_id = self._tag_id
        links = self.links

        history = self.has_history
        # SQLite looks the revisions up itself as it inserts each post, without handing their
        # texts to Python and back; PostgreSQL's COPY cannot, so each batch looks them up.
        computed = revision_columns(at_id + 1) if history and self.db.is_sqlite else ()
        look_up = history and not computed
        store = self._posts_store()

        def prepare(batch: list[Row], post_tags: list[Row]) -> Completion:
            if store is not None:
                writes = [
                    (POSTS.db_table, columns, batch, computed),
                    ("post_tags", POST_TAG_COLUMNS, post_tags, ()),
                ]
                stored = self.renderer.submit(store_posts, store, at_body, links, writes)

                def written() -> bool:
                    stored()  # waits, and raises what refused a row
                    return True

                return written
            result = self.renderer.submit(
                sanitise_bodies, [str(values[at_body]) for values in batch], links
            )
            revisions = self._revisions_later(batch, at_id) if look_up and batch else None

            def complete() -> bool:
                if revisions is not None:
                    self._add_revisions(batch, at_id, revisions())
                for values, html in zip(batch, result(), strict=True):
                    values[at_body] = html  # type: ignore[index]
                return False

            return complete

        def keep(values: list[object]) -> bool:
            post_id = values[at_id]
            if post_id in CANARY_POST_IDS:
                return False
            if values[at_active] is None:
                values[at_active] = values[at_created]
            fill_license(values)
            tags = values[at_tags]
            if tags:
                for name in dict.fromkeys(str(tags).split(" ")):
                    self.post_tags.append((post_id, tag_id(name)))
            return True

        extra = ("body_markdown", "locked_date") if look_up else ()
        if store is not None:
            cast(SqliteBulk, self.db).release()  # the helper writes the posts meanwhile
        self._each_row(POSTS, converter, keep, prepare, extra, computed)
        if store is not None:
            try:
                self.renderer.submit(commit_stored, store)()
            except INSERT_ERRORS + VALUE_ERRORS as exc:
                raise insert_problem(POSTS.file, exc) from exc
            cast(SqliteBulk, self.db).resume()
        if "pipe" in converter.tag_forms:
            self.result.tag_form = "pipe"
        self.result.new_tag_rows = [
            (tag_id, name, count) for name, (tag_id, count) in self.new_tags.items()
        ]
        self.result.new_tags = len(self.result.new_tag_rows)

    def _posts_store(self) -> str | None:
        """The SQLite file the posts' helper process writes them into, when it does
        (`posts_store.store_posts`); None when this process writes them."""
        if self.renderer.pool is None or not isinstance(self.db, SqliteBulk):
            return None
        return self.db.path

    def _revisions_later(self, batch: list[Row], at_id: int) -> Callable[[], list[tuple[Any, ...]]]:
        """The body and lock revisions of the posts in `batch`, looked up meanwhile."""
        types = ", ".join(str(t) for t in (*BODY_HISTORY_TYPES, LOCKED, UNLOCKED))
        return self.db.rows_for_ids_later(
            "SELECT post_id, history_type, creation_date, id, text"
            f" FROM post_history WHERE post_id {{ids}} AND history_type IN ({types})",
            [int(values[at_id]) for values in batch],  # type: ignore[call-overload]
        )

    def _add_revisions(self, batch: list[Row], at_id: int, found: list[tuple[Any, ...]]) -> None:
        """Append each post's Markdown (its latest body revision) and lock date to its row."""
        body: dict[int, tuple[object, int, str]] = {}
        lock: dict[int, tuple[object, int, int]] = {}
        for post_id, history_type, created, history_id, text in found:
            if history_type in (LOCKED, UNLOCKED):
                seen = lock.get(post_id)
                if seen is None or (created, history_id) > seen[:2]:
                    lock[post_id] = (created, history_id, history_type)
            elif text is not None:
                latest = body.get(post_id)
                if latest is None or (created, history_id) > latest[:2]:
                    body[post_id] = (created, history_id, text)
        for values in batch:
            post_id = values[at_id]
            revision = body.get(post_id)  # type: ignore[call-overload]
            event = lock.get(post_id)  # type: ignore[call-overload]
            values.append(revision[2] if revision else None)  # type: ignore[attr-defined]
            locked = event[0] if event is not None and event[2] == LOCKED else None
            values.append(locked)  # type: ignore[attr-defined]

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

    def insert_new_tags(self, rows: list[Row]) -> None:
        """Tags that posts carry but Tags.xml lacks get a row (and the count of their posts)."""
        if rows:
            self.db.insert("tags", ["id", "name", "count"], rows)

    def load_post_history(self) -> None:
        columns = POST_HISTORY.columns
        at_post = columns.index("post_id")
        fill_license = self._licenses(
            POST_HISTORY, columns.index("content_license"), columns.index("creation_date")
        )

        def keep(values: list[object]) -> bool:
            if values[at_post] in CANARY_POST_IDS:
                return False
            fill_license(values)
            return True

        self._each_row(POST_HISTORY, self._converter(POST_HISTORY), keep)

    def load_comments(self) -> None:
        """Comments without `@` are rendered now; those with one wait for `render_replies`."""
        columns = COMMENTS.columns
        at_post, at_text = columns.index("post_id"), columns.index("text")
        fill_license = self._licenses(
            COMMENTS, columns.index("content_license"), columns.index("creation_date")
        )
        links = self.links

        def keep(values: list[object]) -> bool:
            if values[at_post] in CANARY_POST_IDS:
                return False
            fill_license(values)
            text = str(values[at_text])
            if "@" in text:
                self.result.comments_with_mentions += 1
                values.append("")
                if self.mentions_apart:
                    self.mentions.append(values)
                    return False
            elif is_plain(text):
                values.append(text)  # renders to itself
            else:
                values.append(None)  # rendered by `prepare`
            return True

        def prepare(batch: list[Row], post_tags: list[Row]) -> Completion:
            waiting = [values for values in batch if values[-1] is None]
            result = self.renderer.submit(
                render_comments, [str(values[at_text]) for values in waiting], links
            )

            def complete() -> bool:
                for values, html in zip(waiting, result(), strict=True):
                    values[-1] = html  # type: ignore[index]
                return False

            return complete

        self._each_row(COMMENTS, self._converter(COMMENTS), keep, prepare, ("text_html",))

    def load_hanging_on_posts(self, table: Table, post_columns: tuple[str, ...]) -> None:
        """Votes and links: kept even when their post is not in the dump, but not the canaries'."""
        first, *others = [table.columns.index(c) for c in post_columns]

        def keep_one(values: list[object]) -> bool:  # votes: millions of rows, one post each
            return values[first] not in CANARY_POST_IDS

        def keep(values: list[object]) -> bool:
            if values[first] in CANARY_POST_IDS:
                return False
            return all(values[position] not in CANARY_POST_IDS for position in others)

        self._each_row(table, self._converter(table), keep if others else keep_one)

    # -- after the files -------------------------------------------------------------------

    def finish(self, comments_with_mentions: int) -> None:
        """What needs every file loaded: the `@name` replies, and the dangling references."""
        with self.reporter.step("comment replies"):
            if comments_with_mentions:
                temp_id = "INTEGER PRIMARY KEY" if self.db.is_sqlite else "bigint PRIMARY KEY"
                self.db.execute(f"CREATE TEMPORARY TABLE comment_html (id {temp_id}, html text)")
                self.render_replies("comment_html")
                self.apply_replies("comment_html")
                self.db.execute("DROP TABLE comment_html")
        with self.reporter.step("checks"):
            self.count_dangling()

    def render_replies(self, into: str, part: int = 0, parts: int = 1) -> None:
        """Render the comments that hold an `@`, knowing who spoke before them on their post,
        into the table `into` (id, html); with `parts`, only those of posts whose id leaves
        `part` when divided by `parts`, so that several processes can share the work."""
        share = f"abs(post_id) % {int(parts)} = {int(part)}" if parts > 1 else "TRUE"
        if self.mentions_apart:
            picked = "id, post_id, text, user_id, creation_date"
            comments = (
                f"(SELECT {picked} FROM comments UNION ALL SELECT {picked} FROM {MENTIONS_TABLE})"
            )
            posts = f"SELECT post_id FROM {MENTIONS_TABLE} WHERE {share}"
        else:
            comments = "comments"
            posts = f"SELECT post_id FROM comments WHERE text LIKE '%@%' AND {share}"
        # The posts' authors in a stream of their own, a row per post in the same order: joined
        # to every comment, each would be looked up again for each comment on its post.
        authors = (
            author
            for batch in self.db.stream(
                "SELECT s.post_id, p.owner_id, o.display_name"
                f" FROM (SELECT DISTINCT post_id FROM ({posts}) AS named) s"
                " LEFT JOIN posts p ON p.id = s.post_id"
                " LEFT JOIN users o ON o.id = p.owner_id"
                " ORDER BY s.post_id"
            )
            for author in batch
        )
        rows = self.db.stream(
            "SELECT c.id, c.post_id, c.text, c.user_id, u.display_name"
            f" FROM {comments} c LEFT JOIN users u ON u.id = c.user_id"
            f" WHERE c.post_id IN ({posts})"
            " ORDER BY c.post_id, c.creation_date, c.id"
        )
        user_url = site_path(self.site, "user", int(USER_ID), USER_SLUG)
        pipeline = Pipeline(
            lambda result: self.db.insert(into, ["id", "html"], result()), self.renderer.depth
        )
        current_post: object = None
        author: Participant | None = None
        earlier: list[Participant] = []
        for batch in rows:
            replies: list[Reply] = []
            for comment_id, post_id, text, user_id, name in batch:
                if post_id != current_post:
                    current_post, earlier = post_id, []
                    author_post, owner_id, owner_name = next(authors)
                    if author_post != post_id:  # both streams list the same posts in order
                        raise AssertionError(f"authors out of step: {author_post} for {post_id}")
                    author = (
                        Participant(owner_id, owner_name)
                        if owner_id is not None and owner_name is not None
                        else None
                    )
                if "@" in text:
                    replies.append((comment_id, text, conversation(author, earlier)))
                if user_id is not None and name is not None:
                    earlier.append(Participant(user_id, name))
            if replies:
                pipeline.add(self.renderer.submit(render_replies, replies, self.links, user_url))
        authors.close()  # its last batch was read: close its cursor before the writes
        pipeline.drain()

    def apply_replies(self, table: str) -> None:
        """Store the rendered replies of `table` (id, html) on their comments."""
        self.db.execute(
            f"UPDATE comments SET text_html = rendered.html FROM {table} AS rendered"
            " WHERE comments.id = rendered.id"
        )

    def merge_mentions(self, rendered: str) -> None:
        """Store the comments kept apart (`mentions_apart`) in `comments`, each with its
        rendered replies from the table `rendered` (id, html), and drop their table.

        Inserting them costs a fraction of updating them in place. On PostgreSQL an UPDATE
        writes each row again wherever its page is, with a full image of every page it
        touches first after a checkpoint, and an entry in each index, where these rows go at
        the end of the table before its indexes are built (at one million posts, 1.2 s
        against 10.7 s). On SQLite each updated row grows and its page is rewritten, where
        inserting in id order fills pages in turn (2.7 s against 5.8 s of CPU).
        """
        columns = [*COMMENTS.columns, "text_html"]
        picked = ", ".join(f"m.{column}" for column in COMMENTS.columns)
        try:
            # On SQLite the comments' key is in place: an id a reply shares is refused here.
            self.db.execute(
                f"INSERT INTO comments ({', '.join(columns)})"
                f" SELECT {picked}, COALESCE(r.html, m.text_html) FROM {MENTIONS_TABLE} m"
                f" LEFT JOIN {rendered} r ON r.id = m.id"
            )
        except INSERT_ERRORS as exc:
            raise insert_problem(COMMENTS.file, exc) from exc
        self.db.execute(f"DROP TABLE {MENTIONS_TABLE}")

    def count_dangling(self, part: int = 0, parts: int = 1) -> Counter[str]:
        """Count references to posts and users the dump does not have (kept, as in the dump);
        with `parts`, only every `parts`-th check from `part` on, so lanes can share them
        (they are listed from the costliest, which evens the shares out)."""
        checks = {
            "Votes.xml": "SELECT COUNT(*) FROM votes v WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = v.post_id)",
            "PostHistory.xml": "SELECT COUNT(*) FROM post_history h WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = h.post_id)",
            "Posts.xml": "SELECT COUNT(*) FROM posts a WHERE a.parent_id IS NOT NULL AND NOT"
            " EXISTS (SELECT 1 FROM posts q WHERE q.id = a.parent_id)",
            "Comments.xml": "SELECT COUNT(*) FROM comments c WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = c.post_id)",
            "PostLinks.xml": "SELECT COUNT(*) FROM post_links l WHERE NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = l.post_id) OR NOT EXISTS"
            " (SELECT 1 FROM posts p WHERE p.id = l.related_post_id)",
            "Badges.xml": "SELECT COUNT(*) FROM badges b WHERE NOT EXISTS"
            " (SELECT 1 FROM users u WHERE u.id = b.user_id)",
        }
        if self.mentions_apart:
            checks["Comments.xml"] = (
                f"SELECT ({checks['Comments.xml']}) + (SELECT COUNT(*) FROM {MENTIONS_TABLE} c"
                " WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id))"
            )
        if not self.db.is_sqlite:
            # The votes' and comments' checks then read two indexes in step (a merge anti-join;
            # the others do already): the tables were written frozen, so the scans need no table
            # pages and hold nothing in memory. Left to itself the planner hashes the posts' ids
            # for those two, which spills to temporary files past `work_mem`: at one million
            # posts the votes' check took 3.2-3.6 s that way, 1.1-1.6 s this way.
            # LOCAL: for this transaction only; nothing after the checks in it joins tables.
            self.db.execute("SET LOCAL enable_hashjoin = off")
        for file, statement in list(checks.items())[part::parts]:
            count = int(self.db.scalar(statement) or 0)
            if count:
                self.result.dangling[file] = count
        return self.result.dangling
