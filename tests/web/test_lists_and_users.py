import re
from datetime import UTC, datetime, timedelta

import pytest
from tests import factories

from pnyx.posts.models import LinkType, Post, PostLink, PostType, Tag


def test_network_home_lists_sites(client, politics) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/politics/"' in response.content.decode()


def test_site_home_lists_the_question_with_counts_and_tags(client, politics) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/politics/").content.decode()
    assert "Why did Vladimir Putin order a pullout from Syria in late 2017?" in body
    assert "<strong>1</strong> answer" in body
    assert 'href="/politics/questions/tagged/syria"' in body


@pytest.mark.parametrize(
    "query",
    [
        "?tab=newest",
        "?tab=score",
        "?tab=bogus",
        "?page=-1",
        "?pagesize=10000",
        "?page=abc&pagesize=x",
    ],
)
def test_list_parameters_never_fail(client, politics, query: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/politics/questions" + query)
    assert response.status_code == 200
    assert "Why did Vladimir Putin" in response.content.decode()


def test_tagged_list(client, politics) -> None:  # type: ignore[no-untyped-def]
    assert (
        "Why did Vladimir Putin" in client.get("/politics/questions/tagged/syria").content.decode()
    )
    assert (
        "Why did Vladimir Putin"
        in client.get("/politics/questions/tagged/syria+russia").content.decode()
    )
    assert (
        "Why did Vladimir Putin"
        not in client.get("/politics/questions/tagged/beer").content.decode()
    )


def test_user_page_shows_name_reputation_posts_and_comments(client, politics) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/politics/users/15860/xrorox")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>xrorox</h1>" in body
    assert "1520" in body
    assert "Why did Vladimir Putin" in body
    assert "As an addendum, Daesh lost" in body
    assert client.get("/politics/users/15860").status_code == 301
    assert client.get("/politics/users/15860/wrong")["Location"] == "/politics/users/15860/xrorox"


def test_site_is_reached_by_host_name(client, make_site) -> None:  # type: ignore[no-untyped-def]
    from django.test import override_settings

    make_site("hosted", title="Hosted", hostnames=["hosted.example.org"])
    with override_settings(ALLOWED_HOSTS=["hosted.example.org", "testserver"]):
        response = client.get("/", HTTP_HOST="hosted.example.org")
        assert response.status_code == 200
        assert "Hosted" in response.content.decode()
        prefixed = client.get("/hosted/questions?tab=newest", HTTP_HOST="hosted.example.org")
        assert prefixed.status_code == 301
        assert prefixed["Location"] == "/questions?tab=newest"


# Question lists on a site of our own: the tabs, filters, excerpts and pages.

START = datetime(2016, 5, 1, tzinfo=UTC)
BODY = "This body is long enough to pass the thirty character minimum of a post."


@pytest.fixture
def listed(site):  # type: ignore[no-untyped-def]
    """Seven questions: ages, scores, answers, an accepted one, links and a tag excerpt differ."""
    asker = factories.create_user("Quentin Asker", at=START, reputation=4321)
    helper = factories.create_user("Helper", at=START)
    q = {}
    for key, title, tags, days in [
        ("old", "The oldest question on this site", ["ale"], 0),
        ("popular", "A popular question everyone votes for", ["ale", "lager"], 1),
        ("answered", "A question with an upvoted answer", ["lager"], 2),
        ("accepted", "A question with an accepted answer", ["ale"], 3),
        ("weak", "A question with only a downvoted answer", ["stout"], 4),
        ("linked", "A question other questions link to", ["ale"], 5),
        ("new", "The newest question on this site", ["stout"], 6),
    ]:
        q[key] = factories.ask_question(asker, title, BODY, tags, at=START + timedelta(days=days))
    long_body = "<p>First <em>paragraph</em> &amp; more.</p>" + "<p>" + "word " * 120 + "</p>"
    Post.objects.filter(pk=q["old"].pk).update(
        body_html=long_body, last_activity_date=START + timedelta(days=30)
    )
    Post.objects.filter(pk=q["popular"].pk).update(score=50, view_count=999)
    Post.objects.filter(pk=q["new"].pk).update(score=-2)
    for key, score in (("answered", 3), ("accepted", 0), ("weak", -1)):
        answer = factories.post_answer(q[key], helper, BODY, at=START + timedelta(days=8))
        Post.objects.filter(pk=answer.pk).update(score=score)
        if key == "accepted":
            Post.objects.filter(pk=q[key].pk).update(accepted_answer_id=answer.pk)
    for source in (q["new"], q["weak"]):
        PostLink.objects.create(
            creation_date=START, post=source, related_post=q["linked"], link_type=LinkType.LINKED
        )
    PostLink.objects.create(
        creation_date=START, post=q["new"], related_post=q["popular"], link_type=LinkType.DUPLICATE
    )
    excerpt = Post.objects.create(
        post_type=PostType.TAG_WIKI_EXCERPT,
        creation_date=START,
        last_activity_date=START,
        body_html="<p>Ale is <strong>top-fermented</strong> beer.</p>",
    )
    Tag.objects.filter(name="ale").update(excerpt_post=excerpt)
    return site, q


def _titles(client, site, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(site.url_prefix + path)
    assert response.status_code == 200, path
    return re.findall(r'<h2 class="q-title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/questions", ["new", "linked", "weak", "accepted", "answered", "popular", "old"]),
        (
            "/questions?tab=newest",
            ["new", "linked", "weak", "accepted", "answered", "popular", "old"],
        ),
        ("/", ["old", "weak", "accepted", "answered", "new", "linked", "popular"]),
        (
            "/questions?tab=active",
            ["old", "weak", "accepted", "answered", "new", "linked", "popular"],
        ),
        (
            "/questions?tab=score",
            ["popular", "linked", "weak", "accepted", "answered", "old", "new"],
        ),
        (
            "/questions?tab=votes",
            ["popular", "linked", "weak", "accepted", "answered", "old", "new"],
        ),
        ("/questions?tab=unanswered", ["new", "linked", "weak", "popular", "old"]),
        ("/questions?tab=frequent", ["linked", "popular"]),
        ("/questions?filter=noanswers", ["new", "linked", "popular", "old"]),
        (
            "/questions?filter=noaccepted&tab=score",
            ["popular", "linked", "weak", "answered", "old", "new"],
        ),
        ("/questions/tagged/ale", ["linked", "accepted", "popular", "old"]),
        ("/questions/tagged/ale+lager", ["popular"]),
        ("/questions/tagged/lager%20ale", ["popular"]),
        ("/questions/tagged/ALE?filter=noanswers&tab=score", ["popular", "linked", "old"]),
    ],
)
def test_list_tabs_and_filters(client, listed, path: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    site, q = listed
    assert _titles(client, site, path) == [q[key].title for key in expected]


def test_list_rows_show_counts_excerpt_asker_and_accepted_mark(client, listed) -> None:  # type: ignore[no-untyped-def]
    site, q = listed
    html = client.get(site.url_prefix + "/questions?tab=score").content.decode()
    rows = html.split('<li class="question-summary">')[1:]
    popular = rows[0]
    assert "<strong>50</strong> votes" in popular and "999 views" in popular
    assert "Quentin Asker" in popular and "4321" in popular
    accepted = next(r for r in rows if q["accepted"].title in r)
    assert 'class="stat accepted"' in accepted and "has an accepted answer" in accepted
    answered = next(r for r in rows if q["answered"].title in r)
    assert 'class="stat answered"' in answered and "<strong>1</strong> answer<" in answered
    old = next(r for r in rows if q["old"].title in r)
    excerpt = re.search(r'<p class="excerpt">([^<]*)</p>', old).group(1)
    assert excerpt.startswith("First paragraph &amp; more. word word")
    assert excerpt.endswith("…") and 150 <= len(excerpt) <= 215


def test_tagged_list_shows_the_tag_excerpt_and_wiki_link(client, listed) -> None:  # type: ignore[no-untyped-def]
    site, _ = listed
    html = client.get(site.url_prefix + "/questions/tagged/ale").content.decode()
    assert "Questions tagged [ale]" in html
    assert "<p>Ale is <strong>top-fermented</strong> beer.</p>" in html
    assert f'href="{site.url_prefix}/tags/ale/info"' in html
    both = client.get(site.url_prefix + "/questions/tagged/ale+lager").content.decode()
    assert "Questions tagged [ale] and [lager]" in both and "top-fermented" not in both


@pytest.mark.parametrize(
    "path",
    [
        "/questions/tagged/nosuchtag",
        "/questions/tagged/ale+nosuchtag",
        "/questions/tagged/a%22b",
        "/questions/tagged/" + "x" * 40,
        "/questions/tagged/a+b+c+d+e+f",
        "/questions/tagged/+",
    ],
)
def test_unknown_or_malformed_tags_are_404(client, listed, path: str) -> None:  # type: ignore[no-untyped-def]
    site, _ = listed
    assert client.get(site.url_prefix + path).status_code == 404


def test_pages_and_page_sizes_keep_the_other_parameters(client, site) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("Asker", at=START)
    for i in range(35):
        factories.ask_question(
            asker,
            f"Question number {i:02d} in a long list",
            BODY,
            ["ale"],
            at=START + timedelta(hours=i),
        )
    prefix = site.url_prefix
    html = client.get(
        prefix + "/questions?tab=score&filter=noaccepted&pagesize=15&page=2"
    ).content.decode()
    assert len(re.findall(r'class="q-title"', html)) == 15
    assert f'href="{prefix}/questions?tab=score&amp;filter=noaccepted&amp;page=3"' in html
    assert f'rel="prev" href="{prefix}/questions?tab=score&amp;filter=noaccepted"' in html
    assert re.search(
        rf'<a href="{prefix}/questions\?tab=score&amp;filter=noaccepted&amp;page=2" aria-current="page">',
        html,
    )
    assert f'href="{prefix}/questions?tab=score&amp;filter=noaccepted&amp;pagesize=50"' in html
    last = client.get(prefix + "/questions?pagesize=30&page=99").content.decode()
    assert len(re.findall(r'class="q-title"', last)) == 5
    assert "Question number 00" in last
    assert (
        len(
            re.findall(
                r'class="q-title"',
                client.get(prefix + "/questions?pagesize=10000").content.decode(),
            )
        )
        == 15
    )


@pytest.mark.parametrize(
    "query",
    [
        "?tab=%3Cscript%3E",
        "?filter=bogus",
        "?page=0",
        "?page=99999999999999999999",
        "?pagesize=-15",
        "?tab=frequent&page=-3",
        "?filter=&tab=",
    ],
)
def test_more_bad_list_parameters_never_fail(client, listed, query: str) -> None:  # type: ignore[no-untyped-def]
    site, _ = listed
    for path in ("/", "/questions", "/questions/tagged/ale"):
        assert client.get(site.url_prefix + path + query).status_code == 200


def test_tags_with_a_plus_in_their_name(client, site) -> None:  # type: ignore[no-untyped-def]
    asker = factories.create_user("Asker", at=START)
    factories.ask_question(asker, "A question about the language c++", BODY, ["c++"], at=START)
    factories.ask_question(asker, "A question about the letter c only", BODY, ["c"], at=START)
    for path in ("/questions/tagged/c%2B%2B", "/questions/tagged/c++"):
        assert _titles(client, site, path) == ["A question about the language c++"]
    assert _titles(client, site, "/questions/tagged/c") == ["A question about the letter c only"]


def test_question_closed_for_another_reason_after_a_duplicate_closure(client, site) -> None:  # type: ignore[no-untyped-def]
    from pnyx.posts.models import HistoryType, PostHistory
    from pnyx.posts.slugs import slugify_title

    asker = factories.create_user("Asker", at=START)
    original = factories.ask_question(asker, "The original question here", BODY, ["ale"], at=START)
    question = factories.ask_question(
        asker, "A question closed twice over", BODY, ["ale"], at=START
    )
    PostLink.objects.create(
        creation_date=START, post=question, related_post=original, link_type=LinkType.DUPLICATE
    )
    for days, kind, reason in (
        (1, HistoryType.CLOSED, "101"),
        (2, HistoryType.REOPENED, None),
        (3, HistoryType.CLOSED, "105"),
    ):
        PostHistory.objects.create(
            history_type=kind,
            post=question,
            creation_date=START + timedelta(days=days),
            comment=reason,
        )
    Post.objects.filter(pk=question.pk).update(closed_date=START + timedelta(days=3))
    html = client.get(
        f"{site.url_prefix}/questions/{question.id}/{slugify_title(question.title)}"
    ).content.decode()
    assert "closed as primarily opinion-based" in html and "[closed]" in html
    assert "already has answers here" not in html
