"""The editor's live preview: a post body rendered by the renderer that will store it.

The editor (`pnyx/editor.html`, `pnyx/editor.js`) posts the text as it is typed, debounced, and
shows the fragment it gets back, so the preview is exactly what the saved post will show: the same
Markdown parser, the same sanitiser, the same local-link rewriting for this site. The request is
a POST with Django's CSRF token, so no other site can use a reader's browser to render through
Pnyx, and the text is bounded by the body limit; anything else (an empty text, odd characters)
simply renders.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from pnyx.posts.rules import BODY_MAX
from pnyx.render.markdown import render_post
from pnyx.sites.context import active_site
from pnyx.sites.paths import link_context

TEXT_FIELD = "text"


@require_POST
def post_preview(request: HttpRequest) -> HttpResponse:
    text = request.POST.get(TEXT_FIELD, "")
    if len(text) > BODY_MAX:
        html = (
            '<p class="editor-preview-error">'
            + escape(f"The body is limited to {BODY_MAX} characters; this one has {len(text)}.")
            + "</p>"
        )
        status = 400
    else:
        html = render_post(text, link_context(active_site()))
        status = 200
    response = HttpResponse(html, content_type="text/html; charset=utf-8", status=status)
    response["Cache-Control"] = "no-store"
    return response
