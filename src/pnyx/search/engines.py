"""A parsed query planned from per-term document counts and run with bounded work.

The plan (the same on both engines, from the same counts):

- Each word's, tag's and wildcard's document count comes from `search_terms` (one query).
  A word or tag no post holds ends the search at once: nothing can match.
- On a site of 10,000 posts or more, a word held by more than half of them is not searched
  when the query has another word or tag to search (it would weigh almost nothing in the
  ranking and cost the most); the page says so.
- A wildcard is the terms it starts, up to the 200 held by the most posts (one query finds
  them); the page says when there were more.
- Ranking and counting read only what they need. When the query's rarest part is held by at
  most `RANK_ALL` posts (on PostgreSQL `WINDOW`), every match is ranked (bm25 on SQLite,
  ts_rank_cd on PostgreSQL) and counted up to `COUNT_CAP` ("10,000+" past it). Beyond, only
  the newest posts are looked at:
  a window of ids in which about `WINDOW` posts match (`FILTERED_WINDOW` with filters, which
  may pass few), from the rarest part's share of all posts; counting looks at a window of
  about `SCAN` matches (a count short of the whole is shown with a "+"), except for one word
  or tag alone, whose count is its document count.
- On SQLite, relevance is bm25 only while the parts of the query are held by at most
  `BM25_READS` posts together (bm25 reads them all first); beyond, posts whose title holds
  the words come first, then by score.
- Filters on a post's columns (score, dates, owner...) are conditions on `posts`, read as they
  are now: votes and views need no reindexing.

What an engine adds is its SQL: FTS5's MATCH and bm25 on SQLite, a tsquery and ts_rank_cd on
PostgreSQL. `Engine.match_ids` runs a query with no bounds at all, for tests that compare the
two engines' answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pnyx.search import schema
from pnyx.search.index import TOTAL
from pnyx.search.query import ME, THIS, Choice, Filters, Query, Text

RANK_ALL = 20_000
WINDOW = 2_000
SCAN = 10_000
FILTERED_WINDOW = 8_000  # matches looked at for filters that may pass few of them
COUNT_CAP = 10_000
# bm25 reads every post holding each part of the query (for its weights) before ranking any:
# past this many, the SQLite engine ranks by title and score instead (see `_ranked_window`).
BM25_READS = 200_000
COMMON_SHARE = 0.5
COMMON_FROM_DOCS = 10_000
MAX_EXPANSIONS = 200
EXPANSION_SCAN = 5_000
# A word no term starts with: `{-}`, never produced by the analysis (see `analysis.TOKEN_CHARS`).
NOTHING = "-"
SORTS = ("relevance", "newest", "active", "score")

FIELD_COLUMNS = {"any": "title body code", "title": "title", "body": "body code", "code": "code"}
# PostgreSQL weights: a word anywhere needs none (tags and links are terms no word can be), and
# a query without weights or phrases is answered from the GIN index with no recheck of rows.
FIELD_WEIGHTS = {"any": "", "title": "A", "body": "CD", "code": "C"}


class NeedsContext(Exception):
    """`user:me`, `infavorites:me` or `inquestion:this` with nothing to say who or which."""


@dataclass
class Context:
    """What a query's `me` and `this` stand for."""

    user_id: int | None = None
    question_id: int | None = None


@dataclass
class Hit:
    post_id: int
    rank: float = 0.0


@dataclass
class Result:
    hits: list[Hit]
    count: int  # exact when `complete`, else a lower bound
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    windowed: bool = False  # only the newest matches were ranked

    @property
    def count_label(self) -> str:
        if self.complete:
            return f"{self.count:,}"
        return f"{self.count:,}+"


@dataclass
class _Part:
    """A positive or negative part with what the plan knows about it."""

    item: Text | Choice
    docs: int
    expansions: tuple[str, ...] = ()  # for a wildcard: the terms it stands for


