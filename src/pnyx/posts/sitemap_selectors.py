"""Reads for the sitemap: the live questions' ids, titles and last activity, a slice at a time.

Only three columns are fetched and no model is built, so a full sitemap file of 50,000 questions
stays one light query.
"""

from __future__ import annotations

from datetime import datetime

from pnyx.posts.querysets import live_questions


def question_count() -> int:
    return int(live_questions().count())


def question_entries(offset: int, limit: int) -> list[tuple[int, str | None, datetime]]:
    """(id, title, last activity) of live questions in id order, `limit` from `offset` (1 query)."""
    rows = live_questions().order_by("id").values_list("id", "title", "last_activity_date")
    return list(rows[offset : offset + limit])
