"""Editing a post, rolling it back, deleting and undeleting it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pnyx.errors import NotFound, PnyxError
from pnyx.posts import actions, privileges, rules
from pnyx.posts.models import Post, PostType
from pnyx.web.actor import require_actor, site_of
from pnyx.web.views.asking import question_url


def post_url(post: Post, *, site: object) -> str:
    """Where a question or answer is shown: its question's page (at the answer's anchor)."""
    if post.post_type == PostType.QUESTION:
        return question_url(post.pk, post.title)
    question = Post.objects.filter(pk=post.parent_id or 0).only("id", "title").first()
    if question is None:
        raise Http404("no such question")
    return f"{question_url(question.pk, question.title)}#{post.pk}"


def _editable(post_id: int, request: HttpRequest) -> Post:
    try:
        return actions.access_post(post_id, site=site_of(request))
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """`/posts/ID/edit`: the post's title, body and tags in a form, with an edit summary; the form
    carries the revision it started from, so an edit over a newer one is refused."""
    post = _editable(post_id, request)
    site = site_of(request)
    is_question = post.post_type == PostType.QUESTION
    error: PnyxError | None = None
    if request.method == "POST":
        actor = require_actor(request, "edit")
        form = {
            "title": request.POST.get("title", ""),
            "body": request.POST.get("body", ""),
            "tags": request.POST.get("tags", ""),
            "summary": request.POST.get("summary", ""),
            "revision": request.POST.get("revision", ""),
        }
        base = int(form["revision"]) if form["revision"].isdigit() else None
        try:
            edited = actions.check_edit_post(
                actor=actor,
                post_id=post.pk,
                title=form["title"] if is_question else None,
                body=form["body"],
                tags=form["tags"] if is_question else None,
                summary=form["summary"],
                base_revision=base,
            )
        except PnyxError as exc:
            error = exc
        else:
            return HttpResponseRedirect(post_url(edited, site=site))
    else:
        require_actor(request, "edit")
        form = {
            "title": post.title or "",
            "body": post.body_markdown or "",
            "tags": post.tags,
            "summary": "",
            "revision": str(actions.current_revision(post.pk, site=site)),
        }
    return render(
        request,
        "pnyx/edit.html",
        {
            "post": post,
            "is_question": is_question,
            "form": form,
            "error": error,
            "limits": rules,
            "post_url": post_url(post, site=site),
            "edit_needs": privileges.reputation_needed(privileges.EDIT_FREELY, site),
        },
        status=error.status if error else 200,
    )


@require_POST
def rollback(request: HttpRequest, post_id: int) -> HttpResponse:
    """Roll back to the revision named by the form's `revision_guid`."""
    actor = require_actor(request, "roll back edits")
    base = request.POST.get("revision", "")
    post = actions.check_rollback(
        actor=actor,
        post_id=post_id,
        revision_guid=request.POST.get("revision_guid", ""),
        base_revision=int(base) if base.isdigit() else None,
    )
    return HttpResponseRedirect(reverse("revisions", args=[post.pk]))


@require_POST
def delete(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = require_actor(request, "delete posts")
    post = actions.check_delete_post(actor=actor, post_id=post_id)
    if post.post_type == PostType.ANSWER:
        return HttpResponseRedirect(post_url(post, site=site_of(request)))
    return HttpResponseRedirect(question_url(post.pk, post.title))


@require_POST
def undelete(request: HttpRequest, post_id: int) -> HttpResponse:
    actor = require_actor(request, "undelete posts")
    post = actions.check_undelete_post(actor=actor, post_id=post_id)
    return HttpResponseRedirect(post_url(post, site=site_of(request)))
