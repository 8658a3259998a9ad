"""Asking a question and answering one: the forms, and what they send to the domain."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from pnyx.errors import PnyxError
from pnyx.posts import actions, privileges, rules
from pnyx.posts.slugs import slugify_title
from pnyx.web.actor import reader, require_actor, site_of


def question_url(question_id: int, title: str | None) -> str:
    return reverse("question", args=[question_id, slugify_title(title) or "-"])


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """`/questions/ask`: the form, and on POST the new question (or the form again, with the
    error and everything typed)."""
    form = {
        "title": request.POST.get("title", ""),
        "body": request.POST.get("body", ""),
        "tags": request.POST.get("tags", ""),
    }
    error: PnyxError | None = None
    if request.method == "POST":
        actor = require_actor(request, "ask a question")
        try:
            question = actions.check_ask_question(
                actor=actor, title=form["title"], body=form["body"], tags=form["tags"]
            )
        except PnyxError as exc:
            error = exc
        else:
            return HttpResponseRedirect(question_url(question.pk, question.title))
    user = reader(request)
    return render(
        request,
        "pnyx/ask.html",
        {
            "form": form,
            "error": error,
            "limits": rules,
            "can_create_tags": privileges.has_privilege(
                user, privileges.CREATE_TAGS, site_of(request)
            ),
            "create_tags_reputation": privileges.reputation_needed(
                privileges.CREATE_TAGS,
                site_of(request),
            ),
        },
        status=error.status if error else 200,
    )


@require_POST
def answer(request: HttpRequest, question_id: int) -> HttpResponse:
    """`/questions/ID/answer/submit`: post an answer, then show it in its thread; on an error,
    the question page again with the answer form keeping the text."""
    actor = require_actor(request, "answer")
    body = request.POST.get("body", "")
    try:
        posted = actions.check_post_answer(actor=actor, question_id=question_id, body=body)
    except PnyxError as exc:
        from pnyx.web.views.thread import question_page_with_error

        return question_page_with_error(request, question_id, answer_body=body, error=exc)
    question = actions.access_post(question_id, site=site_of(request))
    return HttpResponseRedirect(f"{question_url(question.pk, question.title)}#{posted.pk}")
