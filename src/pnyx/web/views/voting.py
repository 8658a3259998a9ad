"""Votes, acceptances, bookmarks and comment votes: small forms that change a page in place.

Each form works without JavaScript (the answer is a redirect back to the post); with htmx the
answer is the changed part of the page, rendered from what the domain returned.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from pnyx.errors import ValidationError
from pnyx.posts import actions
from pnyx.posts.models import Post, PostType, SiteUser
from pnyx.posts.reader_selectors import reader_state
from pnyx.web.actor import require_actor, site_of
from pnyx.web.errors import is_htmx
from pnyx.web.personal import facts, personal_for
from pnyx.web.viewer import Viewer
from pnyx.web.views.editing import post_url

VOTE_VALUES = {"up": "up", "down": "down", "none": None}


def _flag(request: HttpRequest, name: str) -> bool:
    value = request.POST.get(name, "")
    if value not in ("0", "1"):
        raise ValidationError(f"{name} must be 0 or 1.")
    return value == "1"


def _back(request: HttpRequest, post_id: int) -> HttpResponse:
    post = Post.objects.filter(pk=post_id).only("id", "post_type", "parent_id", "title").first()
    if post is None:
        return HttpResponseRedirect("/")
    return HttpResponseRedirect(post_url(post, site=site_of(request)))


def _vote_cell(request: HttpRequest, post_id: int) -> HttpResponse:
    from pnyx.web.views.questions import vote_cell

    return vote_cell(request, post_id)


@require_POST
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    """`/posts/ID/vote`, with `vote` = up, down or none."""
    actor = require_actor(request, "vote")
    wanted = request.POST.get("vote", "")
    if wanted not in VOTE_VALUES:
        raise ValidationError("A vote is up, down or none.")
    state = actions.check_vote(actor=actor, post_id=post_id, vote=VOTE_VALUES[wanted])
    if not is_htmx(request):
        return _back(request, post_id)
    return _voted_cell(request, actor, state)


def _voted_cell(request: HttpRequest, actor: SiteUser, state: actions.VoteState) -> HttpResponse:
    """The vote column after a vote, from what the action read and wrote (no query, but the
    reader's bookmark for a question's column)."""
    post = state.post
    if post is None:
        return _vote_cell(request, state.post_id)
    question = post if post.post_type == PostType.QUESTION else post.parent
    viewer = Viewer(
        site=site_of(request),
        user=actor,
        signed_in=True,
        question_owner_id=question.owner_id if question is not None else None,
    )
    if post.post_type == PostType.QUESTION:
        viewer.state = reader_state(actor.pk, [post.pk])
    viewer.state.votes.pop(post.pk, None)
    if state.vote is not None:
        viewer.state.votes[post.pk] = state.vote
    personal = personal_for(
        request,
        viewer,
        accepted_answer_id=question.accepted_answer_id if question is not None else None,
    )
    return HttpResponse(personal.vote_cell(replace(facts(post), score=state.score)))


@require_POST
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    """`/posts/ID/accept`, with `accept` = 1 or 0: the asker accepts this answer or takes it back.
    With htmx, the whole answer list changes (the accepted answer moves to the top)."""
    actor = require_actor(request, "accept an answer")
    state = actions.check_accept(actor=actor, answer_id=post_id, accept=_flag(request, "accept"))
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return _back(request, state.accepted_answer_id or post_id)


@require_POST
def bookmark(request: HttpRequest, post_id: int) -> HttpResponse:
    """`/posts/ID/bookmark`, with `bookmark` = 1 or 0."""
    actor = require_actor(request, "bookmark questions")
    actions.check_bookmark(actor=actor, question_id=post_id, bookmarked=_flag(request, "bookmark"))
    return _vote_cell(request, post_id) if is_htmx(request) else _back(request, post_id)


@require_POST
def comment_vote(request: HttpRequest, comment_id: int) -> HttpResponse:
    """`/posts/comments/ID/vote`, with `up` = 1 or 0."""
    from pnyx.posts.models import Comment

    actor = require_actor(request, "vote on comments")
    up = _flag(request, "up")
    score = actions.check_vote_comment(actor=actor, comment_id=comment_id, up=up)
    comment = Comment.objects.filter(pk=comment_id).only("id", "post_id", "user_id").first()
    if comment is None:
        return HttpResponseRedirect("/")
    if is_htmx(request):
        viewer = Viewer(site=site_of(request), user=actor, signed_in=True)
        if up:
            viewer.state.comment_votes.add(comment_id)
        personal = personal_for(request, viewer)
        return HttpResponse(personal.comment_controls(comment_id, comment.user_id, score))
    return _back(request, comment.post_id)
