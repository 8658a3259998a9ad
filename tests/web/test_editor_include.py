"""The editor include without JavaScript: a labelled textarea holding the text, safely escaped."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import override_settings

from pnyx.sites.paths import SITE_URLCONF


@override_settings(ROOT_URLCONF=SITE_URLCONF)
def test_a_labelled_textarea_with_the_value_escaped() -> None:
    html = render_to_string(
        "pnyx/editor.html",
        {
            "name": "body",
            "label": "Your answer",
            "value": "\nfirst line</textarea><script>alert(1)</script>",
            "draft_key": "answer-7",
            "help": "Markdown",
            "error": "Too short",
            "described_by": "body-rules",
        },
    )
    assert '<label class="editor-label" id="id_body-label" for="id_body">' in html
    assert 'id="id_body" name="body" rows="15" required' in html
    assert 'aria-describedby="id_body-help id_body-error body-rules"' in html
    assert 'aria-invalid="true"' in html
    # The parser drops the line break that follows <textarea>, so the value's own one stays.
    assert ">\n\nfirst line&lt;/textarea&gt;&lt;script&gt;" in html
    assert "<script>" not in html
    assert 'data-preview-url="/posts/preview"' in html
    assert 'data-draft-key="answer-7"' in html


@override_settings(ROOT_URLCONF=SITE_URLCONF)
def test_an_id_of_ones_own() -> None:
    html = render_to_string("pnyx/editor.html", {"name": "text", "label": "Body", "id": "q-body"})
    assert 'for="q-body"' in html and 'id="q-body" name="text"' in html
    assert "aria-describedby" not in html and 'data-draft-key=""' in html
