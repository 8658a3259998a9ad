"""The write actions: each rule as a function, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from tests import factories

from pnyx import events
from pnyx.errors import (
    Conflict,
    NotAllowed,
    NotFound,
    PrivilegeRequired,
    RateLimited,
    ValidationError,
)
from pnyx.posts import actions
from pnyx.posts.actions import reputation as bookkeeping
from pnyx.posts.models import (
    Comment,
    HistoryType,
    Post,
    PostHistory,
    PostTag,
    ReputationEvent,
    SiteUser,
    Tag,
    Vote,
    VoteType,
)

BODY = "This body is long enough to pass the thirty character minimum."
TITLE = "How do I brew a stout at home?"
HOUR_AGO = timedelta(hours=1)


def user(name: str, reputation: int = 1) -> SiteUser:
    return factories.create_user(name, reputation=reputation)


def fresh(u: SiteUser) -> SiteUser:
    return SiteUser.objects.get(pk=u.pk)


def old_question(asker: SiteUser, title: str = TITLE, tags: str = "brewing") -> Post:
    return factories.ask_question(asker, title, BODY, tags, at=timezone.now() - HOUR_AGO)


# Asking.


def test_ask_records_tags_first_revision_and_sends_its_event_after_commit(site) -> None:
    author = user("Asker", 500)
    factories.ask_question(author, "An older question to make the tag", BODY, "brewing stout")
    with events.capture_events() as sent:
        question = actions.check_ask_question(
            actor=author, title="How do I brew a stout at home?", body=BODY, tags="brewing Stout"
        )
    assert question.tag_list == ["brewing", "stout"]
    assert set(Tag.objects.values_list("name", "count")) == {("brewing", 2), ("stout", 2)}
    assert PostTag.objects.filter(post=question).count() == 2
    history = list(PostHistory.objects.filter(post=question).order_by("history_type"))
    assert [h.history_type for h in history] == [
        HistoryType.INITIAL_TITLE,
        HistoryType.INITIAL_BODY,
        HistoryType.INITIAL_TAGS,
    ]
    assert len({h.revision_guid for h in history}) == 1
    assert history[2].text == "<brewing><stout>"
    assert [(e.kind, e["post_id"]) for e in sent] == [(events.POST_CREATED, question.pk)]


def test_events_wait_for_the_commit_and_vanish_with_a_rollback(site) -> None:
    author = user("Asker", 500)
    with events.capture_events() as sent:
        with transaction.atomic(using=site.db_alias):
            factories.ask_question(author, TITLE, BODY, "brewing")
            assert sent == []
        assert len(sent) == 1
        with pytest.raises(RuntimeError), transaction.atomic(using=site.db_alias):
            factories.ask_question(author, "Another question title here", BODY, "brewing")
            raise RuntimeError
    assert len(sent) == 1
    assert Post.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "body", "tags", "message"),
    [
        ("short", BODY, "a", "Title must be at least 15"),
        ("A perfectly fine title here", "too short", "a", "Body must be at least 30"),
        ("A perfectly fine title here", BODY, "", "at least one tag"),
        ("A perfectly fine title here", BODY, "a b c d e f", "no more than 5 tags"),
        ("A perfectly fine title here", BODY, "Bad_Tag!", "is not valid"),
        ("A perfectly fine title here", "x" * 30001, "a", "limited to 30000"),
    ],
)
def test_invalid_questions_are_refused_and_nothing_is_written(
    site, title, body, tags, message
) -> None:
    author = user("Asker", 5000)
    with pytest.raises(ValidationError, match=message):
        actions.check_ask_question(actor=author, title=title, body=body, tags=tags)
    assert not Post.objects.exists()
    assert not Tag.objects.exists()


def test_new_tags_need_the_create_tags_privilege(site) -> None:
    veteran = user("Veteran", 300)
    newcomer = user("Newcomer", 1)
    factories.ask_question(veteran, "A question that makes a tag", BODY, "brewing")
    with pytest.raises(PrivilegeRequired, match=r"new tag \[lager\] requires 300 reputation"):
        actions.check_ask_question(actor=newcomer, title=TITLE, body=BODY, tags="brewing lager")
    assert not Tag.objects.filter(name="lager").exists()
    actions.check_ask_question(actor=newcomer, title=TITLE, body=BODY, tags="brewing")
    actions.check_ask_question(
        actor=veteran, title="A question with a new tag here", body=BODY, tags="lager"
    )
    assert Tag.objects.get(name="lager").count == 1


def test_a_question_sent_twice_is_posted_once(site) -> None:
    author = user("Asker", 500)
    actions.check_ask_question(actor=author, title=TITLE, body=BODY, tags="brewing")
    with pytest.raises(Conflict, match="just asked"):
        actions.check_ask_question(actor=author, title=TITLE, body=BODY, tags="brewing")
    assert Post.objects.count() == 1


# Answering.


def test_answer_keeps_counts_and_activity(site) -> None:
    asker, helper = user("Asker"), user("Helper")
    question = old_question(asker)
    answer = actions.check_post_answer(actor=helper, question_id=question.pk, body=BODY)
    question.refresh_from_db()
    assert question.answer_count == 1
    assert question.last_activity_date == answer.creation_date
    assert question.version == 1
    with pytest.raises(NotFound):
        actions.check_post_answer(actor=asker, question_id=answer.pk, body=BODY)
    with pytest.raises(Conflict, match="already posted"):
        actions.check_post_answer(actor=helper, question_id=question.pk, body=BODY)
    with pytest.raises(NotFound):
        actions.check_post_answer(actor=helper, question_id=999999, body=BODY)


def test_closed_and_deleted_questions_take_no_answers(site) -> None:
    asker, helper = user("Asker"), user("Helper")
    closed = old_question(asker)
    Post.objects.filter(pk=closed.pk).update(closed_date=timezone.now())
    with pytest.raises(NotAllowed, match="closed"):
        actions.check_post_answer(actor=helper, question_id=closed.pk, body=BODY)
    gone = old_question(asker, "A question that will be deleted")
    actions.check_delete_post(actor=asker, post_id=gone.pk)
    with pytest.raises(NotFound):
        actions.check_post_answer(actor=helper, question_id=gone.pk, body=BODY)
    assert not Post.objects.filter(post_type=2).exists()


# Comments.


def test_comments_count_and_mentions_resolve_to_people_in_the_thread(site) -> None:
    asker = user("Asker Person")
    first = user("mustaccio", 50)
    outsider = user("Outsider", 50)
    question = old_question(asker)
    comment = actions.check_add_comment(
        actor=first, post_id=question.pk, text="Some comment that is long enough."
    )
    reply = actions.check_add_comment(
        actor=asker, post_id=question.pk, text="@mustaccio thanks, and @Outsider hello"
    )
    assert f"/users/{first.id}/mustaccio" in reply.text_html
    assert f"/users/{outsider.id}/" not in reply.text_html
    assert Post.objects.get(pk=question.pk).comment_count == 2
    actions.check_delete_comment(actor=first, comment_id=comment.pk)
    with pytest.raises(NotAllowed, match="your own comments"):
        actions.check_delete_comment(actor=first, comment_id=reply.pk)
    assert Post.objects.get(pk=question.pk).comment_count == 1
    with pytest.raises(ValidationError, match="at least 15"):
        actions.check_add_comment(actor=asker, post_id=question.pk, text="too short")


def test_commenting_on_others_posts_needs_50_reputation_but_not_on_ones_own(site) -> None:
    asker, newcomer = user("Asker"), user("Newcomer")
    question = old_question(asker)
    answer = factories.post_answer(question, newcomer, BODY)
    with pytest.raises(PrivilegeRequired, match="requires 50 reputation on this site; you have 1"):
        actions.check_add_comment(
            actor=newcomer, post_id=question.pk, text="A comment on someone's question."
        )
    actions.check_add_comment(actor=newcomer, post_id=answer.pk, text="A comment on my answer.")
    actions.check_add_comment(actor=asker, post_id=answer.pk, text="A comment on the answer.")
    assert Comment.objects.count() == 2


def test_one_comment_every_15_seconds_and_no_double_post(site) -> None:
    asker = user("Asker")
    question = old_question(asker)
    actions.check_add_comment(
        actor=asker, post_id=question.pk, text="A first comment, long enough."
    )
    with pytest.raises(Conflict):
        actions.check_add_comment(
            actor=asker, post_id=question.pk, text="A first comment, long enough."
        )
    with pytest.raises(RateLimited, match="once every 15 seconds"):
        actions.check_add_comment(
            actor=asker, post_id=question.pk, text="A second comment, long enough."
        )
    Comment.objects.update(creation_date=timezone.now() - timedelta(seconds=16))
    actions.check_add_comment(
        actor=asker, post_id=question.pk, text="A second comment, long enough."
    )
    assert Comment.objects.count() == 2


def test_comment_up_votes(site) -> None:
    asker, voter, newcomer = user("Asker"), user("Voter", 15), user("Newcomer")
    question = old_question(asker)
    comment = factories.add_comment(question, asker, "A comment worth an up vote.")
    assert actions.check_vote_comment(actor=voter, comment_id=comment.pk, up=True) == 1
    assert actions.check_vote_comment(actor=voter, comment_id=comment.pk, up=True) == 1
    with pytest.raises(NotAllowed, match="your own comment"):
        actions.check_vote_comment(actor=asker, comment_id=comment.pk, up=True)
    with pytest.raises(PrivilegeRequired, match="Voting up requires 15"):
        actions.check_vote_comment(actor=newcomer, comment_id=comment.pk, up=True)
    assert actions.check_vote_comment(actor=voter, comment_id=comment.pk, up=False) == 0
    assert Comment.objects.get(pk=comment.pk).score == 0


# Editing.


def test_the_author_edits_and_each_edit_is_a_revision_in_the_dumps_shape(site) -> None:
    asker = user("Asker", 300)
    question = old_question(asker, tags="brewing stout")
    base = actions.current_revision(question.pk, site=site)
    edited = actions.check_edit_post(
        actor=asker,
        post_id=question.pk,
        title="How do I brew an oatmeal stout at home?",
        body=BODY + " With oats.",
        tags="brewing oats",
        summary="more precise",
        base_revision=base,
    )
    assert edited.title == "How do I brew an oatmeal stout at home?"
    assert "With oats." in edited.body_html
    assert edited.last_editor_id == asker.pk
    rows = PostHistory.objects.filter(post=question, history_type__in=[4, 5, 6])
    assert sorted(r.history_type for r in rows) == [4, 5, 6]
    assert {r.comment for r in rows} == {"more precise"}
    assert len({r.revision_guid for r in rows}) == 1
    assert dict(Tag.objects.values_list("name", "count")) == {
        "brewing": 1,
        "stout": 0,
        "oats": 1,
    }
    with pytest.raises(Conflict, match="edited since you opened it"):
        actions.check_edit_post(
            actor=asker, post_id=question.pk, body=BODY + " Stale.", base_revision=base
        )
    with pytest.raises(ValidationError, match="changes nothing"):
        actions.check_edit_post(actor=asker, post_id=question.pk, body=BODY + " With oats.")


def test_editing_others_posts_needs_2000_reputation(site) -> None:
    asker, editor, expert = user("Asker"), user("Editor", 1999), user("Expert", 2000)
    question = old_question(asker)
    with pytest.raises(PrivilegeRequired, match="requires 2000 reputation"):
        actions.check_edit_post(actor=editor, post_id=question.pk, body=BODY + " Edited.")
    actions.check_edit_post(actor=expert, post_id=question.pk, body=BODY + " Edited.")
    assert Post.objects.get(pk=question.pk).last_editor_id == expert.pk


def test_rollback_restores_an_earlier_revision(site) -> None:
    asker = user("Asker")
    question = old_question(asker)
    first_guid = PostHistory.objects.filter(post=question).first().revision_guid
    actions.check_edit_post(
        actor=asker, post_id=question.pk, title="A completely different title", body=BODY + "!"
    )
    restored = actions.check_rollback(actor=asker, post_id=question.pk, revision_guid=first_guid)
    assert restored.title == TITLE
    assert restored.body_markdown == BODY
    rollback_rows = PostHistory.objects.filter(post=question, history_type__in=[7, 8])
    assert {r.comment for r in rollback_rows} == {f"Rollback to [{first_guid}]"}
    with pytest.raises(ValidationError, match="no such revision"):
        actions.check_rollback(actor=asker, post_id=question.pk, revision_guid="nope")


# Votes and reputation.


def test_votes_move_score_and_reputation_and_can_be_undone(site) -> None:
    asker, helper, voter = user("Asker"), user("Helper"), user("Voter", 200)
    question = old_question(asker)
    answer = factories.post_answer(question, helper, BODY)
    assert actions.check_vote(actor=voter, post_id=answer.pk, vote="up").score == 1
    assert fresh(helper).reputation == 11
    state = actions.check_vote(actor=voter, post_id=answer.pk, vote="down")
    assert (state.score, state.vote) == (-1, "down")
    assert fresh(helper).reputation == 1  # 1 - 2, never below 1
    assert fresh(voter).reputation == 199  # down-voting an answer costs 1
    actions.check_vote(actor=voter, post_id=answer.pk, vote=None)
    assert (fresh(helper).reputation, fresh(voter).reputation) == (1, 200)
    actions.check_vote(actor=voter, post_id=question.pk, vote="down")
    assert (fresh(asker).reputation, fresh(voter).reputation) == (1, 200)  # questions: free
    assert Post.objects.get(pk=answer.pk).score == 0
    assert bookkeeping.recompute(site=site) == []


def test_vote_rules(site) -> None:
    asker, newcomer, voter = user("Asker"), user("Newcomer"), user("Voter", 124)
    question = old_question(asker)
    with pytest.raises(NotAllowed, match="your own post"):
        actions.check_vote(actor=asker, post_id=question.pk, vote="up")
    with pytest.raises(PrivilegeRequired, match="Voting up requires 15 reputation"):
        actions.check_vote(actor=newcomer, post_id=question.pk, vote="up")
    with pytest.raises(PrivilegeRequired, match="Voting down requires 125 reputation"):
        actions.check_vote(actor=voter, post_id=question.pk, vote="down")
    actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    Vote.objects.update(creation_date=timezone.now() - timedelta(minutes=6))
    with pytest.raises(NotAllowed, match="locked in unless this post is edited"):
        actions.check_vote(actor=voter, post_id=question.pk, vote=None)
    actions.check_edit_post(actor=asker, post_id=question.pk, body=BODY + " Edited.")
    assert actions.check_vote(actor=voter, post_id=question.pk, vote=None).score == 0
    with pytest.raises(ValidationError):
        actions.check_vote(actor=voter, post_id=question.pk, vote="sideways")
    assert Post.objects.get(pk=question.pk).score == 0


def test_forty_votes_a_day_the_last_ten_on_questions(site) -> None:
    asker, voter = user("Asker"), user("Voter", 200)
    question = old_question(asker)
    answer = factories.post_answer(question, asker, BODY)
    Vote.objects.bulk_create(
        Vote(post=question, user=voter, vote_type=VoteType.UP, creation_date=timezone.now())
        for _ in range(30)
    )
    with pytest.raises(RateLimited, match="for questions only"):
        actions.check_vote(actor=voter, post_id=answer.pk, vote="up")
    other = old_question(asker, "Another question to vote on")
    Vote.objects.bulk_create(
        Vote(post=other, user=voter, vote_type=VoteType.UP, creation_date=timezone.now())
        for _ in range(10)
    )
    third = old_question(asker, "A third question to vote on")
    with pytest.raises(RateLimited, match="40 votes for today"):
        actions.check_vote(actor=voter, post_id=third.pk, vote="up")


def test_up_votes_earn_at_most_200_a_day_and_acceptance_is_not_capped(site) -> None:
    asker = user("Asker")
    voters = [user(f"Voter {i}", 15) for i in range(25)]
    question = old_question(asker)
    for voter in voters:
        actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    assert fresh(asker).reputation == 201
    actions.check_vote(actor=voters[0], post_id=question.pk, vote=None)
    assert fresh(asker).reputation == 201  # still 24 votes, still capped
    assert bookkeeping.recompute(site=site) == []
    assert Post.objects.get(pk=question.pk).score == 24


def test_accepting_gives_15_and_2_and_moves_with_the_acceptance(site) -> None:
    asker, first, second = user("Asker"), user("First"), user("Second")
    question = old_question(asker)
    a1 = factories.post_answer(question, first, BODY)
    a2 = factories.post_answer(question, second, BODY + " Another.")
    with pytest.raises(NotAllowed, match="Only the person who asked"):
        actions.check_accept(actor=first, answer_id=a1.pk)
    assert actions.check_accept(actor=asker, answer_id=a1.pk).accepted_answer_id == a1.pk
    assert (fresh(first).reputation, fresh(asker).reputation) == (16, 3)
    actions.check_accept(actor=asker, answer_id=a2.pk)
    assert (fresh(first).reputation, fresh(second).reputation, fresh(asker).reputation) == (
        1,
        16,
        3,
    )
    assert (
        actions.check_accept(actor=asker, answer_id=a2.pk, accept=False).accepted_answer_id is None
    )
    assert (fresh(second).reputation, fresh(asker).reputation) == (1, 1)
    assert not Vote.objects.filter(vote_type=VoteType.ACCEPTED).exists()
    assert bookkeeping.recompute(site=site) == []


def test_an_answer_can_be_accepted_15_minutes_after_asking(site) -> None:
    asker, helper = user("Asker"), user("Helper")
    question = factories.ask_question(asker, TITLE, BODY, "brewing")
    answer = factories.post_answer(question, helper, BODY)
    with pytest.raises(NotAllowed, match="15 minutes after asking"):
        actions.check_accept(actor=asker, answer_id=answer.pk)
    own = factories.post_answer(question, asker, BODY + " Mine.")
    Post.objects.filter(pk=question.pk).update(creation_date=timezone.now() - HOUR_AGO)
    with pytest.raises(NotAllowed, match="own answer 2 days"):
        actions.check_accept(actor=asker, answer_id=own.pk)


def test_bookmarks(site) -> None:
    asker, reader = user("Asker"), user("Reader")
    question = old_question(asker)
    assert actions.check_bookmark(actor=reader, question_id=question.pk, bookmarked=True)
    assert actions.check_bookmark(actor=reader, question_id=question.pk, bookmarked=True)
    assert Post.objects.get(pk=question.pk).favorite_count == 1
    assert not actions.check_bookmark(actor=reader, question_id=question.pk, bookmarked=False)
    assert Post.objects.get(pk=question.pk).favorite_count == 0


# Deleting.


def test_deleting_an_answer_voids_its_reputation_and_undeleting_restores_it(site) -> None:
    asker, helper, voter = user("Asker"), user("Helper"), user("Voter", 15)
    question = old_question(asker)
    answer = factories.post_answer(question, helper, BODY)
    actions.check_vote(actor=voter, post_id=answer.pk, vote="up")
    actions.check_delete_post(actor=helper, post_id=answer.pk)
    assert Post.objects.get(pk=question.pk).answer_count == 0
    assert fresh(helper).reputation == 1
    assert ReputationEvent.objects.get().voided
    with pytest.raises(NotFound):
        actions.check_vote(actor=voter, post_id=answer.pk, vote=None)
    with pytest.raises(PrivilegeRequired, match="20000 reputation"):
        actions.check_undelete_post(actor=voter, post_id=answer.pk)
    actions.check_undelete_post(actor=helper, post_id=answer.pk)
    assert fresh(helper).reputation == 11
    assert Post.objects.get(pk=question.pk).answer_count == 1
    assert bookkeeping.recompute(site=site) == []


def test_own_deletion_limits_and_trusted_users(site) -> None:
    asker, helper, voter = user("Asker"), user("Helper"), user("Voter", 15)
    trusted = user("Trusted", 20000)
    question = old_question(asker, tags="brewing")
    answer = factories.post_answer(question, helper, BODY)
    actions.check_vote(actor=voter, post_id=answer.pk, vote="up")
    with pytest.raises(NotAllowed, match="invested time and effort"):
        actions.check_delete_post(actor=asker, post_id=question.pk)
    actions.check_accept(actor=asker, answer_id=answer.pk)
    with pytest.raises(NotAllowed, match="accepted answer"):
        actions.check_delete_post(actor=helper, post_id=answer.pk)
    with pytest.raises(PrivilegeRequired):
        actions.check_delete_post(actor=voter, post_id=question.pk)
    actions.check_delete_post(actor=trusted, post_id=question.pk)
    assert Tag.objects.get(name="brewing").count == 0
    assert (fresh(helper).reputation, fresh(asker).reputation) == (1, 1)
    with pytest.raises(NotAllowed, match="20000 reputation"):
        actions.check_undelete_post(actor=asker, post_id=question.pk)
    actions.check_undelete_post(actor=trusted, post_id=question.pk)
    assert (fresh(helper).reputation, fresh(asker).reputation) == (26, 3)
    assert Tag.objects.get(name="brewing").count == 1


def test_reputation_check_finds_and_fixes_differences(site) -> None:
    asker, voter = user("Asker"), user("Voter", 15)
    question = old_question(asker)
    actions.check_vote(actor=voter, post_id=question.pk, vote="up")
    SiteUser.objects.filter(pk=asker.pk).update(reputation=500)
    [difference] = bookkeeping.recompute(site=site)
    assert (difference.user_id, difference.stored, difference.expected) == (asker.pk, 500, 11)
    assert bookkeeping.fix([difference], site=site) == 1
    assert fresh(asker).reputation == 11
    assert bookkeeping.recompute(site=site) == []
