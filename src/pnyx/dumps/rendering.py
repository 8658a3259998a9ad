"""Rendering an import's HTML, in helper processes when the dump is big enough to gain from it.

Sanitising post bodies (nh3) and rendering comments (markdown-it, pure Python) are most of an
import's work beyond reading the XML. With helper processes, a batch is handed over as soon as
it is read and picked up, rendered, a couple of batches later, so reading and rendering overlap
on a machine with more than one core. The work functions need no Django (links to users are
made from a template the loader fills from the site's URLs), so a helper starts in a fraction
of a second. Small dumps are rendered in the import's own process: starting helpers would cost
more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from pnyx.dumps.comment_html import render_without_replies
from pnyx.dumps.heap import freeze_heap
from pnyx.dumps.lane_process import die_with_parent
from pnyx.posts.slugs import slugify_name
from pnyx.render.comments import render_comment
from pnyx.render.links import LinkContext
from pnyx.render.markdown import sanitise_imported_html
from pnyx.render.mentions import Participant

# A reply to render: (comment id, text, who can be named, in the order `conversation` gives).
Reply = tuple[int, str, list[Participant]]
IN_FLIGHT = 3  # batches handed to the helpers and not yet picked up
USER_ID, USER_SLUG = "999999999", "SLUG"  # placeholders in the user URL template


def sanitise_bodies(bodies: list[str], context: LinkContext) -> list[str]:
    return [sanitise_imported_html(body, context) for body in bodies]


def render_comments(texts: list[str], context: LinkContext) -> list[str]:
    return [render_without_replies(text, context) for text in texts]


def render_replies(
    replies: list[Reply], context: LinkContext, user_url_template: str
) -> list[tuple[int, str]]:
    head, tail = user_url_template.rsplit(USER_ID, 1)
    middle, end = tail.rsplit(USER_SLUG, 1)

    def user_url(participant: Participant) -> str:
        slug = slugify_name(participant.display_name)
        return f"{head}{participant.user_id}{middle}{slug}{end}"

    return [
        (comment_id, render_comment(text, participants, user_url, context))
        for comment_id, text, participants in replies
    ]


def _quiet_worker(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the import unwinds and stops the helpers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A helper may write the posts (`posts_store`): it must not go on once its lane is gone.
    die_with_parent(parent)
    freeze_heap()


class Renderer:
    """Runs render work inline or in helper processes, handing results back in order."""

    def __init__(self, helpers: int) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if helpers > 0:
            self.pool = ProcessPoolExecutor(
                max_workers=helpers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_quiet_worker,
                initargs=(os.getpid(),),
            )

    def submit(self, work: Callable[..., Any], *args: Any) -> Callable[[], Any]:
        """Start `work(*args)`; return a function that waits for and returns its result."""
        if self.pool is None:
            result = work(*args)
            return lambda: result
        future: Future[Any] = self.pool.submit(work, *args)
        return future.result

    @property
    def depth(self) -> int:
        """Batches worth keeping in flight: none when rendering here."""
        return IN_FLIGHT if self.pool is not None else 0

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class Pipeline:
    """Batches waiting for their rendering, finished in the order they were handed over.

    With helper processes `depth` batches are in flight, so reading and rendering overlap;
    without, each batch is finished at once, so memory holds one batch."""

    def __init__(self, finish: Callable[[Any], None], depth: int = IN_FLIGHT) -> None:
        self.finish = finish
        self.depth = depth
        self.waiting: deque[Any] = deque()

    def add(self, item: Any) -> None:
        self.waiting.append(item)
        while len(self.waiting) > self.depth:
            self.finish(self.waiting.popleft())

    def drain(self) -> None:
        while self.waiting:
            self.finish(self.waiting.popleft())


def helpers_for(total_bytes: int, threshold: int = 50_000_000) -> int:
    """Helper processes worth starting for a dump whose bodies and comments take `total_bytes`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if total_bytes < threshold or not cores or cores < 2:
        return 0
    return cores - 1
