"""A post's revisions: every edit with its diff, and the closures, locks and migrations between."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from pnyx.posts.actions import current_revision
from pnyx.posts.models import PostType
from pnyx.posts.selectors import post_revisions
from pnyx.posts.slugs import slugify_title
from pnyx.web import params
from pnyx.web.actor import reader, site_of
from pnyx.web.viewer import Viewer

VIEW_MODES = (("inline", "Inline"), ("sidebyside", "Side by side"))


def revisions(request: HttpRequest, post_id: int) -> HttpResponse:
    found = post_revisions(post_id)
    if found is None:
        raise Http404("no such post")
    mode = params.choice(request, "view", tuple(key for key, _ in VIEW_MODES))
    base = reverse("revisions", args=[found.post.id])
    if found.question is not None:
        post_url = reverse(
            "question", args=[found.question.id, slugify_title(found.question.title) or "-"]
        )
        if found.post.post_type == PostType.ANSWER:
            post_url += f"#{found.post.id}"
    elif found.tag is not None:
        post_url = f"{reverse('site_home')}tags/{found.tag.name}/info"
    else:
        post_url = ""
    user = reader(request)
    can_rollback = (
        user is not None
        and found.post.post_type in (PostType.QUESTION, PostType.ANSWER)
        and Viewer(site=site_of(request), user=user, signed_in=True).can_edit(found.post)
    )
    return render(
        request,
        "pnyx/revisions.html",
        {
            "can_rollback": can_rollback,
            "current_revision": current_revision(found.post.pk, site=site_of(request))
            if can_rollback
            else None,
            "history": found,
            "post": found.post,
            "revisions": list(reversed(found.revisions)),
            "revision_count": sum(1 for r in found.revisions if r.number is not None),
            "mode": mode,
            "modes": [
                (label, base + ("" if key == "inline" else f"?view={key}"), key == mode)
                for key, label in VIEW_MODES
            ],
            "post_url": post_url,
        },
    )
