"""A tag the rule refuses, stored by an import from before the importer checked tag names, must
not fail the pages that list it: its links are made (percent-encoded) and lead to a 404."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from tests import factories

from pnyx.posts.models import HistoryType, Post, PostHistory, PostTag, Tag
from pnyx.posts.slugs import slugify_name, slugify_title
from pnyx.sites.context import activated

BODY = "This body is long enough to pass the thirty character minimum of a post."
ODD = ["odd/tag", "odd%2ftag", "Odd Tag?", "-odd#"]


@pytest.fixture
def odd_site(make_site):  # type: ignore[no-untyped-def]
    site = make_site()
    with activated(site):
        asker = factories.create_user("Odd Asker", at=datetime(2016, 1, 1, tzinfo=UTC))
        question = factories.ask_question(
            asker, "A question with an odd tag on it", BODY, ["ale"], at=datetime.now(UTC)
        )
        # What an older import could store: names the rule refuses, in the posts and the tags.
        for name in ODD:
            tag = Tag.objects.create(name=name, count=1)
            PostTag.objects.create(post=question, tag=tag)
        Post.objects.filter(pk=question.pk).update(tags=" ".join(["ale", "odd/tag", "odd%2ftag"]))
        PostHistory.objects.filter(post=question, history_type=HistoryType.INITIAL_TAGS).update(
            text="<ale>" + "".join(f"<{n}>" for n in ODD)
        )
    return site, question, asker


def test_pages_listing_an_odd_tag_answer_and_link_it(client, odd_site) -> None:  # type: ignore[no-untyped-def]
    site, question, asker = odd_site
    prefix = site.url_prefix
    pages = [
        "/",
        "/questions",
        "/questions/tagged/ale",
        "/tags",
        "/tags?tab=new",
        "/tags?tab=name",
        f"/questions/{question.id}/{slugify_title(question.title)}",
        f"/users/{asker.id}/{slugify_name(asker.display_name)}",
        f"/users/{asker.id}/{slugify_name(asker.display_name)}?tab=questions",
        f"/posts/{question.id}/revisions",
        "/feeds",
        "/sitemap.xml",
    ]
    links: set[str] = set()
    for page in pages:
        response = client.get(prefix + page)
        assert response.status_code == 200, page
        links |= set(re.findall(r'href="([^"]*/(?:tagged|tags)/[^"]*)"', response.content.decode()))
    odd_links = {link for link in links if "odd" in link.lower()}
    assert f"{prefix}/questions/tagged/odd%252Ftag" in odd_links
    assert f"{prefix}/tags/odd%252Ftag/info" in odd_links
    for link in odd_links:
        assert client.get(link.replace("&amp;", "&")).status_code == 404, link


@pytest.mark.parametrize("name", ["odd/tag", "100%", "c#", "c++", ".net", "пиво", "a%2Fb"])
def test_a_tag_url_carries_any_name_back_to_the_view(name: str) -> None:
    from urllib.parse import unquote

    from django.urls import resolve, reverse

    from pnyx.sites.paths import SITE_URLCONF

    url = reverse("tagged", urlconf=SITE_URLCONF, args=[name])
    # The server hands Django the path percent-decoded once.
    assert resolve(unquote(url), urlconf=SITE_URLCONF).kwargs == {"tags": name}