@dataclass
class Plan:
    positive: list[_Part]
    negative: list[_Part]
    filters: Filters
    total: int
    notes: list[str] = field(default_factory=list)
    nothing: bool = False  # a part no post holds: no need to ask
    top_id: int = 0  # the highest id indexed

    @property
    def reads(self) -> int:
        """The posts held by the query's parts, together: what bm25 reads to weigh them."""
        return sum(part.docs for part in (*self.positive, *self.negative))

    @property
    def filters_sql(self) -> bool:
        """Whether the filters make conditions on the posts (to be joined)."""
        return not self.filters.empty()

    @property
    def estimate(self) -> int:
        """At most this many posts match the text (the rarest positive part's count)."""
        if not self.positive:
            return self.total
        return min(part.docs for part in self.positive)


class Engine:
    """Runs queries on one site's database (a Django connection alias)."""

    vendor = ""

    # Match sets up to this size are ranked whole (see the module doc); read when searching,
    # so that a test can make it small.
    @property
    def rank_all(self) -> int:
        return RANK_ALL

    def window(self, plan: Plan) -> int:
        """About how many matches a window of a huge match set holds."""
        return FILTERED_WINDOW if plan.filters_sql else WINDOW

    def __init__(self, alias: str) -> None:
        from django.db import connections

        self.alias = alias
        self.connection = connections[alias]

    # -- planning

    def plan(self, query: Query, context: Context | None = None) -> Plan:
        context = context or Context()
        filters = self._resolve(query.filters, context)
        parts = query.parts
        singles = sorted({t for p in parts for t in _exact_terms(p)})
        prefixes = sorted({p.terms[-1] for p in query.texts if p.prefix})
        docs, expansions, total, top_id = self._stats(singles, prefixes)
        plan = Plan([], [], filters, total, top_id=top_id)
        for item in parts:
            part = self._part(item, docs, expansions, plan)
            (plan.negative if item.negated else plan.positive).append(part)
        if plan.positive and min(p.docs for p in plan.positive) == 0:
            plan.nothing = True
        plan.negative = [p for p in plan.negative if p.docs > 0]
        self._drop_common(plan)
        return plan

    def _part(
        self,
        item: Text | Choice,
        docs: dict[str, int],
        expansions: dict[str, list[tuple[str, int]]],
        plan: Plan,
    ) -> _Part:
        if isinstance(item, Choice):
            return _Part(item, sum(docs.get(t, 0) for t in item.terms))
        counts = [docs.get(t, 0) for t in (item.terms[:-1] if item.prefix else item.terms)]
        if not item.prefix:
            return _Part(item, min(counts))
        found = expansions.get(item.terms[-1], [])
        if len(found) > MAX_EXPANSIONS:
            plan.notes.append(
                f"{item.source} stands for many words: the {MAX_EXPANSIONS} most used were "
                "searched."
            )
            found = found[:MAX_EXPANSIONS]
        counts.append(sum(n for _, n in found))
        return _Part(item, min(counts), tuple(t for t, _ in found))

    def _drop_common(self, plan: Plan) -> None:
        if plan.total < COMMON_FROM_DOCS or plan.nothing:
            return
        limit = plan.total * COMMON_SHARE

        def common(part: _Part) -> bool:
            item = part.item
            return (
                isinstance(item, Text)
                and not item.prefix
                and len(item.terms) == 1
                and part.docs > limit
            )

        kept = [p for p in plan.positive if not common(p)]
        if kept and len(kept) < len(plan.positive):
            dropped = [p.item.source for p in plan.positive if common(p)]
            plan.notes.append(
                "Words in more than half of the posts were not searched: "
                + ", ".join(dropped)
                + "."
            )
            plan.positive = kept

    def _resolve(self, filters: Filters, context: Context) -> Filters:
        if filters.user == ME:
            if context.user_id is None:
                raise NeedsContext("user:me")
            filters = replace(filters, user=context.user_id)
        if filters.infavorites == ME:
            if context.user_id is None:
                raise NeedsContext("infavorites:me")
            filters = replace(filters, infavorites=context.user_id)
        if filters.inquestion == THIS:
            if context.question_id is None:
                raise NeedsContext("inquestion:this")
            filters = replace(filters, inquestion=context.question_id)
        return filters

    def _stats(
        self, terms: list[str], prefixes: list[str]
    ) -> tuple[dict[str, int], dict[str, list[tuple[str, int]]], int, int]:
        """Document counts of `terms` and of the total; for each prefix, the terms it starts
        (the `MAX_EXPANSIONS + 1` most used among the first `EXPANSION_SCAN` in byte order)."""
        p = self.param
        selects = [
            f"SELECT 0, term, docs FROM search_terms WHERE term IN "
            f"({', '.join([p] * (len(terms) + 1))})",
            "SELECT -1, '', MAX(id) FROM search_docs",
        ]
        params: list[object] = [TOTAL, *terms]
        for index, prefix in enumerate(prefixes):
            selects.append(
                f"SELECT * FROM (SELECT {index + 1}, term, docs FROM ("
                f"SELECT term, docs FROM search_terms WHERE term >= {p} AND term < {p} "
                f"ORDER BY term LIMIT {EXPANSION_SCAN}) AS scanned "
                f"ORDER BY docs DESC, term LIMIT {MAX_EXPANSIONS + 1}) AS top{index}"
            )
            params += [prefix, prefix + "\U0010ffff"]
        docs: dict[str, int] = {}
        expansions: dict[str, list[tuple[str, int]]] = {prefix: [] for prefix in prefixes}
        top_id = 0
        for group, term, count in self._rows(" UNION ALL ".join(selects), params):
            if group == -1:
                top_id = int(count or 0)
            elif group == 0:
                docs[term] = int(count)
            else:
                expansions[prefixes[group - 1]].append((term, int(count)))
        for found in expansions.values():
            found.sort(key=lambda pair: (-pair[1], pair[0].encode()))
        return docs, expansions, docs.pop(TOTAL, 0), top_id

    # -- running

    def search(
        self,
        query: Query,
        sort: str = "relevance",
        offset: int = 0,
        limit: int = 15,
        context: Context | None = None,
    ) -> Result:
        plan = self.plan(query, context)
        notes = [*query.notes, *plan.notes]
        if plan.nothing:
            return Result([], 0, True, notes)
        if not plan.positive:
            return self._filtered(plan, sort, offset, limit, notes)
        low = None
        if plan.estimate > self.rank_all:
            low = self._floor(plan, self.window(plan))
        windowed = low is not None
        hits = self._ranked(plan, sort, offset, limit, low)
        count, complete = self._count(
            plan, self._floor(plan, SCAN) if plan.estimate > SCAN else None
        )
        result = Result(hits, count, complete, notes, windowed)
        if windowed and sort != "newest":
            result.notes.append(
                "So many posts match that only the newest of them were ranked; add words or "
                "tags to narrow the search."
            )
        return result

    def match_ids(self, query: Query, context: Context | None = None) -> set[int]:
        """Every post the query matches, without bounds (for tests)."""
        plan = self.plan(query, context)
        if plan.nothing:
            return set()
        return self._all_ids(plan)

    # -- questions like another (similar, related, duplicates)

    SIMILAR_BUDGET = 10_000
    SIMILAR_FIELDS = (
        "id",
        "title",
        "score",
        "answer_count",
        "accepted_answer_id",
        "closed_date",
        "post_type",
        "deletion_date",
        "creation_date",
    )

    def similar(
        self,
        title_terms: list[str],
        body_terms: list[str],
        tag_terms: list[str],
        exclude: int | None,
        limit: int,
    ) -> list[Any]:
        """Questions holding any of the given terms, ranked (title words weigh most), as
        `Post` rows (1 query). The terms searched are chosen in the same statement from their
        counts: title words, then tags, then body words, the rarest first, as long as the posts
        holding them add up to no more than `SIMILAR_BUDGET` (a term held by one post only
        says nothing about another)."""
        from pnyx.posts.models import Post

        candidates = [(t, 0) for t in title_terms] + [(t, 1) for t in tag_terms]
        candidates += [(t, 2) for t in body_terms if t not in title_terms]
        if not candidates:
            return []
        sql, params = self._similar_sql(candidates, exclude, limit)
        return list(Post.objects.using(self.alias).raw(sql, params))

    def _picked_sql(self, candidates: list[tuple[str, int]]) -> tuple[str, list[object]]:
        p = self.param
        values = ", ".join([f"({p}, {p})"] * len(candidates))
        sql = (
            f"asking (term, kind) AS (VALUES {values}), "
            "picked AS (SELECT term, kind FROM ("
            "SELECT t.term AS term, c.kind AS kind, "
            "SUM(t.docs) OVER (ORDER BY c.kind, t.docs, t.term) AS running "
            "FROM asking c JOIN search_terms t ON t.term = c.term "
            f"WHERE t.docs >= 2) AS ranked WHERE running <= {int(self.SIMILAR_BUDGET)})"
        )
        params: list[object] = [v for pair in candidates for v in pair]
        return sql, params

    def _similar_sql(
        self, candidates: list[tuple[str, int]], exclude: int | None, limit: int
    ) -> tuple[str, list[object]]:
        raise NotImplementedError

    # -- engine specifics

    param = "%s"

    def _rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def _floor(self, plan: Plan, matches: int) -> int | None:
        """The lowest id of the newest posts among which about `matches` posts match, from
        the rarest part's share of all posts; None when that is every post.

        A window of ids rather than of matches: both engines read a term's posts forward from
        an id cheaply, where finding the newest matches first (FTS5 reads a term's whole list
        to go backwards; PostgreSQL's GIN index has no order) costs as much as ranking them."""
        if not plan.top_id or not plan.total:
            return None
        span = matches * plan.top_id // max(plan.estimate, 1)
        floor = plan.top_id - span
        return floor if floor > 0 else None

    def _base(self, plan: Plan, low: int | None) -> tuple[str, list[object]]:
        """FROM and WHERE of the matches that pass the filters (from id `low` on, if given)."""
        raise NotImplementedError

    def _ranked(self, plan: Plan, sort: str, offset: int, limit: int, low: int | None) -> list[Hit]:
        raise NotImplementedError

    def _count(self, plan: Plan, low: int | None) -> tuple[int, bool]:
        """The matches passing the filters (from id `low` on, if given), counted up to
        `COUNT_CAP`; whether that is all of them. One part alone, without filters, is
        counted already: its document count."""
        only = plan.positive[0] if len(plan.positive) == 1 else None
        if (
            only is not None
            and not plan.negative
            and not plan.filters_sql
            and (
                (isinstance(only.item, Choice) and len(only.item.terms) == 1)
                or (
                    isinstance(only.item, Text)
                    and len(only.item.terms) == 1
                    and not only.item.prefix
                )
            )
        ):
            return min(only.docs, COUNT_CAP), only.docs <= COUNT_CAP
        base, params = self._base(plan, low)
        rows = self._rows(
            f"SELECT COUNT(*) FROM (SELECT 1 {base} LIMIT {COUNT_CAP + 1}) counted", params
        )
        count = int(rows[0][0])
        return min(count, COUNT_CAP), count <= COUNT_CAP and low is None

    def _filtered(self, plan: Plan, sort: str, offset: int, limit: int, notes: list[str]) -> Result:
        raise NotImplementedError

    def _all_ids(self, plan: Plan) -> set[int]:
        raise NotImplementedError

    # -- filters, the same SQL on both engines

    def filter_sql(self, filters: Filters) -> tuple[list[str], list[object]]:
        """Conditions on `posts p` (an indexed post, so a question or an answer)."""
        p = self.param
        where: list[str] = []
        params: list[object] = []
        if filters.post_type is not None:
            where.append(f"p.post_type = {int(filters.post_type)}")
        if isinstance(filters.user, int):
            where.append(f"p.owner_id = {p}")
            params.append(filters.user)
        for name, column, questions_only in (
            ("score", "p.score", False),
            ("answers", "COALESCE(p.answer_count, 0)", True),
            ("views", "COALESCE(p.view_count, 0)", True),
        ):
            found = getattr(filters, name)
            if found is None:
                continue
            if questions_only:
                where.append("p.post_type = 1")
            if found.low is not None:
                where.append(f"{column} >= {p}")
                params.append(found.low)
            if found.high is not None:
                where.append(f"{column} <= {p}")
                params.append(found.high)
        accepted = (
            "EXISTS (SELECT 1 FROM posts aq WHERE aq.id = p.parent_id "
            "AND aq.accepted_answer_id = p.id)"
        )
        duplicate = (
            "p.closed_date IS NOT NULL AND EXISTS (SELECT 1 FROM post_links dl "
            "WHERE dl.post_id = p.id AND dl.link_type = 3)"
        )
        flags = {
            "isaccepted": ("p.post_type = 2", accepted),
            "hasaccepted": ("p.post_type = 1", "p.accepted_answer_id IS NOT NULL"),
            "closed": ("p.post_type = 1", "p.closed_date IS NOT NULL"),
            "duplicate": ("p.post_type = 1", f"({duplicate})"),
            "wiki": ("", "p.community_owned_date IS NOT NULL"),
            "locked": ("", "p.locked_date IS NOT NULL"),
        }
        for name, wanted in sorted(filters.flags.items()):
            scope, condition = flags[name]
            if scope:
                where.append(scope)
            where.append(condition if wanted else f"NOT ({condition})")
        if isinstance(filters.inquestion, int):
            where.append(f"(p.id = {p} OR p.parent_id = {p})")
            params += [filters.inquestion, filters.inquestion]
        for name, column in (
            ("created", "p.creation_date"),
            ("lastactive", "p.last_activity_date"),
        ):
            period = getattr(filters, name)
            if period is None:
                continue
            if period.start is not None:
                where.append(f"{column} >= {p}")
                params.append(self._date(period.start))
            if period.end is not None:
                where.append(f"{column} < {p}")
                params.append(self._date(period.end))
        if isinstance(filters.infavorites, int):
            where.append(
                f"EXISTS (SELECT 1 FROM votes fv WHERE fv.user_id = {p} AND fv.post_id = p.id "
                "AND fv.vote_type = 5)"
            )
            params.append(filters.infavorites)
        return where, params

    def _date(self, moment: datetime) -> object:
        return self.connection.ops.adapt_datetimefield_value(moment)


