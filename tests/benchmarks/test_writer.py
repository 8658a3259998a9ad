"""The benchmark's members and writer against the real application on a loopback port: sessions
made by `benchmarks.prepare` sign in, writes go through the pages' forms, and refused writes are
counted with the page's message rather than raised."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from benchmarks.prepare import _account, _cookie, _join
from tests import factories

from benchmarks import writer
from pnyx.posts.models import Comment, Post, PostType, Vote
from pnyx.posts.slugs import slugify_title
from pnyx.sites.paths import site_path

BODY = "A body that is long enough to pass the thirty character rule."


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The WSGI application `pnyx serve` runs, on 127.0.0.1 and a free port, in a thread."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    from pnyx.wsgi import application

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    httpd.set_app(application)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    host, port = httpd.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def thread(site) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A question with an answer by people other than the members, and its page."""
    asker, answerer = factories.create_user("Asker"), factories.create_user("Answerer")
    question = factories.ask_question(asker, "How long should a stout age?", BODY, "stout")
    answer = factories.post_answer(question, answerer, BODY)
    page = site_path(site, "question", question.id, slugify_title(question.title))
    return {"question": question, "answer": answer, "page": page}


@pytest.fixture
def members(site) -> Iterator[Callable[[list[int]], list[writer.Member]]]:  # type: ignore[no-untyped-def]
    """Members of the site made as `benchmarks.prepare` makes them, one per reputation given."""
    from pnyx.accounts.models import Account

    made: list[int] = []

    def factory(reputations: list[int]) -> list[writer.Member]:
        found = []
        for reputation in reputations:
            name = f"Writer {len(made) + 1}"
            account = _account(f"writer-{len(made) + 1}-{site.name}@pnyx.invalid", name)
            made.append(account.id)
            _join(account, site, reputation)
            found.append(writer.Member(name, _cookie(account)))
        return found

    yield factory
    Account.objects.filter(id__in=made).delete()


def test_members_sign_in_and_write_and_refusals_are_counted(
    site, server: str, thread: dict[str, Any], members, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    voter, commenter, newcomer = members([500, 500, 1])
    broken = writer.Member("Nobody", "sessionid=not-a-session; csrftoken=" + "a" * 32)
    problems = writer.read_tokens(server, [voter, commenter, newcomer, broken], thread["page"])
    assert set(problems) == {"Nobody"}  # the others' pages greet them by name
    assert "not signed in" in problems["Nobody"]
    assert voter.token and commenter.token and newcomer.token

    writes = writer.Writes(server, site.url_prefix, {})
    answer, question = thread["answer"], thread["question"]
    assert writes.vote(voter, answer.id, "up")
    assert Post.objects.get(pk=answer.id).score == 1
    assert writes.vote(voter, answer.id, "none")
    assert writes.vote(voter, question.id, "up") and writes.vote(voter, question.id, "none")
    assert not Vote.objects.filter(user_id__isnull=False, post_id=answer.id).exists()
    assert writes.comment(commenter, question.id, writer.comment_text("t1"))
    assert writes.answer(commenter, question.id, writer.answer_body("t1"))
    assert Comment.objects.filter(post_id=question.id, text__contains="t1").count() == 1
    assert Post.objects.filter(parent_id=question.id, post_type=PostType.ANSWER).count() == 2

    # Refused: voting below the privilege, a second comment within 15 s, the same answer again.
    assert not writes.vote(newcomer, answer.id, "up")
    assert not writes.comment(commenter, answer.id, writer.comment_text("t2"))
    assert not writes.answer(commenter, question.id, writer.answer_body("t1"))
    votes, comments, answers = (writes.tallies[k] for k in ("vote", "comment", "answer"))
    assert (votes.ok, votes.failed) == (4, 1)
    assert [r for r in votes.reasons if r.startswith("403 ")] and "15" in next(iter(votes.reasons))
    assert (comments.ok, comments.failed) == (1, 1)
    assert next(iter(comments.reasons)).startswith("429 ")
    assert (answers.ok, answers.failed, answers.expected) == (1, 0, 1)
    assert len(votes.times_ms) == 4  # only successes are timed

    # A form without its token is refused, and counted, not raised.
    forged = writer.Member(voter.name, voter.cookie, token="x" * 64)
    assert not writes.vote(forged, answer.id, "up")
    assert writes.tallies["vote"].failed == 2
    assert Post.objects.get(pk=answer.id).score == 0


def test_writing_beside_at_a_rate_then_one_at_a_time(
    site, server: str, thread: dict[str, Any], members, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    crowd = members([500] * 4)
    assert not writer.read_tokens(server, crowd, thread["page"])
    question, answer = thread["question"], thread["answer"]
    config = {
        "base": server,
        "prefix": site.url_prefix,
        "members": [vars(m) for m in crowd],
        "vote_posts": [question.id, answer.id],
        "questions": [question.id],
        "connections": 2,
        "rate": 20,
        "state": str(tmp_path / "state.json"),
    }
    stop = threading.Event()
    threading.Timer(1.5, stop.set).start()
    done = writer.write_beside(config, stop)
    kinds = done["kinds"]
    assert done["failed"] == 0 and done["ok"] > 0, done
    assert done["ok"] == sum(k["ok"] for k in kinds.values())
    assert done["seconds"] >= 1.4 and done["per_second"] == round(done["ok"] / done["seconds"], 1)
    # Every up vote was taken back at the end: scores are as they were.
    assert Post.objects.get(pk=question.id).score == 0
    assert Post.objects.get(pk=answer.id).score == 0
    assert not Vote.objects.filter(user__display_name__startswith="Writer ").exists()

    # The 15-second rule carries over through the state file: those who just commented wait.
    # (Every one of the 4 members is free again only after 16 s.)
    timed = writer.latency(
        server, site.url_prefix, crowd, [answer.id], [question.id], 4, tmp_path / "state.json", 0
    )
    by_kind = {t.kind: t for t in timed}
    assert by_kind["vote"].tally.ok == 4 and by_kind["vote"].p50_ms is not None
    assert by_kind["answer"].tally.ok == 4
    assert by_kind["comment"].tally.ok == len(crowd) - kinds["comment"]["ok"]
    assert sum(t.tally.failed for t in timed) == 0


def test_a_lane_votes_up_then_takes_it_back_and_spreads_comments(
    site, server: str, thread: dict[str, Any], members, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    crowd = members([500] * 2)
    assert not writer.read_tokens(server, crowd, thread["page"])
    question, answer = thread["question"], thread["answer"]
    lane = writer.Lane(
        writer.Writes(server, site.url_prefix, {}), crowd, [answer.id], [question.id], "lane"
    )
    lane.write("vote")
    assert Post.objects.get(pk=answer.id).score == 1 and lane.pending_undo is not None
    lane.write("vote")  # the same member takes it back
    assert Post.objects.get(pk=answer.id).score == 0 and lane.pending_undo is None
    lane.write("vote")
    assert lane.finish().ok == 1  # the vote still standing is taken back at the end
    assert Post.objects.get(pk=answer.id).score == 0
    lane.writes = writer.Writes(server, site.url_prefix, {})
    lane.write("comment")
    lane.write("comment")  # by the other member
    lane.write("comment")  # nobody may comment again yet: a vote instead
    lane.write("answer")
    tallies = lane.writes.tallies
    assert (tallies["comment"].ok, tallies["answer"].ok, tallies["vote"].ok) == (2, 1, 1)
    assert lane.replaced == 1
    assert sum(t.failed for t in tallies.values()) == 0
