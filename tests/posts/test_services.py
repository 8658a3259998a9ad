import pytest

from pnyx.errors import ValidationError
from pnyx.posts import services
from pnyx.posts.models import Comment, HistoryType, Post, PostHistory, PostTag, Tag

BODY = "This body is long enough to pass the thirty character minimum."


def test_ask_question_records_tags_and_first_revision(site) -> None:
    author = services.create_user("Asker")
    question = services.ask_question(
        author, "How do I brew a stout at home?", BODY, "brewing Stout"
    )
    assert question.tag_list == ["brewing", "stout"]
    assert set(Tag.objects.values_list("name", "count")) == {("brewing", 1), ("stout", 1)}
    assert PostTag.objects.filter(post=question).count() == 2
    history = list(PostHistory.objects.filter(post=question).order_by("history_type"))
    assert [h.history_type for h in history] == [
        HistoryType.INITIAL_TITLE,
        HistoryType.INITIAL_BODY,
        HistoryType.INITIAL_TAGS,
    ]
    assert len({h.revision_guid for h in history}) == 1
    assert history[2].text == "<brewing><stout>"


@pytest.mark.parametrize(
    ("title", "body", "tags", "message"),
    [
        ("short", BODY, "a", "Title must be at least 15"),
        ("A perfectly fine title here", "too short", "a", "Body must be at least 30"),
        ("A perfectly fine title here", BODY, "", "at least one tag"),
        ("A perfectly fine title here", BODY, "a b c d e f", "no more than 5 tags"),
        ("A perfectly fine title here", BODY, "Bad_Tag!", "is not valid"),
    ],
)
def test_invalid_questions_are_refused_and_nothing_is_written(
    site, title, body, tags, message
) -> None:
    author = services.create_user("Asker")
    with pytest.raises(ValidationError, match=message):
        services.ask_question(author, title, body, tags)
    assert not Post.objects.exists()
    assert not Tag.objects.exists()


def test_answer_and_comments_keep_counts(site) -> None:
    asker = services.create_user("Asker")
    helper = services.create_user("Helper")
    question = services.ask_question(asker, "How do I brew a stout at home?", BODY, "brewing")
    answer = services.post_answer(question, helper, BODY + " Use roasted barley.")
    services.add_comment(answer, asker, "Thanks, that worked for me!")
    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.answer_count == 1
    assert answer.comment_count == 1
    assert answer.parent_id == question.id
    with pytest.raises(ValidationError, match="Only questions"):
        services.post_answer(answer, asker, BODY)


def test_comment_mentions_resolve_only_to_people_in_the_thread(site) -> None:
    asker = services.create_user("Asker Person")
    first = services.create_user("mustaccio")
    outsider = services.create_user("Outsider")
    question = services.ask_question(asker, "How do I brew a stout at home?", BODY, "brewing")
    services.add_comment(question, first, "Some comment that is long enough.")
    reply = services.add_comment(question, asker, "@mustaccio thanks, and @Outsider hello")
    to_author = services.add_comment(question, first, "@AskerPerson is this what you meant?")
    assert f"/users/{first.id}/mustaccio" in reply.text_html
    assert f"/users/{outsider.id}/" not in reply.text_html
    assert f"/users/{asker.id}/asker-person" in to_author.text_html


def test_short_comment_is_refused(site) -> None:
    asker = services.create_user("Asker")
    question = services.ask_question(asker, "How do I brew a stout at home?", BODY, "brewing")
    with pytest.raises(ValidationError, match="at least 15"):
        services.add_comment(question, asker, "too short")
    assert not Comment.objects.exists()
