"""The few facts of a thread that every request of its page needs, in one query.

A question page is assembled from cached blocks (`pnyx.web.fragments`); what decides which
blocks are still good, in which order the answers go and what the reader's vote buttons show
is read here on every request: each post's version, score, owner, dates and flags, and the
database's epoch. One raw query, since the ORM's cost of building it would be most of the cost
of running it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections

from pnyx.posts.models import PostType
from pnyx.posts.selectors import answer_order
from pnyx.sites.content_version import TABLE as VERSIONS_TABLE
from pnyx.sites.context import active_site


@dataclass(frozen=True)
class PostRow:
    id: int
    post_type: int
    version: int
    score: int
    owner_id: int | None
    creation_date: Any  # a datetime on PostgreSQL, ISO text on SQLite: compared only alike
    last_activity_date: Any
    deleted: bool
    community_wiki: bool
    favorite_count: int
    accepted_answer_id: int | None
    title: str | None
    closed: bool


@dataclass(frozen=True)
class ThreadFacts:
    epoch: int
    question: PostRow
    answers: list[PostRow]


SQL = (
    "SELECT id, post_type, version, score, owner_id, creation_date, last_activity_date, "
    "deletion_date IS NOT NULL, community_owned_date IS NOT NULL, COALESCE(favorite_count, 0), "
    "accepted_answer_id, title, closed_date IS NOT NULL, "
    f"(SELECT version FROM {VERSIONS_TABLE} WHERE name = 'epoch') "
    "FROM posts WHERE id = %s OR (parent_id = %s AND post_type = 2)"
)


def thread_facts(question_id: int) -> ThreadFacts | None:
    """The question (deleted or not) and all its answers, or None if there is no such question
    (1 query)."""
    with connections[active_site().db_alias].cursor() as cursor:
        cursor.execute(SQL, [question_id, question_id])
        rows = cursor.fetchall()
    question = None
    answers = []
    epoch = 0
    for row in rows:
        post = PostRow(
            id=row[0],
            post_type=row[1],
            version=row[2],
            score=row[3],
            owner_id=row[4],
            creation_date=row[5],
            last_activity_date=row[6],
            deleted=bool(row[7]),
            community_wiki=bool(row[8]),
            favorite_count=row[9],
            accepted_answer_id=row[10],
            title=row[11],
            closed=bool(row[12]),
        )
        epoch = int(row[13] or 0)
        if post.id == question_id:
            question = post
        elif post.post_type == PostType.ANSWER:
            answers.append(post)
    if question is None or question.post_type != PostType.QUESTION:
        return None
    return ThreadFacts(epoch, question, answers)


def order_answers(question: PostRow, answers: list[PostRow], sort: str) -> list[PostRow]:
    """`pnyx.posts.selectors.answer_order`, on rows."""
    return answer_order(question, answers, sort)
