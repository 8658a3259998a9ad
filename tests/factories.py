"""Content for tests, written through the domain's `do_*` functions after the content rules.

The signatures are short on purpose (author and text first), as tests build many threads; the
`check_*` functions, with their authorisation, are tested in `tests/posts/`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pnyx.posts import actions, rules
from pnyx.posts.models import Comment, Post, SiteUser
from pnyx.sites.context import active_site


def create_user(display_name: str, **kwargs: Any) -> SiteUser:
    return actions.do_create_user(site=active_site(), display_name=display_name, **kwargs)


def ask_question(
    author: SiteUser,
    title: str,
    body: str,
    tags: list[str] | str,
    *,
    at: datetime | None = None,
    post_id: int | None = None,
) -> Post:
    return actions.do_ask_question(
        author=author,
        title=rules.check_title(title),
        body=rules.check_body(body),
        tags=rules.check_tags(tags),
        at=at,
        post_id=post_id,
    )


def post_answer(
    question: Post,
    author: SiteUser,
    body: str,
    *,
    at: datetime | None = None,
    post_id: int | None = None,
) -> Post:
    return actions.do_post_answer(
        question=question, author=author, body=rules.check_body(body), at=at, post_id=post_id
    )


def add_comment(
    post: Post,
    author: SiteUser,
    text: str,
    *,
    at: datetime | None = None,
    comment_id: int | None = None,
) -> Comment:
    return actions.do_add_comment(
        post=post, author=author, text=rules.check_comment(text), at=at, comment_id=comment_id
    )
