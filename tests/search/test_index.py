"""The index follows the posts: asked, answered, edited, deleted; and is rebuilt whole."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connections
from tests import factories

from pnyx.posts.models import Post
from pnyx.search import index

START = datetime(2020, 1, 1, tzinfo=UTC)
BODY = "Some body text that is long enough to pass the body rule of thirty characters."


def _indexed(site) -> set[int]:  # type: ignore[no-untyped-def]
    with connections[site.db_alias].cursor() as cursor:
        cursor.execute("SELECT id FROM search_docs")
        return {row[0] for row in cursor.fetchall()}


def _terms(site) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with connections[site.db_alias].cursor() as cursor:
        cursor.execute("SELECT term, docs FROM search_terms")
        return dict(cursor.fetchall())


def test_asked_and_answered_posts_are_indexed_with_term_counts(site) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("asker", at=START)
    question = factories.ask_question(
        asker, "How do I bottle stout at home?", BODY, ["stout"], at=START
    )
    answer = factories.post_answer(
        question, asker, "Use crown caps and clean bottles, always.", at=START
    )
    assert _indexed(site) == {question.id, answer.id}
    terms = _terms(site)
    assert terms[""] == 2
    assert terms["[stout]"] == 2  # the answer carries its question's tags
    assert terms["bottl"] == 2  # "bottle" in the title, "bottles" in the answer: one stem
    assert terms["is:q"] == 1 and terms["is:a"] == 1


def test_deleting_a_question_removes_it_and_its_answers_and_their_counts(site) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("asker", at=START)
    question = factories.ask_question(
        asker, "How do I bottle stout at home?", BODY, ["stout"], at=START
    )
    factories.post_answer(question, asker, "Use crown caps and clean bottles, always.", at=START)
    other = factories.ask_question(asker, "Which yeast for a porter?", BODY, ["porter"], at=START)
    Post.objects.filter(pk=question.pk).update(deletion_date=START)
    index.update_posts(site, [question.id])
    assert _indexed(site) == {other.id}
    terms = _terms(site)
    assert terms[""] == 1
    assert "[stout]" not in terms and "bottl" not in terms
    Post.objects.filter(pk=question.pk).update(deletion_date=None)
    index.update_posts(site, [question.id])
    assert len(_indexed(site)) == 3
    assert _terms(site)["[stout]"] == 2


def test_an_edit_replaces_the_old_terms(site) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("asker", at=START)
    question = factories.ask_question(
        asker, "How do I bottle stout at home?", BODY, ["stout"], at=START
    )
    Post.objects.filter(pk=question.pk).update(title="Which hops suit a lager best?", tags="lager")
    index.update_posts(site, [question.id])
    terms = _terms(site)
    assert "stout" not in terms and "[stout]" not in terms
    assert terms["hop"] == 1 and terms["[lager]"] == 1


def test_rebuild_gives_the_same_index_and_keeps_changes_made_meanwhile(site) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("asker", at=START)
    question = factories.ask_question(
        asker, "How do I bottle stout at home?", BODY, ["stout"], at=START
    )
    factories.post_answer(question, asker, "Use crown caps and clean bottles, always.", at=START)
    before = _terms(site)
    report = index.rebuild(site)
    assert report.posts == 2
    assert _terms(site) == before
    assert _indexed(site) == {question.id, question.id + 1}
