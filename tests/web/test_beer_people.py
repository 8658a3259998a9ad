"""Tags, users, badges, feeds and the sitemap against the real beer.stackexchange.com dump."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import feedparser
import pytest

PREFIX = "/beer"


def _get(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(PREFIX + path)
    assert response.status_code == 200, path
    return response.content.decode()


def _feed(client, path: str):  # type: ignore[no-untyped-def]
    response = client.get(PREFIX + path)
    assert response.status_code == 200, path
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def test_tag_list_most_popular_first(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/tags")
    assert re.findall(r'class="tag" href="/beer/questions/tagged/([^"]+)"', html)[:4] == [
        "taste",
        "brewing",
        "history",
        "breweries",
    ]
    assert "133 tags" in html


def test_tag_with_a_wiki_and_its_top_users(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/tags/ale/info")
    assert "Ale is a type of beer brewed using a warm fermentation method" in html
    assert "Historically, the term referred to a drink brewed without hops." in html
    askers = html.split('id="askers-heading"')[1].split("</ol>")[0]
    answerers = html.split('id="answerers-heading"')[1].split("</ol>")[0]
    assert re.findall(r'href="/beer/users/\d+/[^"]+">([^<]+)</a>', askers)[0] == "Tom Medley"
    assert "score 32 in 1 question" in askers
    assert re.findall(r'href="/beer/users/\d+/[^"]+">([^<]+)</a>', answerers)[:2] == [
        "Grohlier",
        "Sloloem",
    ]
    assert "score 16 in 5 answers" in answerers


def test_users_by_reputation(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/users")
    names = re.findall(r'class="user-card-name" href="[^"]+">([^<]+)<', html)
    assert names[:3] == ["mdma", "Sloloem", "Fishtoaster"]
    assert "Community" not in names


def test_user_with_badges_and_a_reputation_history(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/users/112/mdma")
    assert "<h1>mdma</h1>" in html
    assert '<strong class="rep-big">3835</strong>' in html
    assert "<dt>Location</dt><dd>Norway</dd>" in html
    assert "<dt>Answers</dt><dd>44</dd>" in html and "<dt>Questions</dt><dd>3</dd>" in html
    assert 'title="1 gold badge"' in html
    assert 'title="13 silver badges"' in html
    assert 'title="33 bronze badges"' in html
    top = html.split('id="top-answers-heading"')[1].split("</ul>")[0]
    assert "Does beer really go bad after the &#x27;best before&#x27;-date?" in top
    # The dump keeps mdma's total, not its history: nothing is itemised, so no graph is drawn.
    assert "(imported: 3835) is not itemised" in html
    assert '<svg class="rep-chart"' not in html
    badges = _get(client, "/users/112/mdma?tab=badges")
    assert re.search(
        r"Nice Answer<span[^>]*>[^<]*</span></a> <span class=\"muted\">\u00d7 13</span>", badges
    )


def test_badge_list_and_a_badge_with_an_ampersand(client, beer) -> None:  # type: ignore[no-untyped-def]
    html = _get(client, "/help/badges")
    row = html.split("/help/badges/Autobiographer")[1].split("</tr>")[0]
    assert "<td>Bronze</td>" in row and "<td>1921</td>" in row
    gold = _get(client, "/help/badges?tab=gold")
    assert {"Fanatic", "Famous Question", "Constable"} <= set(
        re.findall(r"</span> ([^<]+)</a></th>", gold)
    )
    redirect = client.get(PREFIX + "/help/badges", {"name": "Strunk & White"})
    assert redirect.status_code == 302
    page = client.get(redirect["Location"])
    assert page.status_code == 200
    assert "awarded 1 time to 1 user" in page.content.decode()


def test_feeds_on_beer(client, beer) -> None:  # type: ignore[no-untyped-def]
    site = _feed(client, "/feeds")
    assert len(site.entries) == 30
    assert site.entries[0].title == "What fruit spirit is in St. Germain?"
    question = _feed(client, "/feeds/question/29")
    assert question.entries[0].link.endswith(
        "/beer/questions/29/" + question.entries[0].link.rsplit("/", 1)[1]
    )
    assert all(e.title.startswith("Answer by ") for e in question.entries[1:])
    user = _feed(client, "/feeds/user/112")
    assert len(user.entries) == 30 and {e.author for e in user.entries} == {"mdma"}
    tag = _feed(client, "/feeds/tag/ale")
    assert len(tag.entries) == 13


def test_sitemap_has_every_question(client, beer) -> None:  # type: ignore[no-untyped-def]
    response = client.get(PREFIX + "/sitemap.xml")
    root = ElementTree.fromstring(response.content)
    assert len(root) == 591


@pytest.mark.parametrize(
    "path",
    [
        "/users/112/mdma",
        "/users/112/mdma?tab=activity",
        "/users/112/mdma?tab=answers",
        "/tags/ale/info",
        "/help/badges/Nice%20Answer",
        "/feeds/user/112",
    ],
)
def test_busy_pages_run_as_many_queries_as_quiet_ones(client, beer, path: str) -> None:  # type: ignore[no-untyped-def]
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    from pnyx.sites.registry import ensure_connection

    ensure_connection(beer)
    quiet = {
        "/users/112/mdma": "/users/-1/community",
        "/users/112/mdma?tab=activity": "/users/-1/community?tab=activity",
        # A list of none runs no row query; compare with a user of one answer.
        "/users/112/mdma?tab=answers": "/users/10/dagardner?tab=answers",
        "/tags/ale/info": "/tags/finings/info",
        "/help/badges/Nice%20Answer": "/help/badges/Fanatic",
        "/feeds/user/112": "/feeds/user/-1",
    }[path]
    counts = []
    for url in (path, quiet):
        with CaptureQueriesContext(connections[beer.db_alias]) as queries:
            assert client.get(PREFIX + url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_question_and_tag_pages_offer_their_feeds(client, beer) -> None:  # type: ignore[no-untyped-def]
    question = client.get(PREFIX + "/q/29", follow=True).content.decode()
    assert 'type="application/atom+xml"' in question
    assert 'href="/beer/feeds/question/29"' in question
    tagged = _get(client, "/questions/tagged/ale")
    assert 'href="/beer/feeds/tag/ale"' in tagged
    info = _get(client, "/tags/ale/info")
    assert info.count('href="/beer/feeds/tag/ale"') == 2  # the <link> and the visible link
