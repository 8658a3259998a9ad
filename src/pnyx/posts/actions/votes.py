"""Votes, accepted answers and bookmarks, with the reputation each one moves.

Rows go where a dump keeps them: up and down votes are `Votes` rows of type 2 and 3, an
acceptance a row of type 1, a bookmark a row of type 5 (Stack Exchange's "favorite"); the export
leaves out who cast up, down and accept votes, as Stack Exchange's dumps do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from pnyx.errors import NotAllowed, RateLimited, ValidationError
from pnyx.events import ACCEPT, BOOKMARK, VOTE, send_event_on_commit
from pnyx.network.models import Site
from pnyx.posts import privileges
from pnyx.posts import reputation as points
from pnyx.posts.actions import reputation
from pnyx.posts.actions.common import (
    access_post,
    bump,
    bump_score,
    check_not_locked,
    current_site,
    lock_question_of,
    lock_users,
    now,
    question_id_of,
    site_transaction,
)
from pnyx.posts.models import Post, PostType, ReputationKind, SiteUser, Vote, VoteType

UP, DOWN = "up", "down"
VOTE_TYPES = {UP: VoteType.UP, DOWN: VoteType.DOWN}
# A vote can be changed or taken back within this time, later only once the post is edited.
VOTE_CHANGE_WINDOW = timedelta(minutes=5)
# Votes a person may cast in a day (UTC); the last of them on questions only.
DAILY_VOTES = 40
DAILY_VOTES_ON_ANSWERS = 30
# The asker may accept an answer this long after asking; their own answer only after longer.
ACCEPT_AFTER = timedelta(minutes=15)
ACCEPT_OWN_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class VoteState:
    """A post's score after a vote, and the voter's vote on it (`up`, `down` or None); `post`
    is the post as read before the vote (with its question as `parent` for an answer)."""

    post_id: int
    score: int
    vote: str | None
    post: Post | None = None


def _vote_name(vote_type: int | None) -> str | None:
    return {VoteType.UP: UP, VoteType.DOWN: DOWN}.get(vote_type)  # type: ignore[call-overload]


def check_vote(
    *, actor: SiteUser, post_id: int, vote: str | None, site: Site | None = None
) -> VoteState:
    """Make `actor`'s vote on a question or answer `vote` (`up`, `down`, or None to take it back).

    Stack Exchange's rules: no voting on one's own posts or on locked posts; up needs the vote
    up privilege and down the vote down one; a vote may change within 5 minutes, later only if
    the post was edited since; 40 votes a day, the last 10 on questions. Locks the post, then the
    author's and the voter's rows (ascending ids).
    """
    site = site or current_site()
    if vote not in (UP, DOWN, None):
        raise ValidationError("A vote is up, down, or none.")
    with site_transaction(site):
        post = access_post(post_id, site=site, lock=True)
        current = next(
            iter(
                Vote.objects.raw(
                    "SELECT id, post_id, user_id, vote_type, creation_date FROM votes "
                    "WHERE post_id = %s AND user_id = %s AND vote_type IN (%s, %s) "
                    "ORDER BY creation_date DESC, id DESC LIMIT 1",
                    [post.pk, actor.pk, VoteType.UP, VoteType.DOWN],
                    using=site.db_alias,
                )
            ),
            None,
        )
        if _vote_name(current.vote_type if current else None) == vote:
            return VoteState(post.pk, post.score, vote, post)
        if post.owner_id is not None and post.owner_id == actor.pk:
            raise NotAllowed("You can't vote for your own post.", code="own_post")
        check_not_locked(post, what="voted on")
        if vote == UP:
            privileges.check_privilege(actor, privileges.VOTE_UP, site)
        elif vote == DOWN:
            privileges.check_privilege(actor, privileges.VOTE_DOWN, site)
        if current is not None:
            _check_vote_change(current, post)
        if vote is not None and current is None:
            _check_daily_votes(actor, post, site=site)
        return do_vote(post=post, voter=actor, current=current, vote=vote, site=site)


def _check_vote_change(current: Vote, post: Post) -> None:
    if now() - current.creation_date <= VOTE_CHANGE_WINDOW:
        return
    if post.last_edit_date is not None and post.last_edit_date > current.creation_date:
        return
    minutes = int((now() - current.creation_date).total_seconds() // 60)
    raise NotAllowed(
        f"You last voted on this post {minutes} minutes ago. Your vote is now locked in unless "
        "this post is edited.",
        code="vote_locked",
    )


def _check_daily_votes(actor: SiteUser, post: Post, *, site: Site) -> None:
    day_start = now().replace(hour=0, minute=0, second=0, microsecond=0)
    connection = connections[site.db_alias]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM votes WHERE user_id = %s AND vote_type IN (%s, %s) "
            "AND creation_date >= %s",
            [
                actor.pk,
                VoteType.UP,
                VoteType.DOWN,
                connection.ops.adapt_datetimefield_value(day_start),
            ],
        )
        cast = int(cursor.fetchone()[0])
    if cast >= DAILY_VOTES:
        raise RateLimited(
            f"You have cast your {DAILY_VOTES} votes for today; more tomorrow (UTC).",
            retry_after=int((day_start + timedelta(days=1) - now()).total_seconds()),
        )
    if post.post_type == PostType.ANSWER and cast >= DAILY_VOTES_ON_ANSWERS:
        raise RateLimited(
            f"You have cast {cast} votes today; the remaining {DAILY_VOTES - cast} are for "
            "questions only.",
            retry_after=int((day_start + timedelta(days=1) - now()).total_seconds()),
        )


def do_vote(
    *,
    post: Post,
    voter: SiteUser,
    current: Vote | None,
    vote: str | None,
    site: Site,
    at: datetime | None = None,
) -> VoteState:
    """Replace `voter`'s vote `current` on `post` by `vote`: the vote rows, the score, the voter's
    vote counts and both users' reputation; queue `vote`."""
    alias = site.db_alias
    when = now(at)
    # Community wiki posts earn their authors no reputation.
    owner_id = post.owner_id if post.community_owned_date is None else None
    with site_transaction(site):
        lock_users([owner_id, voter.pk], site=site)
        delta = 0
        connection = connections[alias]
        if current is not None:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM votes WHERE id = %s", [current.pk])
            reputation.remove_for_vote(current.pk, site=site)
            delta -= 1 if current.vote_type == VoteType.UP else -1
            _count_vote(voter, current.vote_type, -1, site=site)
        if vote is not None:
            vote_type = VOTE_TYPES[vote]
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO votes (post_id, user_id, vote_type, creation_date) "
                    "VALUES (%s, %s, %s, %s) RETURNING id",
                    [
                        post.pk,
                        voter.pk,
                        int(vote_type),
                        connection.ops.adapt_datetimefield_value(when),
                    ],
                )
                vote_id = int(cursor.fetchone()[0])
            delta += 1 if vote == UP else -1
            _count_vote(voter, vote_type, 1, site=site)
            grants = []
            if owner_id is not None and vote == UP:
                grants.append(
                    reputation.Grant(
                        owner_id,
                        ReputationKind.UP_VOTE,
                        points.up_vote_points(post.post_type),
                        post.pk,
                        vote_id,
                    )
                )
            elif owner_id is not None:
                grants.append(
                    reputation.Grant(
                        owner_id, ReputationKind.DOWN_VOTE, points.DOWN_VOTE, post.pk, vote_id
                    )
                )
            if vote == DOWN and post.post_type == PostType.ANSWER:
                grants.append(
                    reputation.Grant(
                        voter.pk,
                        ReputationKind.DOWN_VOTE_CAST,
                        points.DOWN_VOTE_CAST_ON_ANSWER,
                        post.pk,
                        vote_id,
                    )
                )
            reputation.record(grants, at=when, site=site)
        bump_score(post.pk, delta, site=site)
        score = post.score + delta
        send_event_on_commit(
            site,
            VOTE,
            post_id=post.pk,
            question_id=question_id_of(post),
            user_id=voter.pk,
            vote=vote,
            score=score,
        )
    return VoteState(post.pk, score, vote, post)


