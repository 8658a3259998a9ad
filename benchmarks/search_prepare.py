"""Run inside a benchmark's data directory (`PNYX_*` set by `benchmarks.search`): the 50
queries and 50 titles of the search benchmark for site NAME, and the sizes of its index and
text, printed as one JSON object.

    python -m benchmarks.search_prepare NAME

The queries are fixed templates (plain words, phrases, tags, operators, rare and common terms,
long queries) whose words come from the site's own term counts, chosen the same way every
time: the same dump gives the same 50 queries on both backends.
"""

from __future__ import annotations

import json
import os
import random
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pnyx.settings")
    import django

    django.setup()


TEMPLATES = [
    "{c1}",
    "{c2}",
    "{m1}",
    "{m2}",
    "{r1}",
    "{r2}",
    "{c1} {c2}",
    "{c1} {m1}",
    "{m1} {m2}",
    "{m1} {r1}",
    "{r1} {r2}",
    '"{phrase2}"',
    '"{phrase3}"',
    '"{c1} {c2}"',
    "[{t1}] {m1}",
    "[{t1}] {c1}",
    "[{t2}] {m2}",
    "[{t1}] or [{t2}] {m3}",
    "[{t3}] {c2}",
    "{m1} -{c2}",
    "{c1} -[{t1}]",
    "{p4}*",
    "{p3}*",
    "title:{m1}",
    "body:{m2} {r1}",
    "code:{m4}",
    "url:{url}",
    "user:{user} {c1}",
    "score:5 {m1}",
    "score:10 {c1}",
    "answers:0 {m1}",
    "views:1000 {c2}",
    "is:question {c1}",
    "is:answer {m1}",
    "isaccepted:yes {m2}",
    "hasaccepted:no [{t1}]",
    "closed:yes {c1}",
    "duplicate:yes {m1}",
    "created:2015 {m1}",
    "created:2014..2016 {c1}",
    "lastactive:2016.. {m2}",
    "{title}",
    "{c1} {m1} {r1} {c2} {m2} {r2} {c3} {m3} {r3} {m4} {c4} {r4}",
    "{r3} {r4} {r5}",
    "{m3} {m4} {c3}",
    '"{phrase2}" [{t1}]',
    "score:1..5 is:question {m3}",
    "{c1} {c2} {c3}",
    "inquestion:{question} {c1}",
    "{m2} {m3} &tab=newest",
]


def _words(rows: list[tuple[str, int]], total: int) -> dict[str, list[str]]:
    """Words (not tags or links) by how common: held by more than a tenth of the posts,
    by 0.3-3 %, and by 5 to 50 posts."""
    words = [(t, n) for t, n in rows if t.isalpha() and len(t) >= 3]
    common = [t for t, n in words if n > total / 10]
    middle = [t for t, n in words if total * 0.003 <= n <= total * 0.03]
    rare = [t for t, n in words if 5 <= n <= 50]
    return {"c": common, "m": middle, "r": rare}


def prepare(name: str) -> dict[str, Any]:
    from django.db import connections

    from pnyx.posts.models import Post, PostType
    from pnyx.sites.context import activated
    from pnyx.sites.registry import site_by_name

    site = site_by_name(name)
    if site is None:
        raise SystemExit(f"no site {name}")
    rng = random.Random(23)
    with activated(site), connections[site.db_alias].cursor() as cursor:
        cursor.execute("SELECT docs FROM search_terms WHERE term = ''")
        total = int(cursor.fetchone()[0])
        cursor.execute("SELECT term, docs FROM search_terms ORDER BY docs DESC, term")
        rows = [(str(t), int(n)) for t, n in cursor.fetchall()]
        by_kind = _words(rows, total)
        tags = [t[1:-1] for t, _ in rows if t.startswith("[")]
        urls = [t[4:] for t, _ in rows if t.startswith("url:") and "/" not in t]
        picks: dict[str, str] = {}
        for kind, found in by_kind.items():
            chosen = found[:6] if kind == "c" else rng.sample(found, min(6, len(found)))
            for index, word in enumerate(chosen, start=1):
                picks[f"{kind}{index}"] = word
        for index, tag in enumerate(
            [tags[0], tags[min(3, len(tags) - 1)], tags[min(20, len(tags) - 1)]], 1
        ):
            picks[f"t{index}"] = tag
        picks["url"] = urls[0] if urls else "example.org"
        picks["p4"] = picks["m1"][:4]
        picks["p3"] = picks["c2"][:3]
        questions = list(
            Post.objects.filter(post_type=PostType.QUESTION, deletion_date__isnull=True)
            .order_by("id")
            .values_list("id", "title", "owner_id", "answer_count")[:: max(1, total // 3000)]
        )
        sample = rng.sample(questions, min(60, len(questions)))
        with_answers = [q for q in sample if (q[3] or 0) > 1] or sample
        picks["question"] = str(with_answers[0][0])
        picks["user"] = str(next((q[2] for q in sample if q[2] is not None), 1))
        picks["title"] = str(sample[0][1])
        words = str(sample[1][1]).split()
        picks["phrase2"] = " ".join(words[1:3]) if len(words) > 3 else " ".join(words[:2])
        picks["phrase3"] = " ".join(words[:3])
        queries = [template.format(**picks) for template in TEMPLATES]
        # Titles as an asker types them: the start of a real title, with a middling and a
        # rare word (the synthetic dump's titles are mostly its commonest words).
        middling, rare = by_kind["m"] or ["beer"], by_kind["r"] or ["beer"]
        titles = [
            " ".join([*str(q[1]).split()[:4], middling[i % len(middling)], rare[i % len(rare)]])
            for i, q in enumerate(sample[2:52])
        ]
        sizes = _sizes(cursor, connections[site.db_alias].vendor)
    return {"queries": queries, "titles": titles, "posts": total, **sizes}


def _sizes(cursor: Any, vendor: str) -> dict[str, int]:
    """Bytes of the index (all its tables) and of the text it indexes (titles and bodies)."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relname IN ('search_docs', 'search_terms')"
        )
        index = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT SUM(COALESCE(octet_length(title), 0) + octet_length(body_html)) FROM posts "
            "WHERE post_type IN (1, 2) AND deletion_date IS NULL"
        )
    else:
        cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'")
        index = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT SUM(COALESCE(length(CAST(title AS BLOB)), 0) + length(CAST(body_html AS BLOB))) "
            "FROM posts WHERE post_type IN (1, 2) AND deletion_date IS NULL"
        )
    text = int(cursor.fetchone()[0])
    return {"index_bytes": index, "text_bytes": text}


if __name__ == "__main__":
    _setup()
    print(json.dumps(prepare(sys.argv[1])))
