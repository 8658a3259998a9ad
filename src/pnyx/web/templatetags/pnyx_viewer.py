"""Template tags for the reader's own parts of a page (see `pnyx.web.personal`): the page's
context carries `personal`, built by the view for this request."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from pnyx.posts.models import Comment, Post
from pnyx.web.personal import Personal, facts

register = template.Library()


def _personal(context: template.Context) -> Personal:
    personal: Personal = context["personal"]
    return personal


@register.simple_tag(takes_context=True)
def vote_cell(context: template.Context, post: Post) -> SafeString:
    return mark_safe(_personal(context).vote_cell(facts(post)))


@register.simple_tag(takes_context=True)
def post_menu_items(context: template.Context, post: Post) -> SafeString:
    return mark_safe(_personal(context).menu_items(facts(post)))


@register.simple_tag(takes_context=True)
def comment_controls(context: template.Context, comment: Comment) -> SafeString:
    personal = _personal(context)
    return mark_safe(personal.comment_controls(comment.pk, comment.user_id, comment.score))


@register.simple_tag(takes_context=True)
def comment_delete(context: template.Context, comment: Comment) -> SafeString:
    personal = _personal(context)
    return mark_safe(personal.comment_delete(comment.pk, comment.user_id, comment.post_id))


@register.simple_tag(takes_context=True)
def comment_compose(context: template.Context, post: Post) -> SafeString:
    personal = _personal(context)
    viewer = getattr(personal, "viewer", None)
    owner_id = viewer.question_owner_id if viewer is not None else None
    return mark_safe(personal.comment_compose(facts(post), question_owner_id=owner_id))


@register.simple_tag(takes_context=True)
def undelete_form(context: template.Context, post: Post) -> SafeString:
    return mark_safe(_personal(context).undelete_form(facts(post)))


@register.simple_tag(takes_context=True)
def login_url(context: template.Context) -> str:
    """The log-in page, coming back to this page afterwards."""
    from pnyx.web.errors import login_url as url

    request = context.get("request")
    if request is None:
        return "/users/login"
    return url(request, back=request.get_full_path())
