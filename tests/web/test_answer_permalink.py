"""Stack Exchange's answer permalink, `/questions/QID/slug/AID#AID`, reaches the answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pnyx.posts.models import Comment, Post
from pnyx.posts.slugs import slugify_title
from pnyx.sites.context import activated

PERMALINK_RE = re.compile(r'href="(/beer/questions/(\d+)/[^/"#]+/(\d+))(?:#\d+)?"')


def test_the_beer_dumps_answer_permalinks_reach_their_answers(client, beer) -> None:  # type: ignore[no-untyped-def]
    with activated(beer):
        html = [c.text_html for c in Comment.objects.filter(text_html__contains="/questions/")]
        html += [p.body_html for p in Post.objects.filter(body_html__contains="/questions/")]
        links = {m.groups() for text in html for m in PERMALINK_RE.finditer(text or "")}
        titles = dict(
            Post.objects.filter(pk__in=[int(q) for _, q, _ in links]).values_list("id", "title")
        )
    assert len(links) >= 7  # 4 in comments, 3 in answers
    for link, question_id, answer_id in links:
        response = client.get(link)
        assert response.status_code == 301, link
        canonical = f"/beer/questions/{question_id}/{slugify_title(titles[int(question_id)])}"
        assert response["Location"] == f"{canonical}#{answer_id}"
        page = client.get(canonical)
        assert page.status_code == 200
        assert f'id="{answer_id}"' in page.content.decode()


def test_a_permalink_to_an_answer_elsewhere_or_deleted_is_not_found(client, community) -> None:  # type: ignore[no-untyped-def]
    built = community(2)
    prefix = built.site.url_prefix
    first, second = built.questions
    answer = built.answers[0]  # on the first question
    assert client.get(f"{prefix}/questions/{first.id}/any-slug/{answer.id}").status_code == 301
    assert client.get(f"{prefix}/questions/{second.id}/any-slug/{answer.id}").status_code == 404
    assert client.get(f"{prefix}/questions/{first.id}/any-slug/{second.id}").status_code == 404
    assert client.get(f"{prefix}/questions/{first.id}/any-slug/99999999").status_code == 404
    with activated(built.site):
        Post.objects.filter(pk=answer.pk).update(deletion_date=datetime.now(UTC))
    assert client.get(f"{prefix}/questions/{first.id}/any-slug/{answer.id}").status_code == 404
