"""Adding and deleting comments, and the `@name` autocomplete of the comment form."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from pnyx.errors import NotFound, PnyxError
from pnyx.posts import actions
from pnyx.posts.mention_selectors import thread_participants
from pnyx.posts.models import Comment, Post
from pnyx.render.mentions import MIN_MENTION_LENGTH, normalise_name
from pnyx.web.actor import require_actor, site_of
from pnyx.web.errors import is_htmx
from pnyx.web.views.editing import post_url

MENTION_SUGGESTIONS = 8


def add(request: HttpRequest, post_id: int) -> HttpResponse:
    """POST `/posts/ID/comments`: add a comment. With htmx the answer is the post's whole comment
    list with an empty form; without, the post's page, or on an error the form again."""
    actor = require_actor(request, "comment")
    text = request.POST.get("text", "")
    try:
        comment = actions.check_add_comment(actor=actor, post_id=post_id, text=text)
    except PnyxError as exc:
        if is_htmx(request):
            raise
        return _comment_form_page(request, post_id, text=text, error=exc)
    if is_htmx(request):
        from pnyx.web.views.questions import comments_fragment

        return comments_fragment(request, post_id, focus=comment.pk)
    post = Post.objects.get(pk=post_id)
    return HttpResponseRedirect(
        post_url(post, site=site_of(request)).split("#")[0] + f"#comment-{comment.pk}"
    )


def _comment_form_page(
    request: HttpRequest, post_id: int, *, text: str, error: PnyxError
) -> HttpResponse:
    try:
        post = actions.access_post(post_id, site=site_of(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return render(
        request,
        "pnyx/comment_form_page.html",
        {
            "post": post,
            "text": text,
            "error": error,
            "post_url": post_url(post, site=site_of(request)),
        },
        status=error.status,
    )


@require_POST
def delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    """POST `/posts/comments/ID/delete`: delete one's own comment."""
    actor = require_actor(request, "delete comments")
    comment = Comment.objects.filter(pk=comment_id).only("id", "post_id").first()
    actions.check_delete_comment(actor=actor, comment_id=comment_id)
    assert comment is not None  # the action found it
    if is_htmx(request):
        from pnyx.web.views.questions import comments_fragment

        return comments_fragment(request, comment.post_id)
    post = Post.objects.get(pk=comment.post_id)
    return HttpResponseRedirect(post_url(post, site=site_of(request)))


@require_GET
def mention_candidates(request: HttpRequest, post_id: int) -> HttpResponse:
    """GET `/posts/ID/mentions?q=...`: the people an `@name` in a new comment on this post can
    reach, whose names start with `q` (spaces and case ignored), in the rule's priority."""
    try:
        post = actions.access_post(post_id, site=site_of(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    wanted = normalise_name(request.GET.get("q", "").lstrip("@"))[:100]
    people = [
        p
        for p in thread_participants(post, site=site_of(request))
        if p.normalised_name.startswith(wanted)
    ][:MENTION_SUGGESTIONS]
    return JsonResponse(
        {
            "min_length": MIN_MENTION_LENGTH,
            "people": [
                {"name": p.display_name, "mention": "@" + p.display_name.replace(" ", "")}
                for p in people
            ],
        }
    )