def _exact_terms(item: Text | Choice) -> tuple[str, ...]:
    if isinstance(item, Text) and item.prefix:
        return item.terms[:-1]
    return item.terms


ORDER_COLUMNS = {
    "newest": "p.creation_date DESC, p.id DESC",
    "active": "p.last_activity_date DESC, p.id DESC",
    "score": "p.score DESC, p.id DESC",
}


class SqliteEngine(Engine):
    vendor = "sqlite"

    def match(self, plan: Plan) -> str:
        """The FTS5 query of the plan's text parts."""
        expression = " AND ".join(self._fts(part) for part in plan.positive)
        if plan.negative:
            expression += " NOT (" + " OR ".join(self._fts(part) for part in plan.negative) + ")"
        return expression

    @staticmethod
    def _fts(part: _Part) -> str:
        item = part.item
        if isinstance(item, Choice):
            return "{meta} : (" + " OR ".join(f'"{t}"' for t in item.terms) + ")"
        columns = "{" + FIELD_COLUMNS[item.field] + "}"
        if not item.prefix:
            return f'{columns} : "{" ".join(item.terms)}"'
        head = item.terms[:-1]
        phrases = [" ".join((*head, end)) for end in part.expansions] or [NOTHING]
        return f"{columns} : (" + " OR ".join(f'"{phrase}"' for phrase in phrases) + ")"

    def _base(self, plan: Plan, low: int | None) -> tuple[str, list[object]]:
        """FROM and WHERE of the matches that pass the filters (above `low`, if given)."""
        where, params = self.filter_sql(plan.filters)
        sql = f"FROM {schema.FTS_TABLE} f"
        if where:
            sql += " JOIN posts p ON p.id = f.rowid"
        sql += f" WHERE {schema.FTS_TABLE} MATCH %s"
        all_params: list[object] = [self.match(plan)]
        if low is not None:
            sql += " AND f.rowid >= %s"
            all_params.append(low)
        for condition in where:
            sql += f" AND {condition}"
        return sql, [*all_params, *params]

    def _similar_sql(
        self, candidates: list[tuple[str, int]], exclude: int | None, limit: int
    ) -> tuple[str, list[object]]:
        picked, params = self._picked_sql(candidates)
        fields = ", ".join(f"p.{name}" for name in self.SIMILAR_FIELDS)
        # The MATCH string is made from the terms picked, in the same statement.
        # A question qualifies by a word of its title or a tag; the other words add to its
        # rank. With neither picked, the string is NULL and "-" matches nothing.
        quoted = "'\"' || term || '\"'"
        qualifying = (
            f"CASE kind WHEN 0 THEN '{{title}} : ' || {quoted} "
            f"WHEN 1 THEN '{{meta}} : ' || {quoted} END"
        )
        match = (
            f"(SELECT COALESCE('(' || group_concat({qualifying}, ' OR ') "
            f"|| ') AND {{meta}} : \"is:q\" AND (' || group_concat({quoted}, ' OR ') || ')', "
            "'\"-\"') FROM picked)"
        )
        sql = (
            f"WITH {picked} SELECT {fields} FROM {schema.FTS_TABLE} f "
            f"JOIN posts p ON p.id = f.rowid WHERE {schema.FTS_TABLE} MATCH {match} "
            "AND f.rowid <> %s "
            f"ORDER BY bm25({schema.FTS_TABLE}, 10.0, 1.0, 1.0, 2.0), f.rowid DESC LIMIT %s"
        )
        return sql, [*params, exclude or 0, limit]

    def _ranked_window(
        self, plan: Plan, base: str, params: list[object], offset: int, limit: int, low: int
    ) -> list[Hit]:
        """Relevance without bm25, for a huge match set or common words: bm25's first call
        reads every post holding each part of the query, which at a million posts costs more
        than the whole page may. Posts whose title holds the words come first, then by
        score."""
        titled = [
            f"{{title}} : {self._fts(part).split(' : ', 1)[1]}"
            for part in plan.positive
            if isinstance(part.item, Text) and part.item.field in ("any", "title")
        ]
        in_title = "0"
        title_params: list[object] = []
        if titled:
            in_title = (
                f"CASE WHEN f.rowid IN (SELECT rowid FROM {schema.FTS_TABLE} "
                f"WHERE {schema.FTS_TABLE} MATCH %s AND rowid >= %s) THEN 1 ELSE 0 END"
            )
            title_params = [" AND ".join(titled), low]
        if "JOIN posts" not in base:
            base = base.replace(
                f"FROM {schema.FTS_TABLE} f",
                f"FROM {schema.FTS_TABLE} f JOIN posts p ON p.id = f.rowid",
                1,
            )
        rows = self._rows(
            f"SELECT f.rowid, {in_title} AS in_title {base} "
            "ORDER BY in_title DESC, p.score DESC, f.rowid DESC LIMIT %s OFFSET %s",
            [*title_params, *params, limit, offset],
        )
        return [Hit(int(post_id), float(rank)) for post_id, rank in rows]

    def _ranked(self, plan: Plan, sort: str, offset: int, limit: int, low: int | None) -> list[Hit]:
        base, params = self._base(plan, low)
        if sort == "relevance" and (low is not None or plan.reads > BM25_READS):
            return self._ranked_window(plan, base, params, offset, limit, low or 0)
        if sort == "relevance":
            weights = ", ".join(str(w) for w in schema.BM25_WEIGHTS)
            rank = f"bm25({schema.FTS_TABLE}, {weights})"
            order = "2, f.rowid DESC"
        else:
            rank = "0"
            if "JOIN posts" not in base:
                base = base.replace(
                    f"FROM {schema.FTS_TABLE} f",
                    f"FROM {schema.FTS_TABLE} f JOIN posts p ON p.id = f.rowid",
                    1,
                )
            order = ORDER_COLUMNS.get(sort, "f.rowid DESC")
        rows = self._rows(
            f"SELECT f.rowid, {rank} {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [Hit(int(post_id), float(rank_value)) for post_id, rank_value in rows]

    def _filtered(self, plan: Plan, sort: str, offset: int, limit: int, notes: list[str]) -> Result:
        where, params = self.filter_sql(plan.filters)
        negative = ""
        match: list[object] = []
        if plan.negative:
            negative = f" AND p.id NOT IN (SELECT rowid FROM {schema.FTS_TABLE} WHERE {schema.FTS_TABLE} MATCH %s)"
            match = [" OR ".join(self._fts(part) for part in plan.negative)]
        conditions = "".join(f" AND {c}" for c in where)
        base = f"FROM search_docs d JOIN posts p ON p.id = d.id WHERE 1 = 1{conditions}{negative}"
        order = ORDER_COLUMNS.get(sort, "p.id DESC")
        rows = self._rows(
            f"SELECT p.id {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, *match, limit, offset],
        )
        counted = self._rows(
            f"SELECT COUNT(*) FROM (SELECT 1 {base} LIMIT {COUNT_CAP + 1}) c", [*params, *match]
        )
        count = int(counted[0][0])
        return Result(
            [Hit(int(r[0])) for r in rows], min(count, COUNT_CAP), count <= COUNT_CAP, notes
        )

    def _all_ids(self, plan: Plan) -> set[int]:
        if not plan.positive:
            result = self._filtered(plan, "newest", 0, 10**9, [])
            return {hit.post_id for hit in result.hits}
        base, params = self._base(plan, None)
        return {int(r[0]) for r in self._rows(f"SELECT f.rowid {base}", params)}

    param = "%s"


class PostgresEngine(Engine):
    vendor = "postgresql"

    @property
    def rank_all(self) -> int:
        # ts_rank_cd reads each candidate's tsvector (out of line when it is big): ranking
        # more than a window's worth costs more than the page may.
        return min(RANK_ALL, WINDOW)

    def window(self, plan: Plan) -> int:
        # Each row of the window is matched against its tsvector, positions and all for a
        # phrase (a common word's 256 of them): smaller windows than SQLite's, whose index
        # answers the match itself.
        size = min(WINDOW, FILTERED_WINDOW) if plan.filters_sql else WINDOW // 2
        phrases = any(isinstance(p.item, Text) and len(p.item.terms) > 1 for p in plan.positive)
        return size // 4 if phrases else size

    def tsquery(self, plan: Plan) -> str:
        expression = " & ".join(self._ts(part) for part in plan.positive)
        if plan.negative:
            expression += " & !(" + " | ".join(self._ts(part) for part in plan.negative) + ")"
        return expression

    @staticmethod
    def _ts(part: _Part) -> str:
        item = part.item
        if isinstance(item, Choice):
            return "(" + " | ".join(f"'{t}'" for t in item.terms) + ")"
        weights = FIELD_WEIGHTS[item.field]
        suffix = f":{weights}" if weights else ""
        words = [f"'{t}'{suffix}" for t in item.terms]
        if item.prefix:
            ends = [f"'{t}'{suffix}" for t in part.expansions] or [f"'{NOTHING}'"]
            words[-1] = "(" + " | ".join(ends) + ")"
        return "(" + " <-> ".join(words) + ")"

    def _base(self, plan: Plan, low: int | None) -> tuple[str, list[object]]:
        where, params = self.filter_sql(plan.filters)
        sql = "FROM search_docs d"
        if where:
            sql += " JOIN posts p ON p.id = d.id"
        sql += " WHERE d.vec @@ %s::tsquery"
        all_params: list[object] = [self.tsquery(plan)]
        if low is not None:
            sql += " AND d.id >= %s"
            all_params.append(low)
        for condition in where:
            sql += f" AND {condition}"
        return sql, [*all_params, *params]

    SIMILAR_BUDGET = 2_000

    def _similar_sql(
        self, candidates: list[tuple[str, int]], exclude: int | None, limit: int
    ) -> tuple[str, list[object]]:
        picked, params = self._picked_sql(candidates)
        fields = ", ".join(f"p.{name}" for name in self.SIMILAR_FIELDS)
        qualifying = (
            "CASE kind WHEN 0 THEN quote_literal(term) || ':A' WHEN 1 THEN quote_literal(term) END"
        )
        asked = (
            f"asked AS (SELECT COALESCE('(' || string_agg({qualifying}, ' | ') || ') & ' || "
            "quote_literal('is:q') || ' & (' || string_agg(quote_literal(term), ' | ') || ')', "
            "quote_literal('-'))::tsquery AS q FROM picked)"
        )
        sql = (
            f"WITH {picked}, {asked} "
            f"SELECT {fields} FROM search_docs d JOIN posts p ON p.id = d.id, asked "
            "WHERE d.vec @@ asked.q AND d.id <> %s "
            "ORDER BY ts_rank_cd('{0.1, 0.1, 0.2, 1.0}', d.vec, asked.q) DESC, d.id DESC "
            "LIMIT %s"
        )
        return sql, [*params, exclude or 0, limit]

    def _ranked(self, plan: Plan, sort: str, offset: int, limit: int, low: int | None) -> list[Hit]:
        base, params = self._base(plan, low)
        if sort == "relevance":
            # Weights of D (body), C (code), B (tags, links), A (title).
            rank = "ts_rank_cd('{0.1, 0.1, 0, 1.0}', d.vec, %s::tsquery)"
            rank_params: list[object] = [self.tsquery(plan)]
            order = "2 DESC, d.id DESC"
        else:
            rank, rank_params = "0", []
            if "JOIN posts" not in base:
                base = base.replace(
                    "FROM search_docs d", "FROM search_docs d JOIN posts p ON p.id = d.id", 1
                )
            order = ORDER_COLUMNS.get(sort, "d.id DESC")
        rows = self._rows(
            f"SELECT d.id, {rank} {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [*rank_params, *params, limit, offset],
        )
        return [Hit(int(post_id), float(rank_value)) for post_id, rank_value in rows]

    def _filtered(self, plan: Plan, sort: str, offset: int, limit: int, notes: list[str]) -> Result:
        where, params = self.filter_sql(plan.filters)
        negative = ""
        match: list[object] = []
        if plan.negative:
            negative = " AND NOT d.vec @@ %s::tsquery"
            match = [" | ".join(self._ts(part) for part in plan.negative)]
        conditions = "".join(f" AND {c}" for c in where)
        base = f"FROM search_docs d JOIN posts p ON p.id = d.id WHERE TRUE{conditions}{negative}"
        order = ORDER_COLUMNS.get(sort, "p.id DESC")
        rows = self._rows(
            f"SELECT p.id {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, *match, limit, offset],
        )
        counted = self._rows(
            f"SELECT COUNT(*) FROM (SELECT 1 {base} LIMIT {COUNT_CAP + 1}) c", [*params, *match]
        )
        count = int(counted[0][0])
        return Result(
            [Hit(int(r[0])) for r in rows], min(count, COUNT_CAP), count <= COUNT_CAP, notes
        )

    def _all_ids(self, plan: Plan) -> set[int]:
        if not plan.positive:
            result = self._filtered(plan, "newest", 0, 10**9, [])
            return {hit.post_id for hit in result.hits}
        base, params = self._base(plan, None)
        return {int(r[0]) for r in self._rows(f"SELECT d.id {base}", params)}


def engine_for(alias: str) -> Engine:
    from django.db import connections

    if connections[alias].vendor == "postgresql":
        return PostgresEngine(alias)
    return SqliteEngine(alias)