def _count_vote(voter: SiteUser, vote_type: int, step: int, *, site: Site) -> None:
    column = "up_votes" if vote_type == VoteType.UP else "down_votes"
    with connections[site.db_alias].cursor() as cursor:
        cursor.execute(f"UPDATE users SET {column} = {column} + %s WHERE id = %s", [step, voter.pk])


# Accepting.


@dataclass(frozen=True)
class AcceptState:
    question_id: int
    accepted_answer_id: int | None


def check_accept(
    *, actor: SiteUser, answer_id: int, accept: bool = True, site: Site | None = None
) -> AcceptState:
    """Accept an answer (or, with `accept=False`, take the acceptance back), as the asker.

    Locks the question, then the answers concerned (the one accepted before, if any, and this
    one, by ascending id), then the users whose reputation changes.
    """
    site = site or current_site()
    with site_transaction(site):
        answer = access_post(answer_id, site=site, types=[PostType.ANSWER])
        question = lock_question_of(answer, site=site)
        if question.owner_id is None or question.owner_id != actor.pk:
            raise NotAllowed(
                "Only the person who asked the question can accept an answer.", code="not_asker"
            )
        check_not_locked(question, what="changed")
        ids = sorted({answer.pk, *([question.accepted_answer_id or answer.pk] if accept else [])})
        locked = {
            post.pk: post
            for post in Post.objects.using(site.db_alias)
            .select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
        }
        answer = locked[answer.pk]
        if accept and question.accepted_answer_id != answer.pk:
            age = now() - question.creation_date
            if age < ACCEPT_AFTER:
                minutes = max(1, int((ACCEPT_AFTER - age).total_seconds() // 60) + 1)
                raise NotAllowed(
                    f"You can accept an answer {int(ACCEPT_AFTER.total_seconds() // 60)} minutes "
                    f"after asking; try again in {minutes} minute{'s' if minutes > 1 else ''}.",
                    code="too_soon",
                )
            if answer.owner_id == actor.pk and age < ACCEPT_OWN_AFTER:
                raise NotAllowed(
                    "You can accept your own answer 2 days after asking.", code="too_soon"
                )
        if not accept:
            if question.accepted_answer_id != answer.pk:
                return AcceptState(question.pk, question.accepted_answer_id)
            return do_accept(
                question=question, answer=None, previous=answer, actor=actor, site=site
            )
        previous = locked.get(question.accepted_answer_id or 0)
        return do_accept(
            question=question, answer=answer, previous=previous, actor=actor, site=site
        )


def do_accept(
    *,
    question: Post,
    answer: Post | None,
    previous: Post | None,
    actor: SiteUser,
    site: Site,
    at: datetime | None = None,
) -> AcceptState:
    """Move the question's acceptance from `previous` (if any) to `answer` (None: to no answer),
    with the acceptance vote rows and the +15 and +2 reputation; queue `accept`."""
    alias = site.db_alias
    when = now(at)
    if previous is not None and answer is not None and previous.pk == answer.pk:
        return AcceptState(question.pk, answer.pk)
    with site_transaction(site):
        owners = [p.owner_id for p in (previous, answer) if p is not None]
        lock_users([*owners, actor.pk], site=site)
        if previous is not None:
            votes = Vote.objects.using(alias).filter(
                post_id=previous.pk, vote_type=VoteType.ACCEPTED
            )
            vote_ids = list(votes.values_list("pk", flat=True))
            votes.delete()
            reputation.remove(
                Q(vote_id__in=vote_ids)
                | Q(
                    post_id=previous.pk, kind__in=[ReputationKind.ACCEPTED, ReputationKind.ACCEPTER]
                ),
                site=site,
            )
            bump(previous.pk, site=site)
        if answer is not None:
            row = Vote.objects.using(alias).create(
                post_id=answer.pk, user_id=actor.pk, vote_type=VoteType.ACCEPTED, creation_date=when
            )
            grants = []
            if answer.owner_id is not None and answer.owner_id != actor.pk:
                if answer.community_owned_date is None:
                    grants.append(
                        reputation.Grant(
                            answer.owner_id,
                            ReputationKind.ACCEPTED,
                            points.ACCEPTED,
                            answer.pk,
                            row.pk,
                        )
                    )
                grants.append(
                    reputation.Grant(
                        actor.pk, ReputationKind.ACCEPTER, points.ACCEPTER, answer.pk, row.pk
                    )
                )
            reputation.record(grants, at=when, site=site)
            bump(answer.pk, site=site)
        accepted_id = answer.pk if answer is not None else None
        bump(question.pk, site=site, accepted_answer_id=accepted_id)
        send_event_on_commit(
            site,
            ACCEPT,
            question_id=question.pk,
            answer_id=accepted_id,
            previous_answer_id=previous.pk if previous is not None else None,
            user_id=actor.pk,
        )
    return AcceptState(question.pk, accepted_id)


# Bookmarks.


def check_bookmark(
    *, actor: SiteUser, question_id: int, bookmarked: bool, site: Site | None = None
) -> bool:
    """Bookmark a question (or remove the bookmark); returns whether it is bookmarked now.
    Locks the question."""
    site = site or current_site()
    with site_transaction(site):
        question = access_post(question_id, site=site, lock=True, types=[PostType.QUESTION])
        return do_bookmark(question=question, actor=actor, bookmarked=bookmarked, site=site)


def do_bookmark(*, question: Post, actor: SiteUser, bookmarked: bool, site: Site) -> bool:
    alias = site.db_alias
    with site_transaction(site):
        existing = Vote.objects.using(alias).filter(
            post_id=question.pk, user_id=actor.pk, vote_type=VoteType.FAVORITE
        )
        has = existing.exists()
        if bookmarked and not has:
            Vote.objects.using(alias).create(
                post_id=question.pk,
                user_id=actor.pk,
                vote_type=VoteType.FAVORITE,
                creation_date=now(),
            )
            bump(question.pk, site=site, favorite_count=Coalesce(F("favorite_count"), 0) + 1)
        elif not bookmarked and has:
            existing.delete()
            bump(question.pk, site=site, favorite_count=Coalesce(F("favorite_count"), 1) - 1)
        if bookmarked != has:
            send_event_on_commit(
                site, BOOKMARK, post_id=question.pk, user_id=actor.pk, bookmarked=bookmarked
            )
    return bookmarked
