"""sitemap.xml, robots.txt and canonical addresses."""

from __future__ import annotations

import re
import urllib.robotparser
from xml.etree import ElementTree

import pytest

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def small(shared_community):  # type: ignore[no-untyped-def]
    return shared_community


def _xml(client, url: str) -> ElementTree.Element:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def test_sitemap_lists_every_question_with_lastmod(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    root = _xml(client, f"{prefix}/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    urls = root.findall("sm:url", NS)
    assert len(urls) == 6
    first = small.questions[0]
    assert urls[0].findtext("sm:loc", namespaces=NS) == (
        f"http://testserver{prefix}/questions/{first.id}/question-number-0-about-beer-styles"
    )
    # The question's last activity: its second answer, two hours after it was asked.
    assert urls[0].findtext("sm:lastmod", namespaces=NS) == "2015-03-11T02:00:00+00:00"


def test_sitemap_leaves_out_deleted_questions(client, community) -> None:  # type: ignore[no-untyped-def]
    small = community(6)
    from django.utils import timezone

    from pnyx.posts.models import Post
    from pnyx.sites.context import activated

    with activated(small.site):
        Post.objects.filter(pk=small.questions[0].pk).update(deletion_date=timezone.now())
    root = _xml(client, f"{small.site.url_prefix}/sitemap.xml")
    assert len(root.findall("sm:url", NS)) == 5


def test_large_sitemap_becomes_an_index_of_files(client, small, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pnyx.web.views import crawlers

    monkeypatch.setattr(crawlers, "SITEMAP_LIMIT", 4)
    prefix = small.site.url_prefix
    index = _xml(client, f"{prefix}/sitemap.xml")
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = [e.findtext("sm:loc", namespaces=NS) for e in index.findall("sm:sitemap", NS)]
    assert locs == [
        f"http://testserver{prefix}/sitemap-1.xml",
        f"http://testserver{prefix}/sitemap-2.xml",
    ]
    first = _xml(client, f"{prefix}/sitemap-1.xml").findall("sm:url", NS)
    second = _xml(client, f"{prefix}/sitemap-2.xml").findall("sm:url", NS)
    assert (len(first), len(second)) == (4, 2)
    assert client.get(f"{prefix}/sitemap-3.xml").status_code == 404
    assert client.get(f"{prefix}/sitemap-0.xml").status_code == 404


def test_sitemap_runs_one_query_per_file(client, community, count_queries) -> None:  # type: ignore[no-untyped-def]
    small, large = community(2), community(30)
    assert count_queries(client, small.site, "/sitemap.xml") == 2
    assert count_queries(client, large.site, "/sitemap.xml") == 2


def test_network_robots_allows_pages_blocks_revisions_and_names_sitemaps(client, small) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    prefix = small.site.url_prefix
    assert f"Sitemap: http://testserver{prefix}/sitemap.xml" in text
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    assert parser.can_fetch("*", f"http://testserver{prefix}/questions/1/a-question")
    assert parser.can_fetch("*", f"http://testserver{prefix}/tags")
    assert f"Disallow: {prefix}/posts/*/revisions" in text


def test_site_robots_on_its_own_host(client, make_site) -> None:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    make_site("robotic", title="Robotic", hostnames=["robotic.example.org"])
    with override_settings(ALLOWED_HOSTS=["robotic.example.org", "testserver"]):
        text = client.get("/robots.txt", HTTP_HOST="robotic.example.org").content.decode()
        sitemap = client.get("/sitemap.xml", HTTP_HOST="robotic.example.org")
    assert text.splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /posts/*/revisions",
        "Sitemap: http://robotic.example.org/sitemap.xml",
    ]
    assert sitemap.status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/tags", "/tags/ale/info", "/users", "/help/badges", "/help/badges/Teacher"],
)
def test_pages_name_their_canonical_address(client, small, url: str) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{small.site.url_prefix}{url}?filter=zz").content.decode()
    canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', body)
    assert canonical == [f"http://testserver{small.site.url_prefix}{url}"]


def test_network_home_names_its_canonical_address(client, small) -> None:  # type: ignore[no-untyped-def]
    assert '<link rel="canonical" href="http://testserver/">' in client.get("/").content.decode()
