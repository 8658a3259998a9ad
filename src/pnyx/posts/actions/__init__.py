"""Every write to a site's content, as `check_*` / `do_*` pairs (see `common` for the locking
contract they share).

`check_*` authorises the actor, validates the input, opens the site's transaction, takes its
locks and calls `do_*`; `do_*` writes, keeps counters and history in step and queues the action's
event (`pnyx.events`) for after the commit. Web views call the `check_*` functions (the API and
moderation tools, once built, will too); the demo, tests and imports call `do_*` for content
known to be valid.
"""

from pnyx.posts.actions.comments import (
    check_add_comment,
    check_delete_comment,
    check_vote_comment,
    do_add_comment,
)
from pnyx.posts.actions.common import access_post
from pnyx.posts.actions.deletion import (
    check_delete_post,
    check_undelete_post,
    do_delete_post,
    do_undelete_post,
)
from pnyx.posts.actions.posts import (
    Content,
    check_ask_question,
    check_edit_post,
    check_post_answer,
    check_rollback,
    current_revision,
    do_ask_question,
    do_edit_post,
    do_post_answer,
)
from pnyx.posts.actions.users import do_create_user
from pnyx.posts.actions.votes import (
    AcceptState,
    VoteState,
    check_accept,
    check_bookmark,
    check_vote,
    do_accept,
    do_vote,
)

__all__ = [
    "AcceptState",
    "Content",
    "VoteState",
    "access_post",
    "check_accept",
    "check_add_comment",
    "check_ask_question",
    "check_bookmark",
    "check_delete_comment",
    "check_delete_post",
    "check_edit_post",
    "check_post_answer",
    "check_rollback",
    "check_undelete_post",
    "check_vote",
    "check_vote_comment",
    "current_revision",
    "do_accept",
    "do_add_comment",
    "do_ask_question",
    "do_create_user",
    "do_delete_post",
    "do_edit_post",
    "do_post_answer",
    "do_undelete_post",
    "do_vote",
]
