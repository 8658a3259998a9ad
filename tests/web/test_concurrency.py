"""Many people acting on one post at the same moment, through the pages, each request in its
own thread with its own database connection: no update is lost, and the score and counts equal
what the votes table says, on both backends (SQLite's writers queue on its lock, PostgreSQL's
on the rows each action locks)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections
from django.db.models import Count
from tests.web.test_participation import BODY, HTMX, Member, member, old_question, url

from pnyx.posts.actions import reputation as bookkeeping
from pnyx.posts.models import Post, PostType, SiteUser, Vote, VoteType

__all__ = ["member"]  # the fixture, used by name


def at_once(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run each action in a thread of its own, all released together; their results in order.
    An exception in a thread fails the test."""
    start = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = action()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def _votes(post: Post) -> dict[int, int]:
    rows = Vote.objects.filter(post_id=post.pk).values("vote_type").annotate(n=Count("id"))
    return {row["vote_type"]: row["n"] for row in rows}


def test_twenty_people_vote_on_one_answer_at_once(site, member) -> None:  # type: ignore[no-untyped-def]
    author = member("Answerer")
    asker = member("Asker")
    question = old_question(asker.user)
    answer = author.client.post(url(site, "answer_submit", question.id), {"body": BODY})
    assert answer.status_code == 302
    post = Post.objects.get(parent_id=question.id, post_type=PostType.ANSWER)
    voters: list[Member] = [member(f"Voter {n}", reputation=125) for n in range(20)]
    path = url(site, "post_vote", post.pk)

    def vote(voter: Member, value: str) -> Callable[[], int]:
        return lambda: voter.client.post(path, {"vote": value}, **HTMX).status_code

    wanted = ["up" if n % 4 else "down" for n in range(20)]  # 15 up, 5 down
    assert at_once([vote(v, w) for v, w in zip(voters, wanted, strict=True)]) == [200] * 20
    post.refresh_from_db()
    counts = _votes(post)
    assert counts == {VoteType.UP: 15, VoteType.DOWN: 5}
    assert post.score == 15 - 5
    # 15 up votes (+10 each, under the daily cap of 200) and 5 down votes (-2 each); the
    # answer's author had 1; each down voter pays 1 for down-voting an answer.
    assert SiteUser.objects.get(pk=author.user.pk).reputation == 1 + 150 - 10
    for voter, value in zip(voters, wanted, strict=True):
        user = SiteUser.objects.get(pk=voter.user.pk)
        assert (user.up_votes, user.down_votes) == ((1, 0) if value == "up" else (0, 1))
        assert user.reputation == (125 if value == "up" else 124)
    assert bookkeeping.recompute(site=site) == []

    # All of them take their votes back at once (and one changes it), still nothing lost.
    undo = [vote(v, "none") for v in voters[1:]] + [vote(voters[0], "up")]
    assert at_once(undo) == [200] * 20
    post.refresh_from_db()
    assert _votes(post) == {VoteType.UP: 1} and post.score == 1
    assert SiteUser.objects.get(pk=author.user.pk).reputation == 1 + 10
    assert bookkeeping.recompute(site=site) == []


def test_two_people_answer_at_once(site, member) -> None:  # type: ignore[no-untyped-def]
    asker = member("Asker")
    question = old_question(asker.user)
    helpers = [member("First Helper"), member("Second Helper")]

    def answer(helper: Member, text: str) -> Callable[[], int]:
        target = url(site, "answer_submit", question.id)
        return lambda: helper.client.post(target, {"body": text}).status_code

    statuses = at_once(
        [answer(helpers[0], BODY + " First."), answer(helpers[1], BODY + " Second.")]
    )
    assert statuses == [302, 302]
    question.refresh_from_db()
    answers = Post.objects.filter(parent_id=question.id, post_type=PostType.ANSWER)
    assert question.answer_count == answers.count() == 2


def test_two_people_edit_one_post_at_once(site, member) -> None:  # type: ignore[no-untyped-def]
    """Both open the same revision; one edit is saved, the other refused as a conflict (with
    what its author wrote), never one silently over the other."""
    asker = member("Asker", reputation=300)
    question = old_question(asker.user)
    editors = [member(f"Editor {n}", reputation=2000) for n in range(2)]
    form = editors[0].client.get(url(site, "post_edit", question.id)).content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', form).group(1)  # type: ignore[union-attr]

    def edit(editor: Member, text: str) -> Callable[[], tuple[int, str]]:
        fields = {"title": question.title, "body": text, "tags": "stout", "revision": revision}

        def send() -> tuple[int, str]:
            response = editor.client.post(url(site, "post_edit", question.id), fields)
            return response.status_code, response.content.decode()

        return send

    texts = [BODY + " Edited by the first.", BODY + " Edited by the second."]
    results = at_once([edit(e, t) for e, t in zip(editors, texts, strict=True)])
    assert sorted(status for status, _ in results) == [302, 409]
    saved = next(t for (status, _), t in zip(results, texts, strict=True) if status == 302)
    _, refused_html = next(r for r in results if r[0] == 409)
    assert "edited since you opened it" in refused_html
    assert Post.objects.get(pk=question.id).body_markdown == saved
