"""The tag list and tag pages."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def small(shared_community):  # type: ignore[no-untyped-def]
    return shared_community


def test_tag_list_shows_tags_with_counts_and_excerpt(client, small) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{small.site.url_prefix}/tags").content.decode()
    assert "<h1>Tags</h1>" in body
    # Popular first: "beer" is on every question.
    names = re.findall(r'class="tag" href="[^"]*/questions/tagged/([^"]+)"', body)
    assert names[0] == "beer"
    assert set(names) == {"beer", "ale", "lager", "stout"}
    assert "6 questions" in body
    assert "Ale is beer brewed with warm fermentation." in body
    assert f'href="{small.site.url_prefix}/tags/ale/info"' in body


def test_tag_list_tabs_sort_by_name_and_newest(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    by_name = client.get(f"{prefix}/tags?tab=name").content.decode()
    assert re.findall(r"/questions/tagged/([a-z]+)\"", by_name) == ["ale", "beer", "lager", "stout"]
    newest = client.get(f"{prefix}/tags?tab=NEW").content.decode()
    assert re.findall(r"/questions/tagged/([a-z]+)\"", newest)[0] == "stout"
    assert 'aria-current="page">New<' in newest


def test_tag_filter_works_without_script(client, small) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{small.site.url_prefix}/tags?filter=AG&tab=name").content.decode()
    assert re.findall(r"/questions/tagged/([a-z]+)\"", body) == ["lager"]
    assert '<label for="tag-filter">' in body
    assert 'value="AG"' in body
    assert '<input type="hidden" name="tab" value="name">' in body
    none = client.get(f"{small.site.url_prefix}/tags?filter=zzz").content.decode()
    assert "No tags match" in none


@pytest.mark.parametrize(
    "query",
    [
        "?page=-1",
        "?page=99999",
        "?page=abc",
        "?pagesize=10000",
        "?tab=bogus",
        "?tab=",
        "?filter=%00%01",
        "?filter=%25_%27%22%3Cscript%3E",
        "?filter=" + "x" * 5000,
        "?filter=%F0%9F%8D%BA",
    ],
)
def test_tag_list_bad_parameters_never_fail(client, small, query: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{small.site.url_prefix}/tags{query}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_tag_list_pages(client, community) -> None:  # type: ignore[no-untyped-def]
    from pnyx.posts.models import Tag
    from pnyx.sites.context import activated

    built = community(1)
    with activated(built.site):
        Tag.objects.bulk_create(Tag(name=f"extra-{i:02d}", count=0) for i in range(40))
    prefix = built.site.url_prefix
    first = client.get(f"{prefix}/tags?tab=name").content.decode()
    assert 'rel="next" href="?tab=name&amp;page=2"' in first
    second = client.get(f"{prefix}/tags?tab=name&page=2").content.decode()
    assert "extra-39" in second and "extra-39" not in first
    assert (
        '<link rel="canonical" href="http://testserver' + prefix + '/tags?tab=name&amp;page=2">'
        in second
    )


def test_tag_page_shows_excerpt_wiki_and_top_users(client, small) -> None:  # type: ignore[no-untyped-def]
    prefix = small.site.url_prefix
    response = client.get(f"{prefix}/tags/ale/info")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ale is beer brewed with warm fermentation." in body
    assert "Ales are <strong>top-fermented</strong> beers." in body
    assert f'href="{prefix}/questions/tagged/ale"' in body
    assert f'<link rel="canonical" href="http://testserver{prefix}/tags/ale/info">' in body
    askers = body.split('id="askers-heading"')[1].split("</ol>")[0]
    answerers = body.split('id="answerers-heading"')[1].split("</ol>")[0]
    # "ale" questions are numbers 0 and 3, asked by members 0 and 3, each scoring 1.
    assert re.findall(r">(Member \d)</a>", askers) == ["Member 0", "Member 3"]
    # q0 is answered by Member 1 (-1) and Member 2 (+1, accepted); q3 by Member 0 (-1) and
    # Member 1 (+1, accepted): Member 2 totals 1, Member 1 totals 0 over 2 answers, Member 0 -1.
    assert re.findall(r">(Member \d)</a>", answerers) == ["Member 2", "Member 1", "Member 0"]
    assert "score 0 in 2 answers" in answerers
    assert "score 1 in 1 question" in askers


def test_tag_without_wiki_says_so(client, small) -> None:  # type: ignore[no-untyped-def]
    body = client.get(f"{small.site.url_prefix}/tags/lager/info").content.decode()
    assert "This tag has no wiki yet." in body


@pytest.mark.parametrize("tag", ["nosuchtag", "UPPER", "a%00b", "x" * 40, "%3Cscript%3E"])
def test_unknown_or_malformed_tag_is_404(client, small, tag: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"{small.site.url_prefix}/tags/{tag}/info").status_code == 404


def test_tag_address_redirects_to_its_questions(client, small) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{small.site.url_prefix}/tags/ale")
    assert response.status_code == 301
    assert response["Location"] == f"{small.site.url_prefix}/questions/tagged/ale"


def test_tag_pages_run_a_fixed_number_of_queries(client, community, count_queries) -> None:  # type: ignore[no-untyped-def]
    small, large = community(3), community(30)
    for url in ("/tags", "/tags?tab=name&filter=a", "/tags/ale/info"):
        assert count_queries(client, small.site, url) == count_queries(client, large.site, url)
    assert count_queries(client, large.site, "/tags") == 2
    assert count_queries(client, large.site, "/tags/ale/info") == 3
