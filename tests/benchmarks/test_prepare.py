"""The benchmark's typical question is what docs/benchmarks.md says it is."""

from __future__ import annotations

from benchmarks.prepare import TYPICAL_ANSWERS, TYPICAL_COMMENTS, _typical_question

from pnyx.posts.models import Comment, Post, PostType


def test_typical_question_has_5_answers_and_15_comments_once(site) -> None:  # type: ignore[no-untyped-def]
    question_id, _ = _typical_question()
    assert _typical_question()[0] == question_id  # found again, not duplicated
    answers = Post.objects.filter(parent_id=question_id, post_type=PostType.ANSWER)
    assert answers.count() == TYPICAL_ANSWERS == 5
    thread = [question_id, *answers.values_list("id", flat=True)]
    assert Comment.objects.filter(post_id__in=thread).count() == TYPICAL_COMMENTS == 15
    assert Post.objects.filter(post_type=PostType.QUESTION).count() == 1
